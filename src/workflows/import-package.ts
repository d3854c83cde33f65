import type { Readable } from 'node:stream';
import type { Deps } from '../lib/deps.js';
import type { Actor } from '../lib/actor.js';
import { AppError, badRequest } from '../lib/errors.js';
import type { StagedObject } from '../storage/object-store.js';
import { scheduleAlarms } from '../modules/dispatch/alarms.js';
import { insertDeliveries, recordDeliveriesCreated } from '../modules/dispatch/create-deliveries.js';
import { lockDeliveryOf, lockDeliveryOfPredecessor, transitionDelivery } from '../modules/dispatch/lifecycle.js';
import { queueStatusPackage } from '../modules/dispatch/outbound.js';
import { requestRecallOfDeliveries } from '../modules/dispatch/recall.js';
import { adoptStaged, forgetUnreferenced } from '../modules/documents/blobs.js';
import { readFileBytes } from '../modules/documents/file-content.js';
import { findIssuedDocument, findReceivedDocument, registerReceivedDocument } from '../modules/documents/receive.js';
import { EdxmlError, checkSealTrust, parseDocumentId, parseEdxmlTime, readPackage, type AttachmentInfo, type PackageRead } from '../modules/exchange/edxml/index.js';
import { changeOfStatus, documentFromHeader } from '../modules/exchange/mapping.js';
import { findReceived, packageKey, recordReceived } from '../modules/exchange/received.js';
import { ensureExternalUnit, findActiveUnits, findUnitByCode, getUnit, isExternal, type Unit } from '../modules/orgs/units.js';
import { markRedirected } from '../modules/dispatch/redirect.js';
import { ensureAdmin } from '../modules/orgs/bootstrap.js';
import { findUserByUsername } from '../modules/orgs/users.js';
import { trustAnchorCertificates } from '../modules/signing/trust-service.js';
import { fileSignatureVerdicts } from '../modules/signing/verdicts.js';

/** Where a package came from: the axis (its doc id), or a clerk registering one received by other means. */
export type PackageSource = { axisDocId: string } | { clerk: Actor };

export type ImportResult =
  | { kind: 'edoc'; result: 'imported' | 'duplicate' | 'recall_requested'; documentId: string }
  | { kind: 'status'; result: 'applied' | 'duplicate' | 'arrived' | 'ignored'; documentId: string; reason?: string };

/** A package we refuse: 4xx for a clerk, a refusal recorded (and answered) for the axis. */
export class RefusedPackage extends AppError {
  constructor(readonly reason: string, vi: string, en: string, code: 'bad_request' | 'not_found' | 'unprocessable' = 'bad_request') {
    super(code, { vi, en });
  }
}

const asAppError = (e: unknown): Error => {
  if (e instanceof EdxmlError) return new RefusedPackage(e.code, e.text.vi, e.text.en);
  return e as Error;
};

/**
 * Reads a package (streamed; every attachment staged in the store as it arrives) and takes it in:
 * a document package becomes a local copy issued by the sending unit (an external unit), with one
 * delivery per local recipient, a flash alarm when hỏa tốc, the verdicts on its PDFs and the status
 * 01 (arrived) queued for the sender — in one transaction; a status package moves our delivery to
 * that unit through the delivery lifecycle, as a local recipient's step would. The same package
 * twice is taken once. A header whose XML signature does not verify is refused; an unsigned one is
 * accepted and the document says so (`headerSignature`).
 */
export async function importPackage(deps: Deps, input: Readable, source: PackageSource): Promise<ImportResult> {
  const staged: Array<{ info: AttachmentInfo; obj: StagedObject }> = [];
  let read: PackageRead;
  try {
    read = await readPackage(input, {
      maxBytes: deps.config.maxPackageBytes,
      maxAttachmentBytes: deps.config.maxUploadBytes,
      onAttachment: async (info, stream) => {
        staged.push({ info, obj: await deps.store.stage(stream, { maxBytes: deps.config.maxUploadBytes }) });
      },
    });
  } catch (err) {
    await Promise.all(staged.map((s) => deps.store.discard(s.obj).catch(() => {})));
    throw asAppError(err);
  }
  try {
    return read.kind === 'document' ? await importDocument(deps, read, staged, source) : await importStatus(deps, read, source);
  } finally {
    await Promise.all(staged.map((s) => deps.store.discard(s.obj).catch(() => {})));
  }
}

