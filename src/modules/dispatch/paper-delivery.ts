import type { Tx } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import type { Deps } from '../../lib/deps.js';
import { forbidden } from '../../lib/errors.js';
import { vnYear } from '../../lib/time.js';
import { takeNextNumber } from '../documents/numbering.js';
import { scheduleAlarms } from './alarms.js';
import { insertDeliveries, recordDeliveriesCreated } from './create-deliveries.js';
import { lockDelivery, transitionDelivery } from './lifecycle.js';
import { isRecipientClerk } from './policy.js';

/** The incoming register's series (số đến): per unit and calendar year, Vietnam time — as acceptDelivery (status.ts) takes it. */
export const incomingSeries = (at: Date) => `incoming:${vnYear(at)}`;

/**
 * In the transaction registering a paper document: its one delivery, to the clerk's own unit,
 * created (01) and at once accepted (03) with the next số đến of the unit — the same series and
 * status machine as a clerk accepting any delivery, so the copy then flows like one (the leader
 * assigns, officers report, complete). Nothing is sent back: the issuer is not on any system.
 *
 * A flash (hỏa tốc) paper document rings the unit like any flash delivery: the alarm is scheduled
 * after the acceptance (which would stop it), so every person of the unit — the leader first of
 * all — is alarmed until someone acknowledges it ("Đã nhận") or the leader assigns it.
 */
export async function deliverPaperToOwnUnit(
  deps: Pick<Deps, 'config'>,
  tx: Tx,
  actor: Actor,
  p: { documentId: string; issuerUnitId: string; senderName: string; subject: string; urgency: string; at: Date },
): Promise<{ deliveryId: string; incomingNumber: number }> {
  const [created] = await insertDeliveries(tx, { documentId: p.documentId, recipientUnitIds: [actor.unitId], at: p.at });
  await recordDeliveriesCreated(tx, {
    documentId: p.documentId, issuerUnitId: p.issuerUnitId, at: p.at, actor, deliveries: [created!],
    document: { subject: p.subject, urgency: p.urgency, issuerName: p.senderName },
  });
  const d = (await lockDelivery(tx, created!.id))!;
  if (!isRecipientClerk(actor, d)) throw forbidden('Chỉ văn thư được vào sổ văn bản đến', 'Only a clerk registers incoming documents');
  const series = incomingSeries(p.at);
  const incomingNumber = await takeNextNumber(tx, actor.unitId, series);
  await transitionDelivery(tx, actor, d, 'accepted', { at: p.at, set: { incomingNumber, incomingSeries: series }, data: { incomingNumber, paper: true } });
  if (p.urgency === 'flash') await scheduleAlarms(deps, tx, [d.id], p.at);
  return { deliveryId: d.id, incomingNumber };
}
