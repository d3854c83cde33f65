import type { Tx } from '../db/client.js';
import type { Deps } from '../lib/deps.js';
import type { Actor } from '../lib/actor.js';
import { badRequest, conflict, forbidden } from '../lib/errors.js';
import { lockPendingRecall, requestRecallOfDeliveries, withdrawDelivery } from '../modules/dispatch/recall.js';
import { loadDocument, loadOwnDocument } from '../modules/documents/access.js';
import { markRecalled } from '../modules/documents/issue-steps.js';
import { mayRecall } from '../modules/documents/policy.js';
import { presentDocument } from '../modules/documents/present.js';
import { cancelAssignments } from '../modules/handling/cancel.js';

/**
 * The issuer's clerk recalls (thu hồi) an issued document with a reason: it is frozen at the
 * sender at once, and every recipient is asked to agree (code 13). A recipient's copy is withdrawn
 * when its clerk agrees (15) and stays if the clerk refuses (16); both sides' timelines record it.
 */
export async function recallDocument(deps: Deps, actor: Actor, documentId: string, reason: string) {
  const why = reason.trim();
  if (!why) throw badRequest('Cần nêu lý do thu hồi', 'A reason for the recall is required');
  const at = deps.clock();
  const doc = await deps.db.transaction(async (tx) => {
    const doc = await loadOwnDocument(tx, actor, documentId, { forUpdate: true });
    if (!mayRecall(actor, doc)) throw forbidden('Chỉ văn thư của đơn vị ban hành được thu hồi', 'Only a clerk of the issuer can recall');
    if (doc.status !== 'issued') throw conflict('Chỉ thu hồi được văn bản đã ban hành', 'Only an issued document can be recalled');
    const row = await markRecalled(tx, actor, doc, { at, reason: why });
    await requestRecallOfDeliveries(tx, { documentId: doc.id, issuerUnitId: doc.issuerUnitId, at, actor, reason: why });
    return row;
  });
  return presentDocument(doc);
}

/**
 * In the transaction that issues a replacement (BussinessDocType 3): the replaced document is
 * frozen and its recipients are asked to withdraw it, with the new notation as the reason.
 */
export async function recallReplaced(tx: Tx, p: { oldId: string; by: { id: string; notation: string }; issuerUnitId: string; at: Date; actor: Actor }) {
  const old = await loadDocument(tx, p.oldId, { forUpdate: true }).catch(() => null);
  if (!old || old.issuerUnitId !== p.issuerUnitId || old.status !== 'issued') return;
  const reason = `Được thay thế bởi văn bản số ${p.by.notation}`;
  await markRecalled(tx, p.actor, old, { at: p.at, reason, replacedBy: p.by.id });
  await requestRecallOfDeliveries(tx, { documentId: old.id, issuerUnitId: old.issuerUnitId, at: p.at, actor: p.actor, reason });
}

/** The recipient's clerk agrees to a recall (code 15): the copy is withdrawn from the inbox and its handling stops. */
export async function agreeToRecall(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, deliveryId: string) {
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const d = await lockPendingRecall(tx, actor, deliveryId);
    const answer = await withdrawDelivery(tx, actor, d, at);
    await cancelAssignments(tx, d.id, at);
    return answer;
  });
}
