import { sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import { EVENTS_CHANNEL } from '../events/service.js';
import { idArray, INDEXED_STATUSES, writeSearchRows } from './index-rows.js';

/** Events read per catch-up transaction, and documents per rebuild transaction. */
const EVENT_BATCH = 5000;
const REBUILD_BATCH = 5000;

/**
 * Takes the index's one write lock (the search_state row) until the transaction ends; with
 * `skip`, returns false instead of waiting when another transaction holds it. Every writer of the
 * index takes it first, so each computes its rows from a snapshot taken after the previous writer
 * committed (read committed: every statement sees what was committed before it started).
 */
async function lockIndex(tx: DbOrTx, skip = false): Promise<number | null> {
  for (;;) {
    const rows = await tx.execute<{ last: string }>(
      sql`select last_event_id as last from search_state where id = 1 for update ${sql.raw(skip ? 'skip locked' : '')}`,
    );
    if (rows[0]) return Number(rows[0].last);
    // No cursor row yet (migrations write no rows, so a fresh database — a restore's target — is
    // empty): make it; a row this transaction inserted is locked by it. If another made it first,
    // wait for its lock (or give up with `skip`).
    const made = await tx.execute<{ last: string }>(
      sql`insert into search_state (id, last_event_id) values (1, 0) on conflict do nothing returning last_event_id as last`,
    );
    if (made[0]) return 0;
    if (skip) return null;
  }
}

/** Refreshes the search rows of these documents now (any status: those not searchable are removed). */
export async function refreshDocuments(db: DbOrTx, documentIds: readonly string[]): Promise<void> {
  const ids = [...new Set(documentIds)];
  for (let i = 0; i < ids.length; i += REBUILD_BATCH) {
    await db.transaction(async (tx) => {
      await lockIndex(tx);
      await writeSearchRows(tx, ids.slice(i, i + REBUILD_BATCH));
    });
  }
}

/** Refreshes text_tsv and text_state of every document holding one of these files (after its text was stored). */
export async function refreshTextOf(db: DbOrTx, sha256s: readonly string[]): Promise<void> {
  if (sha256s.length === 0) return;
  const rows = await db.execute<{ id: string }>(
    sql`select distinct document_id as id from document_files where sha256 = any(${`{${sha256s.join(',')}}`}::text[])`,
  );
  await refreshDocuments(db, rows.map((r) => r.id));
}

/**
 * Brings the index up to the last committed event: reads the events after search_state's cursor in
 * id (= commit) order, refreshes every document they name and moves the cursor, in one
 * transaction per batch. Returns the number of events read. `skip`: give up at once if another
 * replica or request is catching up (the background worker); otherwise wait for it (a search,
 * which must see what its caller has just done).
 */
export async function catchUpIndex(db: Db, opts: { skip?: boolean } = {}): Promise<number> {
  let total = 0;
  for (;;) {
    const [state] = await db.execute<{ last: string; head: string }>(sql`
      select coalesce((select last_event_id from search_state where id = 1), 0) as last, coalesce((select max(id) from events), 0) as head`);
    if (!state || Number(state.last) >= Number(state.head)) return total;
    const read = await db.transaction(async (tx) => {
      const cursor = await lockIndex(tx, opts.skip);
      if (cursor === null) return -1;
      const events = await tx.execute<{ id: string; documentId: string | null }>(
        sql`select id, document_id as "documentId" from events where id > ${cursor} order by id limit ${EVENT_BATCH}`,
      );
      if (events.length === 0) return 0;
      const ids = [...new Set(events.map((e) => e.documentId).filter((x): x is string => x !== null))];
      await writeSearchRows(tx, ids);
      await tx.execute(sql`update search_state set last_event_id = ${events[events.length - 1]!.id} where id = 1`);
      return events.length;
    });
    if (read < 0) return total;
    total += read;
    if (read < EVENT_BATCH) return total;
  }
}

/**
 * Rebuilds the whole index: the cursor first moves to the last event (every document is rewritten
 * after that, and anything committed later is caught up as usual), then every issued or recalled
 * document is rewritten in batches of REBUILD_BATCH (one transaction each, in id order), and rows
 * of documents no longer searchable are removed. `onProgress(done, total)` after each batch.
 */
export async function rebuildIndex(db: Db, onProgress?: (done: number, total: number) => void): Promise<{ documents: number }> {
  // The age boundaries first (a fresh or restored database has none yet), so every row is written with its age.
  await advanceAges(db, new Date());
  await db.transaction(async (tx) => {
    await lockIndex(tx);
    await tx.execute(sql`update search_state set last_event_id = coalesce((select max(id) from events), 0) where id = 1`);
  });
  const [count] = await db.execute<{ n: string }>(sql`select count(*) as n from documents where status in ${sql.raw(INDEXED_STATUSES)}`);
  const total = Number(count?.n ?? 0);
  let done = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await db.execute<{ id: string }>(sql`
      select id from documents where status in ${sql.raw(INDEXED_STATUSES)} and id > ${after}::uuid order by id limit ${REBUILD_BATCH}`);
    if (rows.length === 0) break;
    await db.transaction(async (tx) => {
      await lockIndex(tx);
      await writeSearchRows(tx, rows.map((r) => r.id));
    });
    done += rows.length;
    after = rows[rows.length - 1]!.id;
    onProgress?.(done, total);
  }
  await db.transaction(async (tx) => {
    await lockIndex(tx);
    await tx.execute(sql`
      delete from search_documents s
      where not exists (select 1 from documents d where d.id = s.document_id and d.status in ${sql.raw(INDEXED_STATUSES)})`);
  });
  return { documents: done };
}

