import { and, desc, eq, inArray, lt, ne, or, sql } from 'drizzle-orm';
import type { Deps } from '../../lib/deps.js';
import { type Actor, hasRole, leaderPower } from '../../lib/actor.js';
import { users } from '../orgs/tables.js';
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

/**
 * What the outbox lists — the same rule as reading (policy.mayReadDraft, workflows/access.ts), in
 * SQL: the unit's issued documents; drafts the caller wrote or that await the caller; drafts of the
 * caller's department for its parent (its leaders); the unit's drafts that reached its leaders and
 * clerks (signing, signed) or were written inside the unit.
 */
function visibleInOutbox(actor: Actor) {
  const leader = hasRole(actor, 'leader');
  const leaderOrClerk = hasRole(actor, 'clerk') || leaderPower(actor, 'sign').allowed;
  const writtenInside = sql`exists (select 1 from ${users} u where u.id = ${documents.createdBy} and u.unit_id = ${documents.issuerUnitId})`;
  return or(
    and(eq(documents.issuerUnitId, actor.unitId), ne(documents.status, 'draft')),
    eq(documents.createdBy, actor.userId),
    and(eq(documents.status, 'draft'), or(
      eq(documents.awaitingUserId, actor.userId),
      leader ? and(eq(documents.draftingUnitId, actor.unitId), ne(documents.issuerUnitId, actor.unitId)) : undefined,
      leaderOrClerk ? and(eq(documents.issuerUnitId, actor.unitId), or(inArray(documents.flowState, ['signing', 'signed']), writtenInside)) : undefined,
    )),
  );
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
    .where(and(visibleInOutbox(actor), after))
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
