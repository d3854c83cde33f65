import type { Deps } from '../../lib/deps.js';
import type { Actor } from '../../lib/actor.js';
import { badRequest, forbidden } from '../../lib/errors.js';
import { vnYear } from '../../lib/time.js';
import { takeNextNumber } from '../documents/numbering.js';
import { lockDeliveryForUnit, transitionDelivery } from './lifecycle.js';
import { canAcknowledge, isRecipientClerk } from './policy.js';

/** The first time anyone of the recipient unit reads it; later reads change nothing. */
export async function markDeliveryRead(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, deliveryId: string) {
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const d = await lockDeliveryForUnit(tx, actor, deliveryId);
    if (d.readAt) return d;
    return transitionDelivery(tx, actor, d, 'read', { at });
  });
}

/** "Đã nhận": a person of the unit confirms they have seen it; required for flash (hỏa tốc). */
export async function acknowledgeDelivery(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, deliveryId: string) {
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const d = await lockDeliveryForUnit(tx, actor, deliveryId);
    if (!canAcknowledge(actor, d)) return d;
    return transitionDelivery(tx, actor, d, 'acknowledged', { at });
  });
}

/**
 * The clerk accepts and registers it (code 03): the incoming number (số đến) is consecutive per
 * unit through the calendar year, taken in this transaction so it is never skipped or repeated.
 */
export async function acceptDelivery(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, deliveryId: string) {
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const d = await lockDeliveryForUnit(tx, actor, deliveryId);
    if (!isRecipientClerk(actor, d)) throw forbidden('Chỉ văn thư được tiếp nhận văn bản đến', 'Only a clerk can accept');
    // The status machine refuses a second acceptance before a number is taken, so none is consumed.
    if (d.status !== 'delivered') return transitionDelivery(tx, actor, d, 'accepted', { at });
    const series = `incoming:${vnYear(at)}`;
    const incomingNumber = await takeNextNumber(tx, actor.unitId, series);
    return transitionDelivery(tx, actor, d, 'accepted', { at, set: { incomingNumber, incomingSeries: series }, data: { incomingNumber } });
  });
}

/** The clerk refuses it back to the sender with a reason (code 02), e.g. misaddressed. */
export async function refuseDelivery(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, deliveryId: string, reason: string) {
  const why = reason.trim();
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const d = await lockDeliveryForUnit(tx, actor, deliveryId);
    if (!isRecipientClerk(actor, d)) throw forbidden('Chỉ văn thư được từ chối văn bản đến', 'Only a clerk can refuse');
    if (!why) throw badRequest('Cần nêu lý do từ chối', 'A reason for refusing is required');
    return transitionDelivery(tx, actor, d, 'refused', { at, reason: why });
  });
}
