import { and, eq, lt } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { badRequest, conflict, forbidden } from '../../lib/errors.js';
import { recordEvents } from '../events/service.js';
import { findActiveUnits, getUnit, type Unit } from '../orgs/units.js';
import { endedUnits } from '../orgs/history.js';
import { formatNotation, seriesFor, takeNextNumber } from './numbering.js';
import { mayIssue } from './policy.js';
import type { DocumentRow } from './present.js';
import { documentFiles, documents } from './tables.js';

/** The checks that need no query: the clerk of the issuing unit, a draft, not secret, some recipients. */
export function checkIssuableDraft(actor: Actor, doc: DocumentRow): void {
  if (!mayIssue(actor, doc)) throw forbidden('Chỉ văn thư của đơn vị được ban hành văn bản', 'Only a clerk of the issuing unit can issue');
  if (doc.status !== 'draft') throw conflict('Văn bản đã được ban hành', 'The document has already been issued');
  if (doc.secrecy !== 'none') {
    throw conflict('Văn bản mật không được gửi qua mạng (QĐ 28/2018/QĐ-TTg)', 'Secret documents cannot be sent electronically');
  }
  if (doc.recipients.length === 0) throw badRequest('Văn bản chưa có nơi nhận', 'The document has no recipients');
}

/**
 * What must hold before a draft is numbered (checked before and again inside the numbering
 * transaction): the clerk of the issuing unit, a draft, not secret (QĐ 28/2018: secret documents
 * never travel over the network), recipients that still exist, and a main file.
 */
export async function checkIssuable(db: DbOrTx, actor: Actor, doc: DocumentRow): Promise<void> {
  checkIssuableDraft(actor, doc);
  const [main] = await db
    .select({ id: documentFiles.id })
    .from(documentFiles)
    .where(and(eq(documentFiles.documentId, doc.id), eq(documentFiles.role, 'main')));
  if (!main) throw conflict('Văn bản chưa có tệp chính', 'The document has no main file');
  const active = new Set((await findActiveUnits(db, doc.recipients)).map((u) => u.id));
  let unknown = doc.recipients.filter((id) => !active.has(id));
  // Addressed before a reorganisation ended the unit: delivered to its successor (finishIssue).
  if (unknown.length) {
    const ended = await endedUnits(db, unknown);
    unknown = unknown.filter((id) => !ended.get(id)?.successor);
  }
  if (unknown.length) {
    throw badRequest(`Nơi nhận không còn tồn tại: ${unknown.slice(0, 5).join(', ')}`, `Unknown recipient units: ${unknown.slice(0, 5).join(', ')}`);
  }
}

/**
 * In the numbering transaction: the number comes from the unit's register (consecutive, never
 * reused — the series row stays locked until this short transaction commits) and the document
 * becomes `issuing`. From here on the number is committed: the document will be issued, by the
 * request that numbered it or, if that dies, by the job that finishes interrupted issues.
 * `extra` goes into the event with the number: what finishing needs to do it the same way later
 * (where the number and date go on the page).
 */
export async function numberDraft(tx: Tx, actor: Actor, doc: DocumentRow, at: Date, extra: Record<string, unknown> = {}): Promise<{ doc: DocumentRow; issuer: Unit }> {
  const issuer = (await getUnit(tx, doc.issuerUnitId))!;
  const drafting = doc.draftingUnitId ? await getUnit(tx, doc.draftingUnitId) : undefined;
  const series = seriesFor(issuer, doc.type, false, at);
  const number = await takeNextNumber(tx, issuer.id, series);
  const notation = formatNotation({ unit: issuer, type: doc.type, number, draftingShortName: drafting?.shortName });
  const [row] = await tx
    .update(documents)
    .set({ status: 'issuing', series, number, notation, issuedAt: at, issuedBy: actor.userId, updatedAt: at })
    .where(eq(documents.id, doc.id))
    .returning();
  // Ids at commit: the event-order lock is not held while the rest of this transaction runs.
  await recordEvents(tx, [{ type: 'document.numbered', at, actor, documentId: doc.id, unitIds: [issuer.id], data: { number, notation, ...extra } }], { atCommit: true });
  return { doc: row!, issuer };
}

/** In the delivering transaction: the numbered document is issued. */
export async function markIssued(tx: Tx, actor: Actor | null, doc: DocumentRow, at: Date, data: Record<string, unknown>): Promise<DocumentRow> {
  const [row] = await tx.update(documents).set({ status: 'issued', updatedAt: at }).where(eq(documents.id, doc.id)).returning();
  await recordEvents(tx, [{
    type: 'document.issued', at: doc.issuedAt ?? at, actor, documentId: doc.id, unitIds: [doc.issuerUnitId],
    data: { number: doc.number, notation: doc.notation, recipients: doc.recipients.length, ...data },
  }], { atCommit: true });
  return row!;
}

/** Documents numbered before `before` and still not delivered: an issue interrupted by a crash. */
export async function listStuckIssuing(db: DbOrTx, before: Date, limit: number): Promise<DocumentRow[]> {
  return db.select().from(documents).where(and(eq(documents.status, 'issuing'), lt(documents.issuedAt, before))).limit(limit);
}

/**
 * The issuer's document is frozen (recalled or replaced) — the recipients are asked separately.
 * `replacedBy` marks a replacement (BussinessDocType 3).
 */
export async function markRecalled(tx: Tx, actor: Actor, doc: DocumentRow, p: { at: Date; reason: string; replacedBy?: string }): Promise<DocumentRow> {
  const [row] = await tx
    .update(documents)
    .set({ status: 'recalled', recalledAt: p.at, recallReason: p.reason, updatedAt: p.at })
    .where(eq(documents.id, doc.id))
    .returning();
  await recordEvents(tx, [p.replacedBy
    ? { type: 'document.replaced', at: p.at, actor, documentId: doc.id, unitIds: [doc.issuerUnitId], data: { reason: p.reason, replacedBy: p.replacedBy } }
    : { type: 'document.recalled', at: p.at, actor, documentId: doc.id, unitIds: [doc.issuerUnitId], data: { reason: p.reason } }]);
  return row!;
}
