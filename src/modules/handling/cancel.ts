import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { assignments } from './tables.js';

/** A withdrawn copy's handling stops: its open assignments are cancelled. */
export async function cancelAssignments(tx: Tx, deliveryId: string, at: Date): Promise<number> {
  const rows = await tx.update(assignments).set({ status: 'cancelled', completedAt: at })
    .where(and(eq(assignments.deliveryId, deliveryId), inArray(assignments.status, ['open', 'in_progress'])))
    .returning({ id: assignments.id });
  return rows.length;
}
