import { and, eq, ne } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import type { Actor } from '../lib/actor.js';
import { documentNotFound } from '../lib/errors.js';
import { findDeliveryForUnit } from '../modules/dispatch/lookup.js';
import { draftVisibleTo, loadDocument } from '../modules/documents/access.js';
import { isIssuerMember } from '../modules/documents/policy.js';
import type { DocumentRow } from '../modules/documents/present.js';
import { isCooperatingUnit } from '../modules/handling/lookup.js';
import { assignments } from '../modules/handling/tables.js';

/** `issuer`: its unit issued it (or the caller wrote it, or may see the draft: documents/policy mayReadDraft). */
export type Relation = 'issuer' | 'recipient' | 'cooperating' | 'assignee';

/** Is this person named personally in a live assignment of the document (lead or cooperating)? */
async function isAssignedUser(db: DbOrTx, documentId: string, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: assignments.id })
    .from(assignments)
    .where(and(eq(assignments.documentId, documentId), eq(assignments.assigneeUserId, userId), ne(assignments.status, 'cancelled')))
    .limit(1);
  return Boolean(row);
}

/**
 * The document if `actor` may read it, else a 404 that says nothing about whether it exists. (The
 * one rule for reading, above the modules because it spans documents, deliveries and assignments.)
 * - A draft: whoever documents/policy `mayReadDraft` names — its author, whoever it awaits, the
 *   drafting department's leaders, the issuer's leaders and clerks once it reached them (always for
 *   drafts written inside the issuer).
 * - Issued: the issuer's members and the author; a unit it was delivered to (not withdrawn); a unit
 *   named cooperating in a recipient's assignment; a person assigned it personally (an officer of a
 *   department named by `userId`, whose unit is not the recipient).
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
  if (isIssuerMember(actor, doc)) return { doc, deliveryId: null, relation: 'issuer' };
  const author = actor.userId === doc.createdBy;
  if (doc.status === 'issuing') {
    if (author) return { doc, deliveryId: null, relation: 'issuer' };
    throw documentNotFound();
  }
  // A delivery to the caller's unit comes before authorship: whoever holds the unit's copy acts on it.
  const delivery = await findDeliveryForUnit(db, doc.id, actor.unitId);
  if (delivery && delivery.status !== 'recalled') return { doc, deliveryId: delivery.id, relation: 'recipient' };
  if (author) return { doc, deliveryId: null, relation: 'issuer' };
  if (!delivery && (await isCooperatingUnit(db, doc.id, actor.unitId))) return { doc, deliveryId: null, relation: 'cooperating' };
  if (!delivery && (await isAssignedUser(db, doc.id, actor.userId))) return { doc, deliveryId: null, relation: 'assignee' };
  throw documentNotFound();
}
