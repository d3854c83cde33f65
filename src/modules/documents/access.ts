import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { documentNotFound } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import { isIssuerMember } from './policy.js';
import type { DocumentRow } from './present.js';
import { documents } from './tables.js';

/** The document, optionally locked until commit; 404 if there is none (or the id is no UUID). */
export async function loadDocument(db: DbOrTx, id: string, opts: { forUpdate?: boolean } = {}): Promise<DocumentRow> {
  if (!isUuid(id)) throw documentNotFound();
  const q = db.select().from(documents).where(eq(documents.id, id));
  const [doc] = opts.forUpdate ? await q.for('update') : await q;
  if (!doc) throw documentNotFound();
  return doc;
}

/**
 * A document of the actor's own unit (drafts included), else the same 404 as for one that does not
 * exist. Who else may read an issued document (its recipients, cooperating units) is decided above
 * the modules, where deliveries and assignments are known (workflows/access.ts).
 */
export async function loadOwnDocument(db: DbOrTx, actor: Actor, id: string, opts: { forUpdate?: boolean } = {}): Promise<DocumentRow> {
  const doc = await loadDocument(db, id, opts);
  if (!isIssuerMember(actor, doc)) throw documentNotFound();
  return doc;
}
