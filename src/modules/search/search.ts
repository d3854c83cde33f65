import { sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { catchUpIndex } from './indexer.js';
import { parseQuery, type ParsedQuery } from './query.js';
import { checkFilters, type Cursor, decodeCursor, encodeCursor, type SearchParams } from './search-params.js';
import { presentHit, TEXT_CHARS_FOR_SNIPPET, type Hit } from './present.js';
import { indexStats, readerShare } from './stats.js';
import { unitNameAt } from '../orgs/history.js';

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
  // A phrase of several words is found by its word pairs (see vn_pairs, migration 0023), and its
  // positions then checked on those rows only: `is true` keeps the phrase out of the index condition,
  // where its words' long lists would be read again beside the pairs'.
  const phraseOf = (text: string) => q.pairs
    ? sql`(s.meta_tsv @@ ${q.pairs}::tsquery and (s.meta_tsv @@ ${tsq(text)}) is true)`
    : sql`s.meta_tsv @@ ${tsq(text)}`;
  const phraseC = phraseOf(q.phrase('C'));
  const exact = sql`(${phraseC} and exists (select 1 from documents dn where dn.id = s.document_id
    and ${q.folded} in (vn_fold(dn.notation), vn_fold(regexp_replace(dn.notation, '^0+([0-9])', '\\1')))))`;
  // One tsquery for "the phrase in the subject or in the notation": one GIN scan, not a BitmapOr of two.
  const phrase = phraseOf(`${q.phrase('A')} | ${q.phrase('C')}`);
  switch (tier) {
    case 0: return q.numeric ? sql`s.meta_tsv @@ ${all} and ${exact}` : null;
    case 1: return sql`${phrase}${q.numeric ? sql` and not ${exact}` : sql``}`;
    case 2: return sql`s.meta_tsv @@ ${all} and not ${phrase}`;
    default: return sql`s.text_tsv @@ ${all} and not s.meta_tsv @@ ${all}`;
  }
}

/**
 * Up to `n` search rows of one tier after `after`, newest first, as (tier, document_id, sort_at,
 * text_state) — a parenthesised query to join with the documents (withDocuments). Each part has its
 * own LIMIT, so the planner may walk the sort_at index backwards for common words and use the GIN
 * indexes (vector with readers) for rare ones.
 * - `window`: the `window` newest rows after the position (everyone's), then the tier's condition on them;
 * - otherwise by age (search_documents.age), newest first — the newest months through their own small
 *   GIN indexes, then the rest of the newest year (the metadata have their own indexes for it too),
 *   then the older rows — under one LIMIT: Append runs its parts in order and stops once the page is
 *   full, so a common word is found in the lists of the newest months without reading its lists for
 *   every year. Every row of an age is newer than every row of an older age (the indexer keeps them so).
 */
