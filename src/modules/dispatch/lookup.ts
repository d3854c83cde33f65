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
