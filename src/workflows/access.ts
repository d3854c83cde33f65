import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import type { Actor } from '../lib/actor.js';
import { documentNotFound } from '../lib/errors.js';
import { draftVisibleTo, loadDocument } from '../modules/documents/access.js';
import type { DocumentRow } from '../modules/documents/present.js';

/** `issuer`: its unit issued it (or the caller wrote it, or may see the draft: documents/policy mayReadDraft). */
export type Relation = 'issuer' | 'recipient' | 'cooperating' | 'assignee';

/**
 * The reading rule for a document that is no longer a draft, in SQL: the caller's relation to the
 * document row `alias` (a `documents` row in the surrounding query), or null when it may not read it.
 * The one form of the rule — loadReadableDocument and search both use it. In order:
 * - a member of the issuing unit: issuer;
 * - while `issuing` (numbered, being sealed), only its author besides: issuer;
 * - a delivery to the caller's unit that was not withdrawn (recalled): recipient — it comes before
 *   authorship, since whoever holds the unit's copy acts on it;
 * - its author: issuer;
 * - without any delivery to its unit (a withdrawn copy shuts it out), a unit named in a live (not
 *   cancelled) assignment of the document: cooperating; a person named personally: assignee.
 * Assignments are reached through the document's deliveries (their index), with the same document.
 */
export function readingRelationSql(actor: Actor, alias = 'd'): SQL<Relation | null> {
  const d = sql.raw(alias);
  const unit = sql`${actor.unitId}::uuid`;
  const user = sql`${actor.userId}::uuid`;
  const assigned = (column: SQL) => sql`exists (
    select 1 from deliveries rx join assignments ra on ra.delivery_id = rx.id and ra.document_id = rx.document_id
    where rx.document_id = ${d}.id and ${column} and ra.status <> 'cancelled')`;
  return sql<Relation | null>`(select case
      when ${d}.status = 'draft' then null
      when ${d}.issuer_unit_id = ${unit} then 'issuer'
      when ${d}.status = 'issuing' then case when ${d}.created_by = ${user} then 'issuer' end
      when rd.status <> 'recalled' then 'recipient'
      when ${d}.created_by = ${user} then 'issuer'
      when rd.id is null and ${assigned(sql`ra.assignee_unit_id = ${unit}`)} then 'cooperating'
      when rd.id is null and ${assigned(sql`ra.assignee_user_id = ${user}`)} then 'assignee'
    end
    from (select 1) one left join deliveries rd on rd.document_id = ${d}.id and rd.recipient_unit_id = ${unit})`;
}

/**
 * The document if `actor` may read it, else a 404 that says nothing about whether it exists. (The
 * one rule for reading, above the modules because it spans documents, deliveries and assignments.)
 * - A draft: whoever documents/policy `mayReadDraft` names — its author, whoever it awaits, the
 *   drafting department's leaders, the issuer's leaders and clerks once it reached them (always for
 *   drafts written inside the issuer).
 * - Issued: the issuer's members and the author; a unit it was delivered to (not withdrawn); a unit
 *   named cooperating in a recipient's assignment; a person assigned it personally (an officer of a
 *   department named by `userId`, whose unit is not the recipient) — readingRelationSql, one query.
 */
export async function loadReadableDocument(
  db: DbOrTx,
  actor: Actor,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<{ doc: DocumentRow; deliveryId: string | null; relation: Relation }> {
  const doc = await loadDocument(db, id, opts);
  if (doc.status === 'draft') {
    if (await draftVisibleTo(db, actor, doc)) return { doc, deliveryId: null, relation: 'issuer' };
    throw documentNotFound();
  }
  const [r] = await db.execute<{ relation: Relation | null; deliveryId: string | null }>(sql`
    select ${readingRelationSql(actor, 'd')} as relation,
      (select id from deliveries where document_id = d.id and recipient_unit_id = ${actor.unitId}::uuid) as "deliveryId"
    from documents d where d.id = ${doc.id}::uuid`);
  if (!r?.relation) throw documentNotFound();
  return { doc, deliveryId: r.relation === 'recipient' ? r.deliveryId : null, relation: r.relation };
}