function candidates(where: SQL[], tier: number, cond: SQL, after: Cursor | null, n: number, window: number | null, urgent = false): SQL {
  const keyset = after ? sql` and (s.sort_at, s.document_id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql``;
  const head = sql`select ${tier}::int as tier, s.document_id, s.sort_at, s.text_state`;
  const newest = sql`order by s.sort_at desc, s.document_id desc limit ${n}`;
  if (window) {
    return sql`(${head} from (select s.* from search_documents s where true${keyset}
      order by s.sort_at desc, s.document_id desc limit ${window}) s where ${sql.join(where, sql` and `)} and ${cond} ${newest})`;
  }
  const matching = (age: SQL) => sql`(${head} from search_documents s where ${age} and ${sql.join(where, sql` and `)} and ${cond}${keyset} ${newest})`;
  // With a hỏa tốc/khẩn filter the oldest metadata are asked as `age >= 2`, which only their urgent
  // index's predicate matches (see tables.ts).
  const ages = tier === 3 ? [sql`s.age = 0`, sql`s.age > 0`] : [sql`s.age = 0`, sql`s.age = 1`, urgent ? sql`s.age >= 2` : sql`s.age = 2`];
  return sql`(select * from (${sql.join(ages.map(matching), sql` union all `)}) s where search_in_order() limit ${n})`;
}

/** The text of the files of document `d` as indexed (main file first), for a snippet of a match in it (tier 3). */
const filesText = sql`(select left(string_agg(t.text, ' ' order by f.role desc, f.created_at), ${TEXT_CHARS_FOR_SNIPPET})
  from document_files f join file_texts t on t.sha256 = f.sha256 where f.document_id = d.id and t.text is not null)`;

/**
 * The first `n` candidate rows of `parts` (candidates(), best tier first — taken in the order given:
 * Append runs the parts in turn and the LIMIT stops it) with the document, its issuer and signer,
 * the caller's copy, the caller's relation to it (null: may not read it; the reading rule runs on
 * these rows only) and, in tier 3, the files' text; best tier first, newest first within a tier.
 */
function withDocuments(actor: Actor, parts: SQL[], n: number, readable: SQL): SQL {
  return sql`
    select c.tier, to_json(c.sort_at) #>> '{}' as "sortAt", c.text_state as "textState", rel.relation,
      d.id, d.issuer_unit_id as "issuerUnitId", d.type, d.number, d.notation, d.subject, d.urgency, d.due_date as "dueDate",
      d.status, to_json(d.issued_at) #>> '{}' as "issuedAt", to_json(d.recalled_at) #>> '{}' as "recalledAt",
      to_json(d.created_at) #>> '{}' as "createdAt", d.sender_name as "senderName",
      ${unitNameAt(sql`u.id`, sql`coalesce(d.issued_at, d.created_at)`)} as "issuerName", u.short_name as "issuerShortName", u.code as "issuerCode", sg.full_name as "signerName",
      my.id as "deliveryId", my.status as "deliveryStatus", case when c.tier = 3 then ${filesText} end as "fileText"
    from (${parts.length === 1 ? parts[0]! : sql`select * from (${sql.join(parts, sql` union all `)}) t where search_in_order() limit ${n}`}) c
    join documents d on d.id = c.document_id
    cross join lateral (select ${readable} as relation) rel
    join units u on u.id = d.issuer_unit_id
    left join users sg on sg.id = coalesce(d.signed_by, d.signer_id)
    left join deliveries my on my.document_id = d.id and my.recipient_unit_id = ${actor.unitId}::uuid
    order by c.tier, c.sort_at desc, c.document_id desc`;
}

/** Most words the word being typed is searched as; a shorter prefix that begins more keeps PostgreSQL's prefix match. */
export const MAX_EXPANSION = 24;

/**
 * The words the word being typed begins (search_terms, a key range in the "C" collation; at most
 * MAX_EXPANSION + 1), asked together with whether the index has caught up with the last committed
 * event — one round trip when it has (the usual case).
 */
async function typedWords(db: Db, prefix: string | null): Promise<{ current: boolean; words: string[] | null }> {
  const words = prefix
    ? sql`array(select term from search_terms where term >= ${prefix} and term < ${`${prefix}\x7f`} order by term limit ${MAX_EXPANSION + 1})`
    : sql`null::text[]`;
  const [row] = await db.execute<{ current: boolean; words: string[] | null }>(sql`
    select coalesce((select last_event_id from search_state where id = 1), 0) >= coalesce((select max(id) from events), 0) as current,
      ${words} as words`);
  return { current: row?.current ?? false, words: row?.words ?? null };
}

/**
 * The index brought up to the last committed event (a search sees what its caller has just done),
 * and the query with the word being typed replaced by the words it begins, looked up after the
 * catch-up so just-indexed words count: exact words let the GIN index skip through its lists
 * instead of reading every row of every word the prefix matches. Left as a prefix when it begins
 * more than MAX_EXPANSION.
 */
async function currentQuery(db: Db, q: ParsedQuery): Promise<ParsedQuery> {
  let found = await typedWords(db, q.prefix);
  if (!found.current) {
    await catchUpIndex(db);
    found = await typedWords(db, q.prefix);
  }
  if (!q.prefix || !found.words || found.words.length > MAX_EXPANSION) return q;
  return q.expand(found.words);
}

/** Above this share of all search rows readable by the caller, the newest-first scan is used (recencyPath). */
const WIDE_READER = 0.15;
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
  const q = await currentQuery(db, parsed);

  // A caller who may read a large share of everything (a province's UBND reads over half) is
  // served best by walking the newest rows and testing each (a common word fills a page within a
  // few hundred rows; the GIN indexes would gather tens of thousands of matches to sort), so its
  // queries run with bitmap and sequential scans off: the sort_at index, backwards. Everyone else
  // goes through the GIN indexes (vector with readers), as the planner chooses.
  const stats = await indexStats(db);
  const share = readerShare(stats, [actor.unitId, actor.userId]);
  const wide = share > WIDE_READER;
  const where: SQL[] = [sql`s.readers && ${`{${actor.unitId},${actor.userId}}`}::uuid[]`, ...filters];
  // A wide reader's statements change planner settings for the transaction (set local).
  const page = wide
    ? await db.transaction((tx) => collect(tx, actor, q, where, cursor, limit, readable, true, Boolean(p.urgency)))
    : await collect(db, actor, q, where, cursor, limit, readable, false, Boolean(p.urgency));
  const shown = page.slice(0, limit);
  const items = await presentHit(db, actor, q, shown);
  const last = shown[shown.length - 1];
  return { items, nextCursor: page.length > limit && last ? encodeCursor(last) : null };
}

/** The newest rows (of everyone's) tested for a wide reader's tier before the GIN indexes take over. */
const WINDOW = 3000;

const positionOf = (tier: number, r: { sortAt: string; id: string }): Cursor => ({ tier, at: r.sortAt, id: r.id });

/**
 * Up to limit + 1 readable rows from the cursor on, best tier first (bounded rounds; rows the
 * reading rule refuses are skipped — rare: readers is the rule's superset). A wide reader goes tier
 * by tier through windows (collectWide); anyone else asks every remaining tier in one statement, its
 * parts under one LIMIT in a UNION ALL — PostgreSQL's Append runs them in order and stops once the
 * page is full, so the files' text is not searched when the metadata fill the page.
 */
async function collect(db: DbOrTx, actor: Actor, q: ParsedQuery, where: SQL[], cursor: Cursor | null, limit: number, readable: SQL, wide: boolean, urgent: boolean) {
  if (wide) return collectWide(db, actor, q, where, cursor, limit, readable);
  const page: Hit[] = [];
  let after = cursor;
  for (let round = 0; round < 10 && page.length <= limit; round++) {
    const want = limit + 1 - page.length;
    const parts: SQL[] = [];
    for (const tier of TIERS) {
      const cond = tierSql(q, tier);
      if (!cond || (after && tier < after.tier)) continue;
      parts.push(candidates(where, tier, cond, after && after.tier === tier ? after : null, want, null, urgent));
    }
    if (parts.length === 0) break;
    const rows = await db.execute<Hit>(withDocuments(actor, parts, want, readable));
    page.push(...rows.filter((r) => r.relation !== null));
    if (rows.length < want) break;
    after = positionOf(rows[rows.length - 1]!.tier, rows[rows.length - 1]!);
  }
  return page;
}

/**
 * A wide reader, tier by tier from the cursor on (bounded rounds per tier): each tier first tests
 * the WINDOW newest rows (after the position) by walking the sort_at index; a common word fills the
 * page there. When it does not, the rest of the tier (older than the window) is rare, and the GIN
 * indexes find it.
 */
async function collectWide(db: DbOrTx, actor: Actor, q: ParsedQuery, where: SQL[], cursor: Cursor | null, limit: number, readable: SQL) {
  const page: Hit[] = [];
  const take = (rows: Hit[]) => page.push(...rows.filter((r) => r.relation !== null));
  for (const tier of TIERS) {
    if (cursor && tier < cursor.tier) continue;
    const cond = tierSql(q, tier);
    if (!cond) continue;
    let after = cursor && cursor.tier === tier ? cursor : null;
    let windowed = true;
    for (let round = 0; round < 10 && page.length <= limit; round++) {
      const want = limit + 1 - page.length;
      if (windowed) {
        await db.execute(sql`set local enable_bitmapscan = off; set local enable_seqscan = off`);
        const rows = await db.execute<Hit>(withDocuments(actor, [candidates(where, tier, cond, after, want, WINDOW)], want, readable));
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
      const rows = await db.execute<Hit>(withDocuments(actor, [candidates(where, tier, cond, after, want, null)], want, readable));
      take(rows);
      if (rows.length < want) break;
      after = positionOf(tier, rows[rows.length - 1]!);
    }
    if (page.length > limit) break;
  }
  return page;
}
