import { type Actor, hasRole, leaderPower } from '../../lib/actor.js';
import { changeAllowed } from './lifecycle.js';
import type { DeliveryStatus } from './tables.js';

/** What the delivery rules look at. */
export interface DeliveryLike {
  recipientUnitId: string;
  status: DeliveryStatus;
  acknowledgedAt: Date | null;
  recallRequestedAt: Date | null;
  recallAnsweredAt: Date | null;
}

const ofUnit = (actor: Actor, d: DeliveryLike) => d.recipientUnitId === actor.unitId;

/** Registering, refusing and answering a recall are the recipient clerk's (văn thư) acts. */
export const isRecipientClerk = (actor: Actor, d: DeliveryLike) => ofUnit(actor, d) && hasRole(actor, 'clerk');

/** Anyone of the recipient unit says "Đã nhận", once, while the copy is live. */
export const canAcknowledge = (actor: Actor, d: DeliveryLike) => ofUnit(actor, d) && d.status !== 'recalled' && !d.acknowledgedAt;

export const canAccept = (actor: Actor, d: DeliveryLike) => isRecipientClerk(actor, d) && changeAllowed(d, 'accepted');
export const canRefuse = (actor: Actor, d: DeliveryLike) => isRecipientClerk(actor, d) && changeAllowed(d, 'refused');

/** A recall asked by the issuer (13) waits for the recipient clerk's answer (15/16). */
export const recallPending = (d: DeliveryLike) => Boolean(d.recallRequestedAt && !d.recallAnsweredAt);
export const canAnswerRecall = (actor: Actor, d: DeliveryLike) => isRecipientClerk(actor, d) && recallPending(d) && d.status !== 'recalled';

/** The receiving unit's leader, or a deputy holding an "assign" delegation today (see withDelegations). */
export const mayDirect = (actor: Actor, d: Pick<DeliveryLike, 'recipientUnitId'>) =>
  d.recipientUnitId === actor.unitId && leaderPower(actor, 'assign').allowed;

/** Assigning needs the copy accepted (registered), not recalled nor being recalled, and assigned once. */
export const canAssign = (actor: Actor, d: DeliveryLike) => mayDirect(actor, d) && changeAllowed(d, 'assigned') && !recallPending(d);

/** The recipient-side actions, as the API's `can`. */
export interface DeliveryCan {
  acknowledge: boolean; accept: boolean; refuse: boolean; assign: boolean;
}

export const deliveryCan = (actor: Actor, d: DeliveryLike): DeliveryCan => ({
  acknowledge: canAcknowledge(actor, d), accept: canAccept(actor, d), refuse: canRefuse(actor, d), assign: canAssign(actor, d),
});

export const NO_DELIVERY_ACTIONS: DeliveryCan = { acknowledge: false, accept: false, refuse: false, assign: false };
