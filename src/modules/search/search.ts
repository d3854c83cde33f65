import { sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { catchUpIndex } from './indexer.js';
import { parseQuery, type ParsedQuery } from './query.js';
import { checkFilters, type Cursor, decodeCursor, encodeCursor, type SearchParams } from './search-params.js';
import { presentHit, type Hit } from './present.js';

export type { SearchParams } from './search-params.js';

/** Default and largest page. */
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 50;

const tsq = (text: string) => sql`to_tsquery('simple', ${text})`;

/** Tiers, best first ("exact and recent first"); within a tier newest first (sort_at, then id). */
const TIERS = [0, 1, 2, 3] as const;

/**
 * The condition of each tier on the search row `s`; each names the index-able `meta_tsv @@ q` or
 * `text_tsv @@ q` (all words, any order) and excludes the better tiers, so the tiers do not overlap:
 * 0 the notation typed in full (asked only when the query has a digit), 1 the words as one phrase
 * in the subject or the notation, 2 every word in subject, notation, issuer or signer, 3 every word
 * in the files' text (and not all in the metadata).
 */
function tierSql(q: ParsedQuery, tier: number): SQL | null {
  const all = tsq(q.tsquery);
  const phraseC = sql`s.meta_tsv @@ ${tsq(q.phrase('C'))}`;
  const exact = sql`(${phraseC} and exists (select 1 from documents dn where dn.id = s.document_id
    and ${q.folded} in (vn_fold(dn.notation), vn_fold(regexp_replace(dn.notation, '^0+([0-9])', '\\1')))))`;
  const phrase = sql`(s.meta_tsv @@ ${tsq(q.phrase('A'))} or ${phraseC})`;
  switch (tier) {
    case 0: return q.numeric ? sql`s.meta_tsv @@ ${all} and ${exact}` : null;
    case 1: return sql`s.meta_tsv @@ ${all} and ${phrase}${q.numeric ? sql` and not ${exact}` : sql``}`;
    case 2: return sql`s.meta_tsv @@ ${all} and not ${phrase}`;
    default: return sql`s.text_tsv @@ ${all} and not s.meta_tsv @@ ${all}`;
  }
}

/**
 * Up to `n` rows of one tier after `after`, newest first, with the document, its issuer and signer,
 * the caller's copy and the caller's relation to it (null: may not read it). The inner query has
 * its own LIMIT, so the planner may walk the sort_at index backwards for common words and use the
 * GIN indexes (vector with readers) for rare ones; the reading rule runs on those rows only.
 */
function tierQuery(actor: Actor, where: SQL[], tier: number, cond: SQL, after: Cursor | null, n: number, readable: SQL, window: number | null): SQL {
  const keyset = after ? sql` and (s.sort_at, s.document_id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql``;
  // A window: the caller's `window` newest rows after the position, then the tier's condition on them.
  const rows = window
    ? sql`(select s.* from search_documents s where true${keyset}
        order by s.sort_at desc, s.document_id desc limit ${window}) s where ${sql.join(where, sql` and `)} and ${cond}`
    : sql`search_documents s where ${sql.join(where, sql` and `)} and ${cond}${keyset}`;
  return sql`
    select ${tier}::int as tier, to_json(c.sort_at) #>> '{}' as "sortAt", c.text_state as "textState", rel.relation,
      d.id, d.issuer_unit_id as "issuerUnitId", d.type, d.number, d.notation, d.subject, d.urgency, d.due_date as "dueDate",
      d.status, to_json(d.issued_at) #>> '{}' as "issuedAt", to_json(d.recalled_at) #>> '{}' as "recalledAt",
      to_json(d.created_at) #>> '{}' as "createdAt", d.sender_name as "senderName",
      u.name as "issuerName", u.short_name as "issuerShortName", u.code as "issuerCode", sg.full_name as "signerName",
      my.id as "deliveryId", my.status as "deliveryStatus"
    from (
      select s.document_id, s.sort_at, s.text_state from ${rows}
      order by s.sort_at desc, s.document_id desc
      limit ${n}
    ) c
    join documents d on d.id = c.document_id
    cross join lateral (select ${readable} as relation) rel
    join units u on u.id = d.issuer_unit_id
    left join users sg on sg.id = coalesce(d.signed_by, d.signer_id)
    left join deliveries my on my.document_id = d.id and my.recipient_unit_id = ${actor.unitId}::uuid
    order by c.sort_at desc, c.document_id desc`;
}

/** Most words the word being typed is searched as; a shorter prefix that begins more keeps PostgreSQL's prefix match. */
export const MAX_EXPANSION = 24;

/**
 * The query with the word being typed replaced by the words it begins (search_terms, a key range
 * in the "C" collation): exact words let the GIN index skip through its lists instead of reading
 * every row of every word the prefix matches. Left as a prefix when it begins more than MAX_EXPANSION.
 */
async function expandTyped(db: Db, q: ParsedQuery): Promise<ParsedQuery> {
  if (!q.prefix) return q;
  const rows = await db.execute<{ term: string }>(sql`
    select term from search_terms where term >= ${q.prefix} and term < ${`${q.prefix}\x7f`} order by term limit ${MAX_EXPANSION + 1}`);
  return rows.length > MAX_EXPANSION ? q : q.expand(rows.map((r) => r.term));
}

/** Above this share of all search rows readable by the caller, the newest-first scan is used (recencyPath). */
const WIDE_READER = 0.15;
const SHARE_TTL_MS = 10 * 60_000;
let shares: { at: number; freq: Map<string, number> } | null = null;

/**
 * The share of search rows each unit or user is a reader of, from PostgreSQL's statistics of
 * `readers` (most common elements, refreshed by ANALYZE/autovacuum), cached for ten minutes.
 */
async function readerShare(db: Db, ids: string[]): Promise<number> {
  if (!shares || Date.now() - shares.at > SHARE_TTL_MS) {
    const rows = await db.execute<{ id: string; freq: number }>(sql`
      select x.id::text as id, s.most_common_elem_freqs[x.i]::float8 as freq
      from pg_stats s, unnest(s.most_common_elems::text::uuid[]) with ordinality as x(id, i)
      where s.tablename = 'search_documents' and s.attname = 'readers'`);
    shares = { at: Date.now(), freq: new Map(rows.map((r) => [r.id, Number(r.freq)])) };
  }
  return ids.reduce((sum, id) => sum + (shares!.freq.get(id) ?? 0), 0);
}

/**
 * The search: rows the caller is a reader of (`readers` holds unit and user ids) whose metadata or
 * files' text hold every word of the query, filtered, tier by tier (tierSql) from the cursor on,
 * until the page is full; every row then passes the exact reading rule (`readable`: the SQL form
 * of workflows/access.ts over the `documents` row aliased `d`, null when the caller may not read
 * it) or is skipped. The index is first brought up to the last committed event, so a search sees
 * what its caller has just done.
 */
export async function searchDocuments(db: Db, actor: Actor, p: SearchParams, readable: SQL) {
  const parsed = parseQuery(p.q);
  const filters = checkFilters(actor, p);
  const cursor = p.cursor ? decodeCursor(p.cursor) : null;
  const limit = p.limit ?? DEFAULT_LIMIT;
  await catchUpIndex(db);
  // After the catch-up: the words of what was just indexed are in search_terms.
  const q = await expandTyped(db, parsed);

  // A caller who may read a large share of everything (a province's UBND reads over half) is
  // served best by walking the newest rows and testing each (a common word fills a page within a
  // few hundred rows; the GIN indexes would gather tens of thousands of matches to sort), so its
  // queries run with bitmap and sequential scans off: the sort_at index, backwards. Everyone else
  // goes through the GIN indexes (vector with readers), as the planner chooses.
  const wide = (await readerShare(db, [actor.unitId, actor.userId])) > WIDE_READER;
  const where: SQL[] = [sql`s.readers && ${`{${actor.unitId},${actor.userId}}`}::uuid[]`, ...filters];
  const page = await db.transaction(async (tx) => {
    return collect(tx, actor, q, where, cursor, limit, readable, wide);
  });
  const shown = page.slice(0, limit);
  const items = await presentHit(db, actor, q, shown);
  const last = shown[shown.length - 1];
  return { items, nextCursor: page.length > limit && last ? encodeCursor(last) : null };
}

/** The newest rows (of everyone's) tested for a wide reader's tier before the GIN indexes take over. */
const WINDOW = 3000;

const positionOf = (tier: number, r: { sortAt: string; id: string }): Cursor => ({ tier, at: r.sortAt, id: r.id });

/**
 * Up to limit + 1 readable rows, tier by tier from the cursor on (bounded rounds per tier). For a
 * wide reader each tier first tests the WINDOW newest rows (after the position) by walking the
 * sort_at index; a common word fills the page there. When it does not, the rest of the tier (older
 * than the window) is rare, and the GIN indexes find it.
 */
async function collect(db: DbOrTx, actor: Actor, q: ParsedQuery, where: SQL[], cursor: Cursor | null, limit: number, readable: SQL, wide: boolean) {
  const page: Hit[] = [];
  const take = (rows: Hit[]) => page.push(...rows.filter((r) => r.relation !== null));
  for (const tier of TIERS) {
    if (cursor && tier < cursor.tier) continue;
    const cond = tierSql(q, tier);
    if (!cond) continue;
    let after = cursor && cursor.tier === tier ? cursor : null;
    let windowed = wide;
    // Rows the reading rule refuses are skipped (rare: readers is the rule's superset); bounded rounds.
    for (let round = 0; round < 10 && page.length <= limit; round++) {
      const want = limit + 1 - page.length;
      if (windowed) {
        await db.execute(sql`set local enable_bitmapscan = off; set local enable_seqscan = off`);
        const rows = await db.execute<Hit>(tierQuery(actor, where, tier, cond, after, want, readable, WINDOW));
        take(rows);
        if (rows.length === want) {
          after = positionOf(tier, rows[rows.length - 1]!);
          await db.execute(sql`set local enable_bitmapscan = on; set local enable_seqscan = on`);
          continue;
        }
        const keyset = after ? sql` and (s.sort_at, s.document_id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql``;
        const [edge] = await db.execute<{ sortAt: string; id: string }>(sql`
          select to_json(s.sort_at) #>> '{}' as "sortAt", s.document_id as id from search_documents s
          where true${keyset} order by s.sort_at desc, s.document_id desc offset ${WINDOW - 1} limit 1`);
        await db.execute(sql`set local enable_bitmapscan = on; set local enable_seqscan = on`);
        if (!edge) break;
        after = positionOf(tier, edge);
        windowed = false;
        continue;
      }
      const rows = await db.execute<Hit>(tierQuery(actor, where, tier, cond, after, want, readable, null));
      take(rows);
      if (rows.length < want) break;
      after = positionOf(tier, rows[rows.length - 1]!);
    }
    if (page.length > limit) break;
  }
  return page;
}
