import { and, desc, eq, gte, isNull, lte, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import { badRequest, forbidden, notFound } from '../../lib/errors.js';
import { vnDate } from '../../lib/time.js';
import { type Actor, hasRole } from '../auth/actor.js';
import { recordEvents } from '../events/service.js';
import { getUser } from '../orgs/users.js';
import { type DelegationScope, delegations } from './tables.js';

export function presentDelegation(d: typeof delegations.$inferSelect) {
  return { id: d.id, unitId: d.unitId, fromUserId: d.fromUserId, toUserId: d.toUserId, startsOn: d.startsOn, endsOn: d.endsOn, scopes: d.scopes, revokedAt: d.revokedAt?.toISOString() ?? null };
}

/** A leader going away names a deputy of the same unit to sign and/or assign in their place for a date range. */
export async function createDelegation(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, input: { toUserId: string; startsOn: string; endsOn: string; scopes: DelegationScope[] }) {
  if (!hasRole(actor, 'leader')) throw forbidden('Chỉ lãnh đạo được ủy quyền', 'Only a leader can delegate');
  if (input.endsOn < input.startsOn) throw badRequest('Ngày kết thúc phải sau ngày bắt đầu', 'endsOn must not be before startsOn');
  const to = await getUser(deps.db, input.toUserId);
  if (!to || to.unitId !== actor.unitId || to.id === actor.userId) {
    throw badRequest('Người được ủy quyền phải là người khác trong cùng đơn vị', 'The deputy must be another person of the same unit');
  }
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(delegations)
      .values({ unitId: actor.unitId, fromUserId: actor.userId, toUserId: to.id, startsOn: input.startsOn, endsOn: input.endsOn, scopes: [...new Set(input.scopes)], createdAt: at })
      .returning();
    await recordEvents(tx, [{ type: 'delegation.created', at, actor, unitIds: [actor.unitId], userIds: [to.id], data: presentDelegation(row!) }]);
    return presentDelegation(row!);
  });
}

export async function revokeDelegation(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, id: string) {
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const [row] = await tx.select().from(delegations).where(eq(delegations.id, id)).for('update');
    if (!row || row.fromUserId !== actor.userId) throw notFound('Không tìm thấy ủy quyền', 'Delegation not found');
    await tx.update(delegations).set({ revokedAt: at }).where(eq(delegations.id, id));
    await recordEvents(tx, [{ type: 'delegation.revoked', at, actor, unitIds: [actor.unitId], userIds: [row.toUserId], data: { id } }]);
  });
}

export async function listDelegations(db: DbOrTx, actor: Actor) {
  const rows = await db.select().from(delegations).where(or(eq(delegations.fromUserId, actor.userId), eq(delegations.toUserId, actor.userId))).orderBy(desc(delegations.createdAt));
  return rows.map(presentDelegation);
}

/**
 * May `actor` act as a leader of `unitId` for `scope` at `at`? Yes for its own leaders; for a deputy
 * with a delegation covering that Vietnam date, also yes, and `onBehalfOf` names the leader.
 */
export async function leaderAuthority(db: DbOrTx, actor: Actor, unitId: string, scope: DelegationScope, at: Date): Promise<{ allowed: boolean; onBehalfOf: string | null }> {
  if (actor.unitId !== unitId) return { allowed: false, onBehalfOf: null };
  if (hasRole(actor, 'leader')) return { allowed: true, onBehalfOf: null };
  const day = vnDate(at);
  const [d] = await db
    .select({ from: delegations.fromUserId })
    .from(delegations)
    .where(and(
      eq(delegations.toUserId, actor.userId), eq(delegations.unitId, unitId), isNull(delegations.revokedAt),
      lte(delegations.startsOn, day), gte(delegations.endsOn, day), sql`${scope} = any(${delegations.scopes})`,
    ))
    .limit(1);
  return d ? { allowed: true, onBehalfOf: d.from } : { allowed: false, onBehalfOf: null };
}
