import { and, eq } from 'drizzle-orm';
import type { Deps } from '../../lib/deps.js';
import { badRequest, conflict, forbidden } from '../../lib/errors.js';
import type { Actor } from '../auth/actor.js';
import { insertDeliveries, recordDeliveriesCreated } from '../dispatch/create-deliveries.js';
import { recordEvents } from '../events/service.js';
import { sealAndVerifyForIssue, type StoreChanges } from '../signing/seal-files.js';
import { forgetUnreferenced } from './blobs.js';
import { recallReplaced } from './recall-document.js';
import { scheduleAlarms } from '../realtime/alarms.js';
import { findActiveUnits, getUnit } from '../orgs/units.js';
import { loadReadableDocument } from './access.js';
import { formatNotation, seriesFor, takeNextNumber } from './numbering.js';
import { canIssue } from './policy.js';
import { presentDocument } from './present.js';
import { documentFiles, documents } from './tables.js';

/**
 * The secretary numbers and dispatches a draft in one transaction: the number comes from the
 * unit's register (consecutive, never reused), every recipient unit gets its delivery, and the
 * events are written — or, on any failure, nothing happens at all and the number is not consumed.
 * The unit's seal signs every file in the same transaction (see sealAndVerifyForIssue).
 * Secret documents are never sent over the network (QĐ 28/2018).
 */
export async function issueDocument(deps: Deps, actor: Actor, documentId: string) {
  const at = deps.clock();
  const changes: StoreChanges = { staged: [], promoted: [] };
  const doc = await deps.db.transaction(async (tx) => {
    const { doc } = await loadReadableDocument(tx, actor, documentId, { forUpdate: true });
    if (!canIssue(actor, doc)) throw forbidden('Chỉ văn thư của đơn vị được ban hành văn bản', 'Only a clerk of the issuing unit can issue');
    if (doc.status !== 'draft') throw conflict('Văn bản đã được ban hành', 'The document has already been issued');
    if (doc.secrecy !== 'none') {
      throw conflict('Văn bản mật không được gửi qua mạng (QĐ 28/2018/QĐ-TTg)', 'Secret documents cannot be sent electronically');
    }
    if (doc.recipients.length === 0) throw badRequest('Văn bản chưa có nơi nhận', 'The document has no recipients');
    const [main] = await tx
      .select({ id: documentFiles.id })
      .from(documentFiles)
      .where(and(eq(documentFiles.documentId, doc.id), eq(documentFiles.role, 'main')));
    if (!main) throw conflict('Văn bản chưa có tệp chính', 'The document has no main file');
    const active = new Set((await findActiveUnits(tx, doc.recipients)).map((u) => u.id));
    const unknown = doc.recipients.filter((id) => !active.has(id));
    if (unknown.length) {
      throw badRequest(`Nơi nhận không còn tồn tại: ${unknown.slice(0, 5).join(', ')}`, `Unknown recipient units: ${unknown.slice(0, 5).join(', ')}`);
    }

    const issuer = (await getUnit(tx, doc.issuerUnitId))!;
    const drafting = doc.draftingUnitId ? await getUnit(tx, doc.draftingUnitId) : undefined;
    const delivered = await insertDeliveries(tx, { documentId: doc.id, recipientUnitIds: doc.recipients, at });
    // Taken as late as possible: the series row stays locked until commit, so every other issue
    // of this unit waits from here on.
    const series = seriesFor(issuer, doc.type, false, at);
    const number = await takeNextNumber(tx, issuer.id, series);
    const notation = formatNotation({ unit: issuer, type: doc.type, number, draftingShortName: drafting?.shortName });
    const sealed = await sealAndVerifyForIssue(deps, tx, { documentId: doc.id, issuer, notation, at, actor, changes });
    const [issued] = await tx
      .update(documents)
      .set({ status: 'issued', series, number, notation, issuedAt: at, issuedBy: actor.userId, updatedAt: at })
      .where(eq(documents.id, doc.id))
      .returning();
    await recordEvents(tx, [
      {
        type: 'document.issued', at, actor, documentId: doc.id, unitIds: [issuer.id],
        data: { number, notation, recipients: doc.recipients.length, sealed: sealed.sealed, signature: sealed.signature },
      },
    ]);
    await recordDeliveriesCreated(tx, {
      documentId: doc.id, issuerUnitId: issuer.id, at, actor, deliveries: delivered,
      document: { subject: doc.subject, urgency: doc.urgency, issuerName: issuer.name },
    });
    if (doc.urgency === 'flash') await scheduleAlarms(deps, tx, delivered.map((d) => d.id), at);
    if (doc.replaces) await recallReplaced(tx, { oldId: doc.replaces, by: { id: doc.id, notation }, issuerUnitId: issuer.id, at, actor });
    return issued!;
  }).catch(async (err) => {
    await Promise.all(changes.staged.map((s) => deps.store.discard(s)));
    await forgetUnreferenced(deps, changes.promoted);
    throw err;
  });
  return presentDocument(doc);
}
