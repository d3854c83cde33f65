import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { deliveries } from './tables.js';

export type DeliveryRow = typeof deliveries.$inferSelect;

export async function findDeliveryForUnit(db: DbOrTx, documentId: string, unitId: string): Promise<DeliveryRow | undefined> {
  const [d] = await db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.documentId, documentId), eq(deliveries.recipientUnitId, unitId)));
  return d;
}

/** A delivery by id, without a lock (to build what is sent about it). */
export async function findDelivery(db: DbOrTx, id: string): Promise<DeliveryRow | undefined> {
  const [d] = await db.select().from(deliveries).where(eq(deliveries.id, id));
  return d;
}