/** The documents whose search rows exist, of these (for tests and the reindex command). */
export async function indexedIds(db: DbOrTx, ids: readonly string[]): Promise<Set<string>> {
  const rows = await db.execute<{ id: string }>(
    sql`select document_id as id from search_documents where document_id = any(${idArray(ids)}::uuid[])`,
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * Keeps the index current in the background: woken by the events NOTIFY (sent on commit) and by a
 * tick in case one was missed, it catches up; one replica at a time (the others skip while one holds
 * the index lock). Searches also catch up before they run, so this only keeps them from waiting.
 */
/** How far back the newest months (search_documents.age 0) and the newest year (age 0 and 1) reach; also in migration 0020. */
export const RECENT_DAYS = 92;
export const YEAR_DAYS = 365;

/** The start of the UTC day `days` before `now`. */
function dayStart(now: Date, days: number): string {
  const d = new Date(now.getTime() - days * 86_400_000);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())).toISOString();
}

/** Where the ages of search rows begin at `now`: the newest months (age 0) and the newest year (age 1). */
export function ageBoundaries(now: Date): { recentFrom: string; yearFrom: string } {
  return { recentFrom: dayStart(now, RECENT_DAYS), yearFrom: dayStart(now, YEAR_DAYS) };
}

/**
 * Moves the age boundaries on to ageBoundaries(now) (at most once a day: they are days), with the
 * index lock held so that no row is written meanwhile: rows now older change age (0 → 1 → 2); when
 * no boundary was set yet (a fresh or restored database) every row gets the age of its date.
 * Returns whether the boundaries moved.
 */
export async function advanceAges(db: Db, now: Date): Promise<boolean> {
  const to = ageBoundaries(now);
  return db.transaction(async (tx) => {
    await lockIndex(tx);
    const [state] = await tx.execute<{ from: string | null }>(sql`select recent_from as "from" from search_state where id = 1`);
    const from = state?.from ? new Date(state.from).getTime() : null;
    if (from !== null && from >= Date.parse(to.recentFrom)) return false;
    await tx.execute(sql`update search_state set recent_from = ${to.recentFrom}::timestamptz, year_from = ${to.yearFrom}::timestamptz where id = 1`);
    const age = sql`case when sort_at >= ${to.recentFrom}::timestamptz then 0 when sort_at >= ${to.yearFrom}::timestamptz then 1 else 2 end`;
    await tx.execute(from === null
      ? sql`update search_documents set age = ${age} where age <> ${age}`
      : sql`update search_documents set age = ${age} where age < 2 and sort_at < ${to.recentFrom}::timestamptz and age <> ${age}`);
    return true;
  });
}

export async function startIndexer(deps: Pick<Deps, 'db' | 'sql' | 'log'>, opts: { tickMs?: number } = {}): Promise<{ stop(): Promise<void> }> {
  let running: Promise<void> | null = null;
  let wanted = false;
  let stopped = false;
  /** The boundary this process last moved the ages to (once a day is enough). */
  let advanced: string | null = null;
  const wake = () => {
    if (stopped) return;
    if (running) {
      wanted = true;
      return;
    }
    running = (async () => {
      do {
        wanted = false;
        try {
          await catchUpIndex(deps.db, { skip: true });
          const today = ageBoundaries(new Date()).recentFrom;
          if (advanced !== today) {
            await advanceAges(deps.db, new Date());
            advanced = today;
          }
        } catch (err) {
          deps.log.error({ err }, 'search indexer failed');
        }
      } while (wanted && !stopped);
      running = null;
    })();
  };
  const listener = await deps.sql.listen(EVENTS_CHANNEL, wake);
  const timer = setInterval(wake, opts.tickMs ?? 5000);
  timer.unref();
  wake();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await listener.unlisten().catch(() => {});
      await running;
    },
  };
}