async function importDocument(
  deps: Deps, read: Extract<PackageRead, { kind: 'document' }>, staged: Array<{ info: AttachmentInfo; obj: StagedObject }>, source: PackageSource,
): Promise<ImportResult> {
  const h = read.header;
  const fields = documentFromHeader(h);
  const key = packageKey({ kind: 'edoc', documentId: h.documentId, from: h.from.organId, businessDocType: fields.businessDocType });
  const axisDocId = 'axisDocId' in source ? source.axisDocId : null;
  const at = deps.clock();
  const trust = read.signature.signed ? await checkSealTrust(read.signature, await trustAnchorCertificates(deps.db), at) : null;

  // Who it is for: the clerk's unit when registered by hand; else our units among To — a To that
  // ended in a reorganisation (ours, or another system's from the directory) is delivered to the
  // unit that took over, and the answer says so.
  let recipients: string[];
  const redirectedFrom = new Map<string, Unit>();
  if ('clerk' in source) {
    recipients = [source.clerk.unitId];
  } else {
    const ours = [];
    for (const to of h.to) {
      const addressed = await findUnitByCode(deps.db, to.organId);
      const u = addressed ? await currentSuccessor(deps, addressed) : undefined;
      if (u && !isExternal(u) && !u.dissolvedAt && !u.internal) {
        ours.push(u.id);
        if (u.id !== addressed!.id && !redirectedFrom.has(u.id)) redirectedFrom.set(u.id, addressed!);
      }
    }
    recipients = [...new Set(ours)];
    if (recipients.length === 0) throw new RefusedPackage('unknown_recipient', 'Không có đơn vị nhận nào thuộc hệ thống này', 'No recipient of this package is served here', 'not_found');
  }

  const pdfs = staged.filter((s) => s.info.contentType === 'application/pdf' || /\.pdf$/i.test(s.info.name));
  if (fields.businessDocType === 0 || fields.businessDocType === 3 || fields.businessDocType === 2) {
    if (pdfs.length === 0) throw new RefusedPackage('no_file', 'Gói tin không có tệp PDF của văn bản', 'The package carries no PDF file');
  }
  // A received document has no author here: it is written by the built-in account, whether the axis
  // brought it or a clerk entered it by hand (the clerk is the actor of its events). An author reads a
  // document as its issuer and lists it among outgoing ones, which the registering clerk must not.
  const createdBy = await systemAccount(deps);

  let promoted: string[] = [];
  try {
    return await deps.db.transaction(async (tx) => {
      const issuer = await ensureExternalUnit(tx, { organId: h.from.organId, name: h.from.organName ?? h.from.organizationInCharge ?? h.from.organId });
      if (!issuer) throw new RefusedPackage('bad_sender', 'Đơn vị gửi không hợp lệ hoặc là đơn vị của hệ thống này', 'The sending unit is invalid or one of ours');
      const existing = await findReceivedDocument(tx, issuer.id, h.documentId);
      const seen = await findReceived(tx, key);
      // Revoke (1): the sender asks every recipient to agree to withdraw (13); the clerk answers 15/16.
      if (fields.businessDocType === 1) {
        if (!existing) throw new RefusedPackage('unknown_document', 'Không có văn bản được đề nghị thu hồi', 'The document to recall was never received', 'not_found');
        if (!seen) {
          await requestRecallOfDeliveries(tx, { documentId: existing.id, issuerUnitId: issuer.id, at, actor: null, reason: fields.reason ?? 'Đơn vị gửi đề nghị thu hồi', fromRemote: true });
          await recordReceived(tx, { key, kind: 'edoc', fromOrganId: h.from.organId, axisDocId, documentId: existing.id, result: 'imported', at });
        }
        return { kind: 'edoc' as const, result: 'recall_requested' as const, documentId: existing.id };
      }
      if (existing) {
        await recordReceived(tx, { key, kind: 'edoc', fromOrganId: h.from.organId, axisDocId, documentId: existing.id, result: 'imported', at });
        return { kind: 'edoc' as const, result: 'duplicate' as const, documentId: existing.id };
      }
      const activeUnits = await findActiveUnits(tx, recipients);
      const active = new Set(activeUnits.map((u) => u.id));
      const recipientNames = new Map(activeUnits.map((u) => [u.id, u.name]));
      const to = recipients.filter((id) => active.has(id));
      promoted = await adoptStaged(deps, tx, pdfs.map((s) => s.obj));
      const doc = await registerReceivedDocument(tx, {
        issuerUnitId: issuer.id, createdBy, externalId: h.documentId, type: fields.type, subject: fields.subject,
        number: fields.number, notation: fields.notation, urgency: fields.urgency, dueDate: fields.dueDate,
        issuedAt: fields.issuedAt ?? at, recipients: to,
        files: pdfs.map((s, i) => ({ name: s.info.name.slice(0, 200) || `van-ban-${i + 1}.pdf`, size: s.obj.size, sha256: s.obj.sha256, role: i === 0 ? 'main' as const : 'appendix' as const, contentType: 'application/pdf' })),
        headerSignature: { signed: read.signature.signed, valid: read.signature.valid, trusted: trust?.trusted ?? null, problems: trust?.problems ?? [] },
      }, at);
      for (const s of pdfs) await fileSignatureVerdicts(deps, tx, s.obj.sha256, () => readFileBytes(deps, s.obj.sha256));
      const delivered = await insertDeliveries(tx, { documentId: doc.id, recipientUnitIds: to, at });
      await markRedirected(tx, doc.id, new Map([...redirectedFrom].map(([toId, from]) => [toId, from.id])));
      const actor = 'clerk' in source ? source.clerk : null;
      await recordDeliveriesCreated(tx, {
        documentId: doc.id, issuerUnitId: issuer.id, at, actor, deliveries: delivered,
        document: { subject: doc.subject, urgency: doc.urgency, issuerName: issuer.name },
      });
      if (doc.urgency === 'flash') await scheduleAlarms(deps, tx, delivered.map((d) => d.id), at);
      // The sender learns the same day that it arrived (01).
      for (const d of delivered) {
        const from = redirectedFrom.get(d.recipientUnitId);
        const description = from ? `Đơn vị ${from.name} đã sáp nhập vào ${recipientNames.get(d.recipientUnitId)}; đã chuyển đến ${recipientNames.get(d.recipientUnitId)}` : 'Đã đến';
        await queueStatusPackage(tx, { documentId: doc.id, deliveryId: d.id, toOrganId: issuer.code, statusCode: '01', at, data: { description } });
      }
      await recordReceived(tx, { key, kind: 'edoc', fromOrganId: h.from.organId, axisDocId, documentId: doc.id, result: 'imported', at });
      return { kind: 'edoc' as const, result: 'imported' as const, documentId: doc.id };
    });
  } catch (err) {
    await forgetUnreferenced(deps, promoted);
    throw err;
  }
}

