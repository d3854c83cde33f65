import { and, eq, ne } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { assignments } from './tables.js';

/** Is this unit named in a live assignment of the document (as lead or cooperating)? */
export async function isCooperatingUnit(db: DbOrTx, documentId: string, unitId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: assignments.id })
    .from(assignments)
    .where(and(eq(assignments.documentId, documentId), eq(assignments.assigneeUnitId, unitId), ne(assignments.status, 'cancelled')))
    .limit(1);
  return Boolean(row);
}
