import { and, eq, ne } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import { badRequest, conflict, deliveryNotFound, forbidden } from '../../lib/errors.js';
import { type Actor, hasRole } from '../auth/actor.js';
import { documents } from '../documents/tables.js';
import { recordEvents } from '../events/service.js';
import { cancelAssignments } from '../handling/cancel.js';
import { stopAlarms } from '../realtime/alarms.js';
import { deliveries } from './tables.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** In the issuer's recall transaction: every recipient is asked (code 13) to agree to withdraw its copy. */
export async function requestRecallOfDeliveries(tx: Tx, p: { documentId: string; issuerUnitId: string; at: Date; actor: Actor; reason: string }) {
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
  return rows.length;
}

async function lockPendingRecall(tx: Tx, actor: Actor, id: string) {
  if (!UUID.test(id)) throw deliveryNotFound();
  const [row] = await tx.select({ d: deliveries, issuerUnitId: documents.issuerUnitId }).from(deliveries)
    .innerJoin(documents, eq(documents.id, deliveries.documentId)).where(eq(deliveries.id, id)).for('update', { of: deliveries });
  if (!row || row.d.recipientUnitId !== actor.unitId) throw deliveryNotFound();
  if (!hasRole(actor, 'clerk')) throw forbidden('Chỉ văn thư trả lời đề nghị thu hồi', 'Only a clerk answers a recall request');
  if (!row.d.recallRequestedAt || row.d.recallAnsweredAt) throw conflict('Không có đề nghị thu hồi đang chờ', 'No recall request is pending');
  return row;
}

/** The recipient's clerk agrees (code 15): the copy is withdrawn from the inbox and its handling stops. */
export async function agreeToRecall(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, deliveryId: string) {
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const { d, issuerUnitId } = await lockPendingRecall(tx, actor, deliveryId);
    await tx.update(deliveries).set({ status: 'recalled', recalledAt: at, recallAnsweredAt: at }).where(eq(deliveries.id, d.id));
    await stopAlarms(tx, [d.id], at);
    await cancelAssignments(tx, d.id, at);
    await recordEvents(tx, [{
      type: 'delivery.recalled', at, actor, documentId: d.documentId, deliveryId: d.id, unitIds: [issuerUnitId, d.recipientUnitId],
      data: { status: 'recalled', code: '15', unitId: d.recipientUnitId, issuerUnitId, reason: d.recallReason },
    }]);
    return { deliveryId: d.id, status: 'recalled' as const, statusCode: '15' };
  });
}

/** The recipient's clerk refuses (code 16) with a reason: the copy and its handling stay. */
export async function refuseRecall(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, deliveryId: string, reason: string) {
  const why = reason.trim();
  if (!why) throw badRequest('Cần nêu lý do', 'A reason is required');
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const { d, issuerUnitId } = await lockPendingRecall(tx, actor, deliveryId);
    await tx.update(deliveries).set({ recallAnsweredAt: at, recallRefusalReason: why }).where(eq(deliveries.id, d.id));
    await recordEvents(tx, [{
      type: 'delivery.recall_refused', at, actor, documentId: d.documentId, deliveryId: d.id, unitIds: [issuerUnitId, d.recipientUnitId],
      data: { status: d.status, code: '16', unitId: d.recipientUnitId, issuerUnitId, reason: why },
    }]);
    return { deliveryId: d.id, status: d.status, statusCode: '16' };
  });
}
