import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { Deps } from '../../lib/deps.js';
import type { Actor } from '../../lib/actor.js';
import { badRequest } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import { mainFiles } from './file-content.js';
import { documentCan } from './policy.js';
import { presentDocument } from './present.js';
import { documents } from './tables.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The recipient-side actions never apply to one's own outgoing documents. */
const NOT_A_RECIPIENT = { acknowledge: false, accept: false, refuse: false, assign: false, report: false };

/**
 * The unit's own documents, newest first, each with what the caller may do (`can`; pass the actor
 * with its delegations). Cursor = base64url of "createdAt|id" of the last item; stable under
 * concurrent inserts.
 */
export async function listOutbox(deps: Pick<Deps, 'db'>, actor: Actor, q: { cursor?: string; limit?: number }) {
  const limit = q.limit ?? 50;
  let after;
  if (q.cursor) {
    const [at, id] = Buffer.from(q.cursor, 'base64url').toString().split('|');
    if (!at || !id || !isUuid(id) || Number.isNaN(Date.parse(at))) throw badRequest('Con trỏ phân trang không hợp lệ', 'Invalid cursor');
    const when = new Date(at);
    after = or(lt(documents.createdAt, when), and(eq(documents.createdAt, when), lt(documents.id, id)));
  }
  const rows = await deps.db
    .select()
    .from(documents)
    .where(and(eq(documents.issuerUnitId, actor.unitId), after))
    .orderBy(desc(documents.createdAt), desc(documents.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const main = await mainFiles(deps.db, page.map((d) => d.id));
  return {
    items: page.map((d) => ({ ...presentDocument(d), can: { ...documentCan(actor, d, main.get(d.id) ?? null), ...NOT_A_RECIPIENT } })),
    nextCursor: rows.length > limit && last ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString('base64url') : null,
  };
}
