import { and, asc, eq } from 'drizzle-orm';
import type { Deps } from '../lib/deps.js';
import type { Actor } from '../lib/actor.js';
import { notFound } from '../lib/errors.js';
import { isUuid } from '../lib/ids.js';
import { findDeliveryForUnit, type DeliveryRow } from '../modules/dispatch/lookup.js';
import { markDeliveryRead } from '../modules/dispatch/status.js';
import { STATUS_CODES } from '../modules/dispatch/tables.js';
import { readFileBytes } from '../modules/documents/file-content.js';
import { presentDocument, presentFile } from '../modules/documents/present.js';
import { warmPreviews } from '../modules/documents/previews.js';
import { documentFiles } from '../modules/documents/tables.js';
import { FLOW_EVENTS } from '../modules/documents/draft-flow.js';
import { getVersion, listVersions, presentVersion } from '../modules/documents/versions.js';
import { listDocumentEvents, presentEvent } from '../modules/events/service.js';
import { withDelegations } from '../modules/orgs/delegations.js';
import { deliveryCan } from '../modules/dispatch/policy.js';
import { fileSignatureVerdicts } from '../modules/signing/verdicts.js';
import { loadReadableDocument } from './access.js';
import { canFor } from './document-can.js';
import { unitNameOnDay } from '../modules/orgs/history.js';
import { vnDate } from '../lib/time.js';

/** A document with its files, its signatures' verdicts, the timeline the caller may see and what the caller can do. */
export async function getDocument(deps: Deps, actor: Actor, documentId: string) {
  const acting = await withDelegations(deps.db, actor, deps.clock());
  const { doc, deliveryId, relation } = await loadReadableDocument(deps.db, acting, documentId);
  const delivery = deliveryId ? await findDeliveryForUnit(deps.db, doc.id, actor.unitId) : undefined;
  const files = await deps.db
    .select()
    .from(documentFiles)
    .where(eq(documentFiles.documentId, doc.id))
    .orderBy(asc(documentFiles.createdAt), asc(documentFiles.id));
  // The trình ký steps and comments are the issuer's internal work: recipients do not see them.
  const events = (await listDocumentEvents(deps.db, { documentId: doc.id, unitId: actor.unitId }))
    .filter((e) => relation === 'issuer' || !(FLOW_EVENTS as readonly string[]).includes(e.type));
  const main = files.find((f) => f.role === 'main');
  // The reader asks for page 1's image next: have it rendered (once per file) while this answer travels.
  if (main) warmPreviews(deps, main);
  const versions = relation === 'issuer' ? await listVersions(deps.db, main ? [main.id] : []) : new Map();
  // The issuer as it was named on the document's date ("UBND xã A (nay là xã C)" for a unit merged since).
  const issuer = doc.senderName === null ? { id: doc.issuerUnitId, name: await unitNameOnDay(deps.db, doc.issuerUnitId, vnDate(doc.issuedAt ?? doc.createdAt)) } : null;
  return {
    document: { ...presentDocument(doc), ...(issuer ? { issuer } : {}), can: canFor(acting, doc, main ? { leaderSigned: Boolean(main.leaderBox) } : null, delivery) },
    files: files.map((f) => ({ ...presentFile(f), ...(versions.has(f.id) ? { versions: versions.get(f.id)!.map(presentVersion) } : {}) })),
    // Every signature of every file, verified once per file version (see fileSignatureVerdicts).
    signatures: await fileSignatures(deps, files),
    events: events.map(presentEvent),
    /** For a recipient: its own copy's state (status, read, acknowledged, số đến, a pending recall) and actions. */
    delivery: delivery ? { ...presentOwnDelivery(delivery), can: deliveryCan(acting, delivery) } : null,
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
    for (const v of await fileSignatureVerdicts(deps, deps.db, f.sha256, () => readFileBytes(deps, f.sha256))) out.push({ fileId: f.id, role: f.role, ...v });
  }
  return out;
}

/**
 * A file of a readable document, for download. Opening a file counts as reading the delivery
 * (NĐ 30: the recipient has seen the document).
 */
export async function openDocumentFile(deps: Deps, actor: Actor, documentId: string, fileId: string) {
  const { doc, deliveryId } = await loadReadableDocument(deps.db, await withDelegations(deps.db, actor, deps.clock()), documentId);
  if (!isUuid(fileId)) throw notFound('Không tìm thấy tệp', 'File not found');
  const [file] = await deps.db
    .select()
    .from(documentFiles)
    .where(and(eq(documentFiles.id, fileId), eq(documentFiles.documentId, doc.id)));
  if (!file) throw notFound('Không tìm thấy tệp', 'File not found');
  if (deliveryId) await markDeliveryRead(deps, actor, deliveryId);
  return file;
}

/** One version of a draft's main file (v1, v2 …), for whoever may see the draft (issuer side only). */
export async function openFileVersion(deps: Deps, actor: Actor, documentId: string, fileId: string, version: number) {
  const { doc, relation } = await loadReadableDocument(deps.db, await withDelegations(deps.db, actor, deps.clock()), documentId);
  if (!isUuid(fileId) || relation !== 'issuer') throw notFound('Không tìm thấy tệp', 'File not found');
  const [file] = await deps.db
    .select({ id: documentFiles.id })
    .from(documentFiles)
    .where(and(eq(documentFiles.id, fileId), eq(documentFiles.documentId, doc.id)));
  if (!file) throw notFound('Không tìm thấy tệp', 'File not found');
  return getVersion(deps.db, file.id, version);
}
