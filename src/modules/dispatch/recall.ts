import { and, eq, inArray, isNotNull, ne } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import type { Actor } from '../../lib/actor.js';
import { badRequest, conflict, forbidden } from '../../lib/errors.js';
import { recordEvents } from '../events/service.js';
import { type LockedDelivery, lockDeliveryForUnit, transitionDelivery } from './lifecycle.js';
import { isRecipientClerk, recallPending } from './policy.js';
import { units } from '../orgs/tables.js';
import { queueDocumentPackage } from './outbound.js';
import { deliveries } from './tables.js';

/** In the issuer's recall transaction: every recipient is asked (code 13) to agree to withdraw its copy. */
export async function requestRecallOfDeliveries(
  tx: Tx, p: { documentId: string; issuerUnitId: string; at: Date; actor: Actor | null; reason: string; /** Asked by the other system: nothing is sent back. */ fromRemote?: boolean },
) {
  const rows = await tx
    .update(deliveries)
    .set({ recallRequestedAt: p.at, recallReason: p.reason, recallAnsweredAt: null, recallRefusalReason: null })
    .where(and(eq(deliveries.documentId, p.documentId), ne(deliveries.status, 'recalled'), ne(deliveries.status, 'refused')))
    .returning({ id: deliveries.id, recipientUnitId: deliveries.recipientUnitId, status: deliveries.status });
  await recordEvents(tx, rows.map((d) => ({
    type: 'delivery.recall_requested', at: p.at, actor: p.actor, documentId: p.documentId, deliveryId: d.id,
    unitIds: [p.issuerUnitId, d.recipientUnitId],
    data: { status: d.status, code: '13', unitId: d.recipientUnitId, issuerUnitId: p.issuerUnitId, reason: p.reason },
  })));
  // Recipients on other systems are asked through the axis: the document package again with
  // BussinessDocType 1 (revoke) and the reason; their clerks' answers come back as 15 or 16.
  if (!p.fromRemote && rows.length) {
    const remote = await tx.select({ code: units.code }).from(units)
      .where(and(inArray(units.id, rows.map((r) => r.recipientUnitId)), isNotNull(units.systemId)));
    await queueDocumentPackage(tx, { documentId: p.documentId, toOrganIds: remote.map((u) => u.code), businessDocType: 1, at: p.at, data: { reason: p.reason } });
  }
  return rows.length;
}

/** The delivery with a recall request waiting for this clerk's answer, locked. */
export async function lockPendingRecall(tx: Tx, actor: Actor, id: string): Promise<LockedDelivery> {
  const d = await lockDeliveryForUnit(tx, actor, id, { allowRecalled: true });
  if (!isRecipientClerk(actor, d)) throw forbidden('Chỉ văn thư trả lời đề nghị thu hồi', 'Only a clerk answers a recall request');
  if (!recallPending(d) || d.status === 'recalled') throw conflict('Không có đề nghị thu hồi đang chờ', 'No recall request is pending');
  return d;
}

/**
 * Inside the caller's transaction, the recipient's clerk agrees (code 15): the copy is withdrawn.
 * Stopping its handling is the caller's (the answer-recall workflow cancels the assignments).
 */
export async function withdrawDelivery(tx: Tx, actor: Actor, d: LockedDelivery, at: Date) {
  await transitionDelivery(tx, actor, d, 'recalled', { at, reason: d.recallReason ?? undefined });
  return { deliveryId: d.id, status: 'recalled' as const, statusCode: '15' };
}

/** The recipient's clerk refuses (code 16) with a reason: the copy and its handling stay. */
export async function refuseRecall(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, deliveryId: string, reason: string) {
  const why = reason.trim();
  if (!why) throw badRequest('Cần nêu lý do', 'A reason is required');
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const d = await lockPendingRecall(tx, actor, deliveryId);
    await transitionDelivery(tx, actor, d, 'recall_refused', { at, reason: why });
    return { deliveryId: d.id, status: d.status, statusCode: '16' };
  });
}
