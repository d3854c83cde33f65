import type { DbOrTx } from '../db/client.js';
import type { Actor } from '../lib/actor.js';
import { documentNotFound } from '../lib/errors.js';
import { findDeliveryForUnit } from '../modules/dispatch/lookup.js';
import { loadDocument } from '../modules/documents/access.js';
import { isIssuerMember } from '../modules/documents/policy.js';
import type { DocumentRow } from '../modules/documents/present.js';
import { isCooperatingUnit } from '../modules/handling/lookup.js';

export type Relation = 'issuer' | 'recipient' | 'cooperating';

/**
 * The document if `actor` may read it — its unit issued it, or it was delivered to its unit and
 * not withdrawn, or its unit was named cooperating in a recipient's assignment — else a 404 that
 * says nothing about whether it exists. (The one rule for reading, above the modules because it
 * spans documents, deliveries and assignments.)
 */
export async function loadReadableDocument(
  db: DbOrTx,
  actor: Actor,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<{ doc: DocumentRow; deliveryId: string | null; relation: Relation }> {
  const doc = await loadDocument(db, id, opts);
  if (isIssuerMember(actor, doc)) return { doc, deliveryId: null, relation: 'issuer' };
  if (doc.status === 'draft' || doc.status === 'issuing') throw documentNotFound();
  const delivery = await findDeliveryForUnit(db, doc.id, actor.unitId);
  if (delivery && delivery.status !== 'recalled') return { doc, deliveryId: delivery.id, relation: 'recipient' };
  if (!delivery && (await isCooperatingUnit(db, doc.id, actor.unitId))) return { doc, deliveryId: null, relation: 'cooperating' };
  throw documentNotFound();
}
