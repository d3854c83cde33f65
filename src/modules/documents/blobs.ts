import { eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import type { ListedObject, StagedObject } from '../../storage/object-store.js';
import { blobs, documentFileVersions, documentFiles, pagePreviews } from './tables.js';

/**
 * Every change to what the store holds under an address happens while holding this
 * transaction-scoped lock, so a cleanup can never delete an object another request has just
 * decided to keep.
 */
export async function lockAddress(tx: Tx, sha256: string) {
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

/**
 * Inside the caller's transaction, after rows referring to these addresses were deleted: drops the
 * `blobs` rows of those no document file, no version of a main file and nothing else (`elsewhere`:
 * other modules' rows, asked by the caller) refers to any more, under each address's lock. Returns
 * them: pass them to `forgetUnreferenced` after commit to delete the objects.
 */
export async function forgetBlobRows(tx: Tx, shas: string[], elsewhere: (tx: Tx, shas: string[]) => Promise<Set<string>>): Promise<string[]> {
  const out: string[] = [];
  const sorted = [...new Set(shas)].sort();
  for (const sha of sorted) await lockAddress(tx, sha);
  if (sorted.length === 0) return out;
  const used = new Set([
    ...(await tx.select({ sha: documentFiles.sha256 }).from(documentFiles).where(inArray(documentFiles.sha256, sorted))).map((r) => r.sha),
    ...(await tx.select({ sha: documentFileVersions.sha256 }).from(documentFileVersions).where(inArray(documentFileVersions.sha256, sorted))).map((r) => r.sha),
    ...(await elsewhere(tx, sorted)),
  ]);
  const gone = sorted.filter((sha) => !used.has(sha));
  // A forgotten file's page images (previews.ts) go with it, unless another file shows the same image.
  const images = gone.length ? await tx.delete(pagePreviews).where(inArray(pagePreviews.fileSha256, gone)).returning({ sha: pagePreviews.sha256 }) : [];
  for (const sha of [...new Set(images.map((r) => r.sha))].sort()) {
    await lockAddress(tx, sha);
    const [still] = await tx.select({ sha: pagePreviews.sha256 }).from(pagePreviews).where(eq(pagePreviews.sha256, sha)).limit(1);
    if (still || gone.includes(sha)) continue;
    await tx.delete(blobs).where(eq(blobs.sha256, sha));
    out.push(sha);
  }
  for (const sha of gone) {
    await tx.delete(blobs).where(eq(blobs.sha256, sha));
    out.push(sha);
  }
  return out;
}

export interface SweepReport {
  /** Objects in the store, and those old enough to be judged. */
  objects: number;
  checked: number;
  /** Objects no `blobs` row refers to, removed (and their bytes). */
  removed: number;
  removedBytes: number;
  /** Staged copies older than the grace period, removed. */
  staging: number;
  stagingRemoved: number;
}

/**
 * Removes what a crash can leave in the store: objects promoted by a transaction that never
 * committed (adoptStaged promotes before the commit, and a process killed in between never
 * runs forgetUnreferenced) and staged copies of requests that died. `blobs` records every
 * object the app keeps — document files, signed outputs, progress report files, axis packages
 * all go through adoptStaged — so an object without a row is garbage.
 *
 * Only what is older than `graceMs` is looked at. Each removal happens under the address's lock
 * with `blobs` read again, so an object a request is adopting right now (its transaction holds
 * that lock until it commits) is never removed. Staged copies have no row and no lock: the grace
 * period alone protects uploads in progress, so it must exceed the longest request.
 */
export async function sweepStore(
  deps: Pick<Deps, 'db' | 'store' | 'log'>,
  opts: { graceMs: number; now?: Date },
): Promise<SweepReport> {
  const cutoff = (opts.now ?? new Date()).getTime() - opts.graceMs;
  const report: SweepReport = { objects: 0, checked: 0, removed: 0, removedBytes: 0, staging: 0, stagingRemoved: 0 };

  for await (const entry of deps.store.listStaging()) {
    report.staging++;
    if (entry.modifiedAt.getTime() > cutoff) continue;
    await deps.store.discardStaging(entry.stagingId);
    report.stagingRemoved++;
  }

  let batch: ListedObject[] = [];
  const judge = async () => {
    const known = new Set(
      (await deps.db.select({ sha: blobs.sha256 }).from(blobs).where(inArray(blobs.sha256, batch.map((o) => o.sha256)))).map((r) => r.sha),
    );
    for (const o of batch) {
      if (known.has(o.sha256)) continue;
      try {
        const removed = await deps.db.transaction(async (tx) => {
          await lockAddress(tx, o.sha256);
          const [row] = await tx.select({ sha: blobs.sha256 }).from(blobs).where(eq(blobs.sha256, o.sha256));
          if (row) return false;
          await deps.store.delete(o.sha256);
          return true;
        });
        if (removed) {
          report.removed++;
          report.removedBytes += o.size;
        }
      } catch (err) {
        deps.log.error({ err, sha: o.sha256 }, 'sweep: could not remove an unreferenced object');
      }
    }
    batch = [];
  };
  for await (const o of deps.store.listDetailed()) {
    report.objects++;
    if (o.modifiedAt.getTime() > cutoff) continue;
    report.checked++;
    batch.push(o);
    if (batch.length >= 500) await judge();
  }
  if (batch.length) await judge();
  return report;
}
