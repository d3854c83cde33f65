import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { documentNotFound } from '../../lib/errors.js';
import type { Actor } from '../auth/actor.js';
import { findDeliveryForUnit } from '../dispatch/lookup.js';
import { isCooperatingUnit } from '../handling/lookup.js';
import { isIssuerMember } from './policy.js';
import type { DocumentRow } from './present.js';
import { documents } from './tables.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The document if `actor` may read it — its unit issued it, or it was delivered to its unit and
 * not withdrawn — else a 404 that says nothing about whether it exists.
 */
export async function loadReadableDocument(
  db: DbOrTx,
  actor: Actor,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<{ doc: DocumentRow; deliveryId: string | null; relation: 'issuer' | 'recipient' | 'cooperating' }> {
  if (!UUID.test(id)) throw documentNotFound();
  const q = db.select().from(documents).where(eq(documents.id, id));
  const [doc] = opts.forUpdate ? await q.for('update') : await q;
  if (!doc) throw documentNotFound();
  if (isIssuerMember(actor, doc)) return { doc, deliveryId: null, relation: 'issuer' };
  if (doc.status === 'draft') throw documentNotFound();
  const delivery = await findDeliveryForUnit(db, doc.id, actor.unitId);
  if (delivery && delivery.status !== 'recalled') return { doc, deliveryId: delivery.id, relation: 'recipient' };
  // A unit named as cooperating in a recipient's assignment reads the document too.
  if (!delivery && (await isCooperatingUnit(db, doc.id, actor.unitId))) return { doc, deliveryId: null, relation: 'cooperating' };
  throw documentNotFound();
}

export const isUuid = (s: string) => UUID.test(s);
