import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';

/**
 * The share of search rows each of the most common readers (unit and user ids) may find, from
 * PostgreSQL's statistics of `readers` (most common elements, refreshed by ANALYZE/autovacuum).
 */
export interface IndexStats {
  readers: Map<string, number>;
}

const TTL_MS = 10 * 60_000;
let cached: { at: number; stats: IndexStats } | null = null;

/** The statistics, read at most every ten minutes. */
export async function indexStats(db: Db): Promise<IndexStats> {
  if (cached && Date.now() - cached.at < TTL_MS) return cached.stats;
  const rows = await db.execute<{ id: string; freq: number }>(sql`
    select x.id::text as id, s.most_common_elem_freqs[x.i]::float8 as freq
    from pg_stats s, unnest(s.most_common_elems::text::uuid[]) with ordinality as x(id, i)
    where s.tablename = 'search_documents' and s.attname = 'readers'`);
  const stats = { readers: new Map(rows.map((r) => [r.id, Number(r.freq)])) };
  cached = { at: Date.now(), stats };
  return stats;
}

/** The share of search rows any of these readers (unit, user) may find. */
export const readerShare = (stats: IndexStats, ids: readonly string[]) => ids.reduce((sum, id) => sum + (stats.readers.get(id) ?? 0), 0);
