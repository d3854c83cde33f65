import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { pendingSignatures } from './tables.js';

export type PendingSignature = typeof pendingSignatures.$inferSelect;
type PendingInput = Omit<typeof pendingSignatures.$inferInsert, 'id'>;

/** Step 1 of two-step signing keeps the prepared PDF until step 2 (one per document and user; a new one replaces it). */
export async function savePendingSignature(db: DbOrTx, p: PendingInput): Promise<{ id: string; expiresAt: Date }> {
  const { documentId: _d, userId: _u, ...rest } = p;
  const [row] = await db
    .insert(pendingSignatures)
    .values(p)
    .onConflictDoUpdate({ target: [pendingSignatures.documentId, pendingSignatures.userId], set: rest })
    .returning({ id: pendingSignatures.id, expiresAt: pendingSignatures.expiresAt });
  return row!;
}

export async function findPendingSignature(db: DbOrTx, p: { id: string; documentId: string; userId: string }): Promise<PendingSignature | undefined> {
  const [row] = await db
    .select()
    .from(pendingSignatures)
    .where(and(eq(pendingSignatures.id, p.id), eq(pendingSignatures.documentId, p.documentId), eq(pendingSignatures.userId, p.userId)));
  return row;
}

export async function deletePendingSignature(db: DbOrTx, id: string): Promise<void> {
  await db.delete(pendingSignatures).where(eq(pendingSignatures.id, id));
}
