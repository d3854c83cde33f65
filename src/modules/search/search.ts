import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { catchUpIndex } from './indexer.js';
import { groupText, parseQuery, type ParsedQuery } from './query.js';
import { checkFilters, decodeCursor, encodeCursor, type SearchParams } from './search-params.js';
import { presentHit, type Hit } from './present.js';

export type { SearchParams } from './search-params.js';

/** Default and largest page. */
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 50;

const tsq = (text: string) => sql`to_tsquery('simple', ${text})`;

/**
 * How well a search row matches, lower first ("exact and recent first"; then newest):
 * 0 the notation typed in full (only asked when the query has a digit), 1 the words as one phrase
 * in the subject or the notation, 2 every word in subject, notation, issuer or signer, 3 only with
 * the files' text.
 */
function tierSql(q: ParsedQuery): SQL {
  const phraseC = tsq(q.phrase('C'));
  const exact = q.numeric
    ? sql`when s.meta_tsv @@ ${phraseC} and exists (select 1 from documents dn where dn.id = s.document_id
        and ${q.folded} in (vn_fold(dn.notation), vn_fold(regexp_replace(dn.notation, '^0+([0-9])', '\\1')))) then 0`
    : sql``;
  return sql`case ${exact}
    when s.meta_tsv @@ ${tsq(q.phrase('A'))} or s.meta_tsv @@ ${phraseC} then 1
    when s.meta_tsv @@ ${tsq(q.tsquery)} then 2
    else 3 end`;
}

/**
 * The search: every group of words (a word, a phrase, a notation) found in the row's metadata or in
 * its files' text, among rows the caller is a reader of (the GIN indexes hold the vectors with
 * `readers`), filtered, ordered by tier, then sort_at and id (newest first), after the cursor; then
 * the exact reading rule (`readable`: the SQL form of workflows/access.ts, over the `documents`
 * row aliased `d`, null when the caller may not read it) on the candidates in that order until the
 * page is full. The index is first brought up to the last committed event, so a search sees what
 * its caller has just done.
 */
export async function searchDocuments(db: Db, actor: Actor, p: SearchParams, readable: SQL) {
  const q = parseQuery(p.q);
  const filters = checkFilters(actor, p);
  const cursor = p.cursor ? decodeCursor(p.cursor) : null;
  const limit = p.limit ?? DEFAULT_LIMIT;
  await catchUpIndex(db);

  const where: SQL[] = [sql`s.readers && ${`{${actor.unitId},${actor.userId}}`}::uuid[]`];
  for (const g of q.groups) {
    const one = tsq(groupText(g));
    where.push(sql`(s.meta_tsv @@ ${one} or s.text_tsv @@ ${one})`);
  }
  where.push(...filters);
  const after = cursor
    ? sql`where c.tier > ${cursor.tier} or (c.tier = ${cursor.tier} and (c.sort_at, c.document_id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid))`
    : sql``;
  const rows = await db.execute<Hit>(sql`
    select c.tier, to_json(c.sort_at) #>> '{}' as "sortAt", c.text_state as "textState", rel.relation,
      d.id, d.issuer_unit_id as "issuerUnitId", d.type, d.number, d.notation, d.subject, d.urgency, d.due_date as "dueDate",
      d.status, to_json(d.issued_at) #>> '{}' as "issuedAt", to_json(d.recalled_at) #>> '{}' as "recalledAt",
      to_json(d.created_at) #>> '{}' as "createdAt", d.sender_name as "senderName",
      u.name as "issuerName", u.short_name as "issuerShortName", u.code as "issuerCode", sg.full_name as "signerName",
      (select dl.id from deliveries dl where dl.document_id = d.id and dl.recipient_unit_id = ${actor.unitId}::uuid) as "deliveryId",
      (select dl.status from deliveries dl where dl.document_id = d.id and dl.recipient_unit_id = ${actor.unitId}::uuid) as "deliveryStatus"
    from (
      select c.* from (
        select s.document_id, s.sort_at, s.text_state, ${tierSql(q)} as tier
        from search_documents s
        where ${sql.join(where, sql` and `)}
      ) c ${after}
      order by c.tier, c.sort_at desc, c.document_id desc
      offset 0
    ) c
    join documents d on d.id = c.document_id
    cross join lateral (select ${readable} as relation) rel
    join units u on u.id = d.issuer_unit_id
    left join users sg on sg.id = coalesce(d.signed_by, d.signer_id)
    where rel.relation is not null
    order by c.tier, c.sort_at desc, c.document_id desc
    limit ${limit + 1}`);
  const page = rows.slice(0, limit);
  const items = await presentHit(db, actor, q, page);
  const last = page[page.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}
