// The file_texts rows as a job queue (PostgreSQL-backed, like the alarms): a `pending` row whose
// next_attempt_at has come and whose lease (if any) has run out is claimed with FOR UPDATE SKIP
// LOCKED, so several replicas never read the same file at once. A claim counts as an attempt (a
// worker that dies mid-file used one) and is identified by that count: renewing the lease, storing
// the text or recording a failure only touch the row while it is still that claim's. After
// TEXT_MAX_ATTEMPTS attempts a row is `failed` with its error, never retried again.
import { sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import type { TextState } from './tables.js';

export interface Claim {
  sha256: string;
  /** This claim's attempt number (1 for the first). */
  attempt: number;
  /** The file's size in the store (blobs.size). */
  size: number;
}

export interface StoredText {
  state: Extract<TextState, 'done' | 'no_ocr'>;
  text: string;
  pages: number;
  ocrPages: number;
  missingPages: number;
  error: string | null;
  elapsedMs: number;
}

const ms = (n: number) => `${Math.max(0, Math.round(n))} milliseconds`;

/** Queues these files' text, once per hash (a row already there is left as it is). Returns how many were new. */
export async function enqueueTexts(db: DbOrTx, sha256s: readonly string[]): Promise<number> {
  if (!sha256s.length) return 0;
  const rows = await db.execute(sql`
    insert into file_texts (sha256) select distinct unnest(${`{${sha256s.join(',')}}`}::text[])
    on conflict (sha256) do nothing returning sha256`);
  return rows.length;
}

/** Rows whose workers died on their last allowed attempt: marked failed for good. */
export async function failAbandoned(db: Db, maxAttempts: number): Promise<number> {
  const rows = await db.execute(sql`
    update file_texts set state = 'failed', lease_until = null, done_at = now(),
      error = coalesce(error, 'the reader stopped while reading this file ' || attempts || ' times')
    where state = 'pending' and attempts >= ${maxAttempts} and (lease_until is null or lease_until < now())
    returning sha256`);
  return rows.length;
}

/** Claims the next due file for `leaseMs`, or null when none is due. */
export async function claimText(db: Db, leaseMs: number, maxAttempts: number): Promise<Claim | null> {
  const rows = await db.execute<{ sha256: string; attempts: number; size: string | number }>(sql`
    update file_texts t set attempts = t.attempts + 1, lease_until = now() + ${ms(leaseMs)}::interval
    from blobs b
    where b.sha256 = t.sha256 and t.sha256 = (
      select sha256 from file_texts
      where state = 'pending' and next_attempt_at <= now() and (lease_until is null or lease_until < now())
        and attempts < ${maxAttempts}
      order by next_attempt_at, sha256
      limit 1 for update skip locked)
    returning t.sha256, t.attempts, b.size`);
  const row = rows[0];
  return row ? { sha256: row.sha256, attempt: Number(row.attempts), size: Number(row.size) } : null;
}

/** Extends the claim's lease; false when the claim is no longer this one's (taken over after it ran out). */
export async function renewLease(db: Db, claim: Claim, leaseMs: number): Promise<boolean> {
  const rows = await db.execute(sql`
    update file_texts set lease_until = now() + ${ms(leaseMs)}::interval
    where sha256 = ${claim.sha256} and attempts = ${claim.attempt} and state = 'pending' returning sha256`);
  return rows.length > 0;
}

/** Stores the text read under the claim; false when the claim had been taken over. */
export async function storeText(db: DbOrTx, claim: Claim, t: StoredText): Promise<boolean> {
  const rows = await db.execute(sql`
    update file_texts set state = ${t.state}, text = ${t.text}, pages = ${t.pages}, ocr_pages = ${t.ocrPages},
      missing_pages = ${t.missingPages}, error = ${t.error}, elapsed_ms = ${Math.round(t.elapsedMs)},
      lease_until = null, done_at = now()
    where sha256 = ${claim.sha256} and attempts = ${claim.attempt} and state = 'pending' returning sha256`);
  return rows.length > 0;
}

/**
 * Records a failed attempt: `failed` for good after `maxAttempts` (or at once when `final`: the
 * file can never be read, e.g. over the size limit), else pending again after
 * retryMs × 2^(attempt − 1), at most a day.
 */
export async function failText(db: Db, claim: Claim, error: string, opts: { maxAttempts: number; retryMs: number; final?: boolean }): Promise<'failed' | 'retry'> {
  const last = opts.final || claim.attempt >= opts.maxAttempts;
  const wait = Math.min(24 * 3600_000, opts.retryMs * 2 ** Math.min(30, claim.attempt - 1));
  await db.execute(sql`
    update file_texts set error = ${error.slice(0, 2000)}, lease_until = null,
      state = ${last ? 'failed' : 'pending'}, done_at = ${last ? sql`now()` : null},
      next_attempt_at = ${last ? sql`next_attempt_at` : sql`now() + ${ms(wait)}::interval`}
    where sha256 = ${claim.sha256} and attempts = ${claim.attempt} and state = 'pending'`);
  return last ? 'failed' : 'retry';
}

/** Gives a claim back unused (the job is stopping): not counted as an attempt, due again at once. */
export async function releaseClaim(db: Db, claim: Claim): Promise<void> {
  await db.execute(sql`
    update file_texts set attempts = attempts - 1, lease_until = null
    where sha256 = ${claim.sha256} and attempts = ${claim.attempt} and state = 'pending'`);
}

/** Files waiting for their text, counted up to `cap` (cheap for /healthz). */
export async function pendingTexts(db: Db, cap = 10_000): Promise<number> {
  const [row] = await db.execute<{ n: string }>(sql`
    select count(*) as n from (select 1 from file_texts where state = 'pending' limit ${cap}) p`);
  return Number(row?.n ?? 0);
}

/** Every file's text to be read again (`reindex --texts`); returns how many rows. */
export async function resetTexts(db: Db): Promise<number> {
  const [row] = await db.execute<{ n: string }>(sql`
    with reset as (
      update file_texts set state = 'pending', attempts = 0, error = null, lease_until = null,
        next_attempt_at = now(), done_at = null
      returning 1)
    select count(*) as n from reset`);
  return Number(row?.n ?? 0);
}

export interface TextTotals { files: number; pages: number; ocrPages: number; missingPages: number; failed: number; pending: number }

/** Counts over every file's text (the reindex summary). */
export async function textTotals(db: Db): Promise<TextTotals> {
  const [r] = await db.execute<Record<keyof TextTotals, string>>(sql`
    select count(*) as files, coalesce(sum(pages), 0) as pages, coalesce(sum(ocr_pages), 0) as "ocrPages",
      coalesce(sum(missing_pages), 0) as "missingPages", count(*) filter (where state = 'failed') as failed,
      count(*) filter (where state = 'pending') as pending
    from file_texts`);
  return {
    files: Number(r?.files ?? 0), pages: Number(r?.pages ?? 0), ocrPages: Number(r?.ocrPages ?? 0),
    missingPages: Number(r?.missingPages ?? 0), failed: Number(r?.failed ?? 0), pending: Number(r?.pending ?? 0),
  };
}
