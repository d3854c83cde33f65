import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import { badRequest, conflict, deliveryNotFound, forbidden } from '../../lib/errors.js';
import { vnYear } from '../../lib/time.js';
import { type Actor, hasRole } from '../auth/actor.js';
import { takeNextNumber } from '../documents/numbering.js';
import { documents } from '../documents/tables.js';
import { recordEvents } from '../events/service.js';
import type { DeliveryRow } from './lookup.js';
import { deliveries } from './tables.js';
import { stopAlarms } from '../realtime/alarms.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The delivery, locked, if it was addressed to the actor's unit; 404 otherwise. */
async function lockOwnDelivery(tx: Tx, actor: Actor, id: string): Promise<DeliveryRow & { issuerUnitId: string }> {
  if (!UUID.test(id)) throw deliveryNotFound();
  const [row] = await tx
    .select({ d: deliveries, issuerUnitId: documents.issuerUnitId })
    .from(deliveries)
    .innerJoin(documents, eq(documents.id, deliveries.documentId))
    .where(eq(deliveries.id, id))
    .for('update', { of: deliveries });
  if (!row || row.d.recipientUnitId !== actor.unitId) throw deliveryNotFound();
  if (row.d.status === 'recalled') throw conflict('Văn bản đã bị thu hồi', 'The document has been recalled');
  return { ...row.d, issuerUnitId: row.issuerUnitId };
}

type Change = Partial<typeof deliveries.$inferInsert>;

async function changeDelivery(
  tx: Tx, actor: Actor, d: DeliveryRow & { issuerUnitId: string }, type: string, set: Change, at: Date, data: Record<string, unknown> = {},
) {
  const [row] = await tx.update(deliveries).set(set).where(eq(deliveries.id, d.id)).returning();
  // Someone of the unit has seen it: a flash dispatch stops ringing.
  if (type !== 'delivery.read') await stopAlarms(tx, [d.id], at);
  await recordEvents(tx, [
    {
      type, at, actor, documentId: d.documentId, deliveryId: d.id, unitIds: [d.issuerUnitId, d.recipientUnitId],
      data: { status: row!.status, unitId: d.recipientUnitId, issuerUnitId: d.issuerUnitId, ...data },
    },
  ]);
  return row!;
}

/** The first time anyone of the recipient unit reads it; later reads change nothing. */
export async function markDeliveryRead(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, deliveryId: string) {
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const d = await lockOwnDelivery(tx, actor, deliveryId);
    if (d.readAt) return d;
    return changeDelivery(tx, actor, d, 'delivery.read', { readAt: at, readBy: actor.userId }, at);
  });
}

/** "Đã nhận": a person of the unit confirms they have seen it; required for flash (hỏa tốc). */
export async function acknowledgeDelivery(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, deliveryId: string) {
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const d = await lockOwnDelivery(tx, actor, deliveryId);
    if (d.acknowledgedAt) return d;
    const set: Change = { acknowledgedAt: at, acknowledgedBy: actor.userId };
    if (!d.readAt) Object.assign(set, { readAt: at, readBy: actor.userId });
    return changeDelivery(tx, actor, d, 'delivery.acknowledged', set, at);
  });
}

/**
 * The clerk accepts and registers it (code 03): the incoming number (số đến) is consecutive per
 * unit through the calendar year, taken in this transaction so it is never skipped or repeated.
 */
export async function acceptDelivery(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, deliveryId: string) {
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const d = await lockOwnDelivery(tx, actor, deliveryId);
    if (!hasRole(actor, 'clerk')) throw forbidden('Chỉ văn thư được tiếp nhận văn bản đến', 'Only a clerk can accept');
    if (d.status !== 'delivered') throw conflict('Văn bản đến đã được xử lý tiếp nhận', 'The delivery was already accepted or refused');
    const series = `incoming:${vnYear(at)}`;
    const incomingNumber = await takeNextNumber(tx, actor.unitId, series);
    const set: Change = { status: 'accepted', acceptedAt: at, acceptedBy: actor.userId, incomingNumber, incomingSeries: series };
    if (!d.readAt) Object.assign(set, { readAt: at, readBy: actor.userId });
    return changeDelivery(tx, actor, d, 'delivery.accepted', set, at, { incomingNumber, code: '03' });
  });
}

/** The clerk refuses it back to the sender with a reason (code 02), e.g. misaddressed. */
export async function refuseDelivery(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, deliveryId: string, reason: string) {
  const why = reason.trim();
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const d = await lockOwnDelivery(tx, actor, deliveryId);
    if (!hasRole(actor, 'clerk')) throw forbidden('Chỉ văn thư được từ chối văn bản đến', 'Only a clerk can refuse');
    if (!why) throw badRequest('Cần nêu lý do từ chối', 'A reason for refusing is required');
    if (d.status !== 'delivered') throw conflict('Văn bản đến đã được xử lý tiếp nhận', 'The delivery was already accepted or refused');
    return changeDelivery(tx, actor, d, 'delivery.refused', { status: 'refused', refusedAt: at, refusedBy: actor.userId, refusalReason: why }, at, {
      reason: why, code: '02',
    });
  });
}