async function importStatus(deps: Deps, read: Extract<PackageRead, { kind: 'status' }>, source: PackageSource): Promise<ImportResult> {
  const h = read.header;
  const documentId = h.responseFor.documentId ?? '';
  const key = packageKey({ kind: 'status', documentId, from: h.from.organId, statusCode: h.statusCode, timestamp: h.timestamp });
  const axisDocId = 'axisDocId' in source ? source.axisDocId : null;
  let parts;
  try {
    parts = parseDocumentId(documentId);
  } catch {
    throw new RefusedPackage('unknown_document', 'Gói trạng thái không nêu văn bản hợp lệ (ResponseFor/DocumentId)', 'The status package names no valid document (ResponseFor/DocumentId)');
  }
  const issuer = await findUnitByCode(deps.db, parts.organId);
  // 13: the issuer of a document we received asks us to agree to withdraw it (our clerk answers 15/16).
  if (h.statusCode === '13') return askedToRecall(deps, h, key, axisDocId, issuer ?? null, documentId);
  const number = Number.parseInt(parts.codeNumber, 10);
  const doc = issuer && !isExternal(issuer) && Number.isFinite(number)
    ? await findIssuedDocument(deps.db, { issuerUnitId: issuer.id, number, notationTail: parts.codeNotation, day: parts.promulgationDate })
    : undefined;
  if (!doc || ('clerk' in source && doc.issuerUnitId !== source.clerk.unitId)) {
    throw new RefusedPackage('unknown_document', 'Gói trạng thái cho một văn bản không do hệ thống này gửi', 'A status package for a document this system never sent', 'not_found');
  }
  const sender = await findUnitByCode(deps.db, h.from.organId);
  if (!sender || !isExternal(sender)) throw new RefusedPackage('unknown_sender', 'Đơn vị gửi trạng thái không phải nơi nhận của văn bản', 'The answering unit is not a recipient of the document', 'not_found');
  const at = (() => {
    try {
      return parseEdxmlTime(h.timestamp);
    } catch {
      return deps.clock();
    }
  })();
  const change = changeOfStatus(h.statusCode, h.description);
  return deps.db.transaction(async (tx) => {
    if (await findReceived(tx, key)) return { kind: 'status' as const, result: 'duplicate' as const, documentId: doc.id };
    // An answer from the unit that took over one we sent to (a reorganisation at the recipient's side).
    const d = (await lockDeliveryOf(tx, doc.id, sender.id)) ?? (await lockDeliveryOfPredecessor(tx, doc.id, sender.id));
    if (!d) throw new RefusedPackage('unknown_document', 'Văn bản không được gửi tới đơn vị này', 'The document was not sent to this unit', 'not_found');
    let result: 'applied' | 'arrived' | 'ignored' = 'applied';
    let reason: string | undefined;
    if (change === 'arrived' || change === null) {
      result = 'arrived';
    } else {
      try {
        await transitionDelivery(tx, null, d, change, { at, fromRemote: true, reason: change === 'refused' || change === 'recall_refused' ? (h.description ?? '') : undefined, data: { remote: true, description: h.description ?? null } });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        result = 'ignored';
        reason = err.text.en;
      }
    }
    await recordReceived(tx, { key, kind: 'status', fromOrganId: h.from.organId, axisDocId, documentId: doc.id, result: result === 'ignored' ? 'ignored' : 'imported', reason, at: deps.clock() });
    return { kind: 'status' as const, result, documentId: doc.id, ...(reason ? { reason } : {}) };
  });
}

