import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import type { StagedObject } from '../../storage/object-store.js';
import { blobs } from './tables.js';

/**
 * Every change to what the store holds under an address happens while holding this
 * transaction-scoped lock, so a cleanup can never delete an object another request has just
 * decided to keep.
 */
async function lockAddress(tx: Tx, sha256: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${sha256}, 42))`);
}

/**
 * Inside the caller's transaction: record the staged objects in `blobs` and make them visible
 * under their hash. Returns the addresses this call made visible, which `forgetUnreferenced`
 * must be given if the transaction then fails.
 */
export async function adoptStaged(deps: Pick<Deps, 'store'>, tx: Tx, staged: StagedObject[]): Promise<string[]> {
  const promoted: string[] = [];
  // Sorted so two requests adopting the same files lock them in the same order.
  for (const s of [...staged].sort((a, b) => a.sha256.localeCompare(b.sha256))) {
    await lockAddress(tx, s.sha256);
    const [known] = await tx.select({ sha: blobs.sha256 }).from(blobs).where(eq(blobs.sha256, s.sha256));
    if (known && (await deps.store.stat(s.sha256))) {
      await deps.store.discard(s);
      continue;
    }
    await deps.store.promote(s);
    promoted.push(s.sha256);
    await tx.insert(blobs).values({ sha256: s.sha256, size: s.size }).onConflictDoNothing();
  }
  return promoted;
}

/** After a failed transaction: delete objects it promoted that no committed row refers to. */
export async function forgetUnreferenced(deps: Pick<Deps, 'db' | 'store' | 'log'>, addresses: string[]): Promise<void> {
  for (const sha of addresses) {
    try {
      await deps.db.transaction(async (tx) => {
        await lockAddress(tx, sha);
        const [known] = await tx.select({ sha: blobs.sha256 }).from(blobs).where(eq(blobs.sha256, sha));
        if (!known) await deps.store.delete(sha);
      });
    } catch (err) {
      deps.log.error({ err, sha }, 'could not clean up an unreferenced object');
    }
  }
}
