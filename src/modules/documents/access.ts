import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { documentNotFound } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import { users } from '../orgs/tables.js';
import { isIssuerMember, mayReadDraft } from './policy.js';
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

/** Was the draft written inside its issuing unit (its author is a member of it), not by a department for it? */
export async function authorInIssuer(db: DbOrTx, doc: Pick<DocumentRow, 'createdBy' | 'issuerUnitId'>): Promise<boolean> {
  const [u] = await db.select({ unitId: users.unitId }).from(users).where(eq(users.id, doc.createdBy));
  return u?.unitId === doc.issuerUnitId;
}

/** May the actor see this draft (policy.mayReadDraft, with the author's unit looked up)? */
export async function draftVisibleTo(db: DbOrTx, actor: Actor, doc: DocumentRow): Promise<boolean> {
  if (actor.userId === doc.createdBy || actor.userId === doc.awaitingUserId) return true;
  return mayReadDraft(actor, doc, await authorInIssuer(db, doc));
}

/**
 * A draft the actor may see (policy.mayReadDraft), or a document of its own unit / that it wrote;
 * else the same 404 as for one that does not exist. For the drafting acts (files, fields, trình ký).
 */
export async function loadDraftFor(db: DbOrTx, actor: Actor, id: string, opts: { forUpdate?: boolean } = {}): Promise<DocumentRow> {
  const doc = await loadDocument(db, id, opts);
  if (doc.status === 'draft') {
    if (!(await draftVisibleTo(db, actor, doc))) throw documentNotFound();
    return doc;
  }
  if (!isIssuerMember(actor, doc) && actor.userId !== doc.createdBy) throw documentNotFound();
  return doc;
}