async function askedToRecall(
  deps: Deps, h: Extract<PackageRead, { kind: 'status' }>['header'], key: string, axisDocId: string | null,
  issuer: Awaited<ReturnType<typeof findUnitByCode>> | null, documentId: string,
): Promise<ImportResult> {
  const doc = issuer && isExternal(issuer) && h.from.organId === issuer.code ? await findReceivedDocument(deps.db, issuer.id, documentId) : undefined;
  if (!doc || !issuer) throw new RefusedPackage('unknown_document', 'Đề nghị thu hồi cho một văn bản không nhận từ đơn vị này', 'A recall request for a document not received from this unit', 'not_found');
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    if (await findReceived(tx, key)) return { kind: 'status' as const, result: 'duplicate' as const, documentId: doc.id };
    await requestRecallOfDeliveries(tx, { documentId: doc.id, issuerUnitId: issuer.id, at, actor: null, reason: h.description?.trim() || 'Đơn vị gửi đề nghị thu hồi', fromRemote: true });
    await recordReceived(tx, { key, kind: 'status', fromOrganId: h.from.organId, axisDocId, documentId: doc.id, result: 'imported', at });
    return { kind: 'status' as const, result: 'applied' as const, documentId: doc.id };
  });
}

/**
 * The unit that carries on for `u` today: `u` itself, or — when it ended in a reorganisation
 * (validTo set) with a successor — that successor, followed to the end of the chain (≤ 20 steps).
 */
async function currentSuccessor(deps: Deps, u: Unit): Promise<Unit> {
  let cur = u;
  for (let i = 0; i < 20 && cur.validTo && cur.successorId; i++) {
    const next = await getUnit(deps.db, cur.successorId);
    if (!next) break;
    cur = next;
  }
  return cur;
}

async function systemAccount(deps: Deps): Promise<string> {
  const found = await findUserByUsername(deps.db, 'admin');
  if (found) return found.id;
  await ensureAdmin(deps);
  return (await findUserByUsername(deps.db, 'admin'))!.id;
}

/** For a route: a package registered by hand is for the clerk's unit (a 4xx names what is wrong). */
export async function registerPackageByHand(deps: Deps, clerk: Actor, input: Readable) {
  if (!clerk.roles.includes('clerk')) throw new AppError('forbidden', { vi: 'Chỉ văn thư được vào sổ văn bản đến', en: 'Only a clerk registers incoming documents' });
  const r = await importPackage(deps, input, { clerk });
  if (r.kind !== 'edoc') throw badRequest('Chỉ vào sổ được gói văn bản (không phải gói trạng thái)', 'Only a document package can be registered');
  return r;
}

