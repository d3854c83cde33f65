import { and, asc, desc, eq, lt, or } from 'drizzle-orm';
import type { Deps } from '../../lib/deps.js';
import { badRequest, notFound } from '../../lib/errors.js';
import type { Actor } from '../auth/actor.js';
import { findDeliveryForUnit, type DeliveryRow } from '../dispatch/lookup.js';
import { markDeliveryRead } from '../dispatch/status.js';
import { STATUS_CODES } from '../dispatch/tables.js';
import { listDocumentEvents, presentEvent } from '../events/service.js';
import { isUuid, loadReadableDocument } from './access.js';
import { fileSignatureVerdicts } from '../signing/verdicts.js';
import { presentDocument, presentFile } from './present.js';
import { documentFiles, documents } from './tables.js';

/** A document with its files and the timeline the caller may see. */
export async function getDocument(deps: Deps, actor: Actor, documentId: string) {
  const { doc, deliveryId } = await loadReadableDocument(deps.db, actor, documentId);
  const delivery = deliveryId ? await findDeliveryForUnit(deps.db, doc.id, actor.unitId) : undefined;
  const files = await deps.db
    .select()
    .from(documentFiles)
    .where(eq(documentFiles.documentId, doc.id))
    .orderBy(asc(documentFiles.createdAt), asc(documentFiles.id));
  const events = await listDocumentEvents(deps.db, { documentId: doc.id, unitId: actor.unitId });
  return {
    document: presentDocument(doc),
    files: files.map(presentFile),
    // Every signature of every file, verified once per file version (see fileSignatureVerdicts).
    signatures: await fileSignatures(deps, files),
    events: events.map(presentEvent),
    /** For a recipient: its own copy's state (status, read, acknowledged, số đến, a pending recall). */
    delivery: delivery ? presentOwnDelivery(delivery) : null,
  };
}

const isoOrNull = (d: Date | null) => d?.toISOString() ?? null;

function presentOwnDelivery(d: DeliveryRow) {
  return {
    deliveryId: d.id, status: d.status, statusCode: STATUS_CODES[d.status], deliveredAt: d.deliveredAt.toISOString(),
    readAt: isoOrNull(d.readAt), acknowledgedAt: isoOrNull(d.acknowledgedAt), acceptedAt: isoOrNull(d.acceptedAt),
    incomingNumber: d.incomingNumber, recallRequestedAt: d.recallAnsweredAt ? null : isoOrNull(d.recallRequestedAt), recallReason: d.recallReason,
  };
}

async function fileSignatures(deps: Deps, files: Array<{ id: string; sha256: string; role: string }>) {
  const out = [];
  for (const f of files) {
    for (const v of await fileSignatureVerdicts(deps, deps.db, f.sha256)) out.push({ fileId: f.id, role: f.role, ...v });
  }
  return out;
}

/**
 * A file of a readable document, for download. Opening a file counts as reading the delivery
 * (NĐ 30: the recipient has seen the document).
 */
export async function openDocumentFile(deps: Deps, actor: Actor, documentId: string, fileId: string) {
  const { doc, deliveryId } = await loadReadableDocument(deps.db, actor, documentId);
  if (!isUuid(fileId)) throw notFound('Không tìm thấy tệp', 'File not found');
  const [file] = await deps.db
    .select()
    .from(documentFiles)
    .where(and(eq(documentFiles.id, fileId), eq(documentFiles.documentId, doc.id)));
  if (!file) throw notFound('Không tìm thấy tệp', 'File not found');
  if (deliveryId) await markDeliveryRead(deps, actor, deliveryId);
  return file;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Cursor = base64url of "createdAt|id" of the last item; stable under concurrent inserts. */
export async function listOutbox(deps: Deps, actor: Actor, q: { cursor?: string; limit?: number }): Promise<Page<ReturnType<typeof presentDocument>>> {
  const limit = q.limit ?? 50;
  let after;
  if (q.cursor) {
    const [at, id] = Buffer.from(q.cursor, 'base64url').toString().split('|');
    if (!at || !id || !isUuid(id) || Number.isNaN(Date.parse(at))) throw badRequest('Con trỏ phân trang không hợp lệ', 'Invalid cursor');
    const when = new Date(at);
    after = or(lt(documents.createdAt, when), and(eq(documents.createdAt, when), lt(documents.id, id)));
  }
  const rows = await deps.db
    .select()
    .from(documents)
    .where(and(eq(documents.issuerUnitId, actor.unitId), after))
    .orderBy(desc(documents.createdAt), desc(documents.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(presentDocument),
    nextCursor: rows.length > limit && last ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString('base64url') : null,
  };
}
