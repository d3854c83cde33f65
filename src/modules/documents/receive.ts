import { and, eq, isNull } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import { recordEvents } from '../events/service.js';
import type { DocumentRow } from './present.js';
import { type FileRole, type Urgency, documentFiles, documents } from './tables.js';

export interface ReceivedDocument {
  issuerUnitId: string;
  /** Who registered it: the clerk who entered a package by hand, or the system account for the axis. */
  createdBy: string;
  externalId: string;
  type: string;
  subject: string;
  number: number | null;
  notation: string | null;
  urgency: Urgency;
  dueDate: string | null;
  issuedAt: Date;
  recipients: string[];
  files: Array<{ name: string; size: number; sha256: string; role: FileRole; contentType: string }>;
  /** The package header's XML signature (the sender's seal): kept on the received event. */
  headerSignature?: { signed: boolean; valid: boolean | null; trusted: boolean | null; problems: string[] };
}

/** The local copy of a document another system issued, if we have it already (a package kept once). */
export async function findReceivedDocument(db: DbOrTx, issuerUnitId: string, externalId: string): Promise<DocumentRow | undefined> {
  const [row] = await db.select().from(documents).where(and(eq(documents.issuerUnitId, issuerUnitId), eq(documents.externalId, externalId)));
  return row;
}

/**
 * In the importing transaction: the local copy of a document issued by a unit of another system —
 * already issued (its number and notation are the sender's), with its files (already adopted into
 * the store by the caller). Its deliveries are dispatch's.
 */
export async function registerReceivedDocument(tx: Tx, d: ReceivedDocument, at: Date): Promise<DocumentRow> {
  const [row] = await tx.insert(documents).values({
    issuerUnitId: d.issuerUnitId, createdBy: d.createdBy, type: d.type, subject: d.subject, urgency: d.urgency, secrecy: 'none',
    dueDate: d.dueDate, recipients: d.recipients, status: 'issued', externalId: d.externalId, number: d.number, notation: d.notation,
    series: null, issuedAt: d.issuedAt, issuedBy: d.createdBy, createdAt: at, updatedAt: at,
  }).returning();
  if (d.files.length) {
    await tx.insert(documentFiles).values(d.files.map((f) => ({ documentId: row!.id, role: f.role, name: f.name, size: f.size, sha256: f.sha256, contentType: f.contentType, uploadedBy: d.createdBy, createdAt: at })));
  }
  await recordEvents(tx, [{
    type: 'document.received', at, documentId: row!.id, unitIds: d.recipients,
    data: { externalId: d.externalId, notation: d.notation, files: d.files.length, headerSignature: d.headerSignature ?? null },
  }]);
  return row!;
}

/**
 * One of our issued documents named by an edXML DocumentId's parts (its number, the notation after
 * the number, the promulgation day in Vietnam time): whom a status package answers.
 */
export async function findIssuedDocument(db: DbOrTx, p: { issuerUnitId: string; number: number; notationTail: string; day: string }): Promise<DocumentRow | undefined> {
  const rows = await db
    .select()
    .from(documents)
    .where(and(eq(documents.issuerUnitId, p.issuerUnitId), eq(documents.number, p.number), isNull(documents.externalId)));
  return rows.find((d) => d.notation?.replace(/^\d+[/-]/, '') === p.notationTail && d.issuedAt && vnDay(d.issuedAt) === p.day);
}

/** yyyy/MM/dd of the Vietnam day. */
const vnDay = (d: Date) => new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '/');
