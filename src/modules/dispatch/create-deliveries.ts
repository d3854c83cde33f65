import { and, eq, ne } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { Actor } from '../auth/actor.js';
import { recordEvents } from '../events/service.js';
import { deliveries } from './tables.js';

/** One delivery per recipient unit, with its event, inside the issuing transaction. */
export async function createDeliveries(
  tx: Tx,
  p: { documentId: string; issuerUnitId: string; recipientUnitIds: string[]; at: Date; actor: Actor },
): Promise<Array<{ id: string; recipientUnitId: string }>> {
  const rows = await tx
    .insert(deliveries)
    .values(p.recipientUnitIds.map((unitId) => ({ documentId: p.documentId, recipientUnitId: unitId, deliveredAt: p.at })))
    .returning({ id: deliveries.id, recipientUnitId: deliveries.recipientUnitId });
  await recordEvents(
    tx,
    rows.map((d) => ({
      type: 'delivery.created', at: p.at, actor: p.actor, documentId: p.documentId, deliveryId: d.id,
      unitIds: [p.issuerUnitId, d.recipientUnitId], data: { status: 'delivered', unitId: d.recipientUnitId },
    })),
  );
  return rows;
}

/** Withdraws every recipient's copy of a recalled document. */
export async function withdrawDeliveries(
  tx: Tx,
  p: { documentId: string; issuerUnitId: string; at: Date; actor: Actor; reason: string },
): Promise<number> {
  const rows = await tx
    .update(deliveries)
    .set({ status: 'recalled', recalledAt: p.at })
    .where(and(eq(deliveries.documentId, p.documentId), ne(deliveries.status, 'recalled')))
    .returning({ id: deliveries.id, recipientUnitId: deliveries.recipientUnitId });
  await recordEvents(
    tx,
    rows.map((d) => ({
      type: 'delivery.recalled', at: p.at, actor: p.actor, documentId: p.documentId, deliveryId: d.id,
      unitIds: [p.issuerUnitId, d.recipientUnitId], data: { status: 'recalled', unitId: d.recipientUnitId, reason: p.reason },
    })),
  );
  return rows.length;
}
