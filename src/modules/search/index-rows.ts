import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';

/** NOTIFY channel of the text job (src/jobs/text.ts): new pending file_texts rows. */
export const TEXTS_CHANNEL = 'lienthong_texts';

/** Only issued and recalled documents are searched (drafts and documents being issued are not). */
export const INDEXED_STATUSES = `('issued', 'recalled')`;

/** Most characters of a document's file text put into its vector (a tsvector holds at most 1 MB). */
const MAX_TEXT_CHARS = 500_000;

/** An array literal of ids read from the database (uuids only), for `= any($1::uuid[])`. */
export const idArray = (ids: readonly string[]) => `{${ids.join(',')}}`;

/**
 * (Re)writes the search rows of these documents from committed data, set-based: one INSERT …
 * SELECT … ON CONFLICT DO UPDATE for the batch, one DELETE for those no longer searchable, and
 * the files' text queued (file_texts rows, once per hash). Call with the index lock held
 * (lockIndex), so two writers never race on a row with different snapshots.
 *
 * - readers: the issuer unit, the author, every unit it was delivered to (not recalled), every
 *   unit and person named in a live (not cancelled) assignment — a superset of the reading rule
 *   (workflows/access.ts), which is checked again on every result.
 * - meta_tsv: subject (A), notation also without leading zeros (C: "05/QĐ-UBND" is found by
 *   "5/QĐ-UBND"), issuer name, short name or the paper sender's name, and the signer's name (B);
 *   and the pairs of adjacent words of the subject and of the notation ("so_chuyen", without
 *   position or weight: vn_pairs, migration 0023), which a phrase search asks for first.
 * - text_tsv: the text of its files (D), at most MAX_TEXT_CHARS; text_state: the worst state of
 *   its files' text (pending until every file is read; null without files).
 * - age: 0 from search_state.recent_from on, 1 from year_from on, else 2 (the lock holds them still meanwhile).
 * Returns how many files were newly queued for their text.
 */
export async function writeSearchRows(tx: DbOrTx, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const list = idArray(ids);
  await tx.execute(sql`
    delete from search_documents s
    where s.document_id = any(${list}::uuid[])
      and not exists (select 1 from documents d where d.id = s.document_id and d.status in ${sql.raw(INDEXED_STATUSES)})`);
  const queued = await tx.execute(sql`
    insert into file_texts (sha256)
    select distinct f.sha256 from document_files f join documents d on d.id = f.document_id
    where f.document_id = any(${list}::uuid[]) and d.status in ${sql.raw(INDEXED_STATUSES)}
    on conflict (sha256) do nothing`);
  await tx.execute(sql`
    insert into search_documents as s (document_id, issuer_unit_id, readers, status, type, urgency, sort_at, age, meta_tsv, text_tsv, text_state, updated_at)
    select d.id, d.issuer_unit_id,
      array(select distinct r from unnest(
        array[d.issuer_unit_id, d.created_by]
        || array(select dl.recipient_unit_id from deliveries dl where dl.document_id = d.id and dl.status <> 'recalled')
        || array(select x from deliveries dx join assignments a on a.delivery_id = dx.id,
                   unnest(array[a.assignee_unit_id, a.assignee_user_id]) x
                 where dx.document_id = d.id and a.status <> 'cancelled')
      ) r where r is not null),
      d.status, d.type, d.urgency, coalesce(d.issued_at, d.created_at),
      (select case when coalesce(d.issued_at, d.created_at) >= st.recent_from then 0
                   when coalesce(d.issued_at, d.created_at) >= st.year_from then 1 else 2 end
       from (select (select recent_from from search_state where id = 1) as recent_from,
                    (select year_from from search_state where id = 1) as year_from) st),
      setweight(to_tsvector('simple', vn_fold(d.subject)), 'A')
      || setweight(to_tsvector('simple', coalesce(vn_fold(d.notation || ' ' || regexp_replace(d.notation, '^0+([0-9])', '\\1')), '')), 'C')
      || setweight(to_tsvector('simple', vn_fold(concat_ws(' ', coalesce(d.sender_name, u.name), u.short_name, sg.full_name))), 'B')
      || vn_pairs(vn_fold(d.subject))
      || vn_pairs(coalesce(vn_fold(d.notation || ' ' || regexp_replace(d.notation, '^0+([0-9])', '\\1')), '')),
      coalesce(ft.tsv, ''::tsvector), ft.state, now()
    from documents d
    join units u on u.id = d.issuer_unit_id
    left join users sg on sg.id = coalesce(d.signed_by, d.signer_id)
    left join lateral (
      select to_tsvector('simple', vn_fold(left(string_agg(t.text, ' ' order by f.role desc, f.created_at), ${MAX_TEXT_CHARS}))) as tsv,
        case when count(*) = 0 then null
             when bool_or(t.state is null or t.state = 'pending') then 'pending'
             when bool_or(t.state = 'failed') then 'failed'
             when bool_or(t.state = 'no_ocr') then 'no_ocr'
             else 'done' end as state
      from document_files f left join file_texts t on t.sha256 = f.sha256
      where f.document_id = d.id
    ) ft on true
    where d.id = any(${list}::uuid[]) and d.status in ${sql.raw(INDEXED_STATUSES)}
    on conflict (document_id) do update set
      issuer_unit_id = excluded.issuer_unit_id, readers = excluded.readers, status = excluded.status, type = excluded.type,
      urgency = excluded.urgency, sort_at = excluded.sort_at, age = excluded.age, meta_tsv = excluded.meta_tsv, text_tsv = excluded.text_tsv,
      text_state = excluded.text_state, updated_at = excluded.updated_at`);
  // Their words, for the word being typed (search_terms); never removed.
  await tx.execute(sql`
    insert into search_terms (term)
    select distinct w from search_documents s, unnest(tsvector_to_array(s.meta_tsv) || tsvector_to_array(s.text_tsv)) w
    where s.document_id = any(${list}::uuid[]) and strpos(w, '_') = 0
    on conflict do nothing`);
  const n = (queued as unknown as { count?: number }).count ?? 0;
  if (n > 0) await tx.execute(sql`select pg_notify(${TEXTS_CHANNEL}, '')`);
  return n;
}
