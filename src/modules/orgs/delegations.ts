import { and, desc, eq, gte, isNull, lte, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import { badRequest, forbidden, notFound } from '../../lib/errors.js';
import { vnDate } from '../../lib/time.js';
import { type Actor, type DelegationScope, hasRole } from '../../lib/actor.js';
import { recordEvents } from '../events/service.js';
import { delegations } from './tables.js';
import { getUser } from './users.js';

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
 * The actor with the leader powers delegated to it for the Vietnam date of `at` (`actor.delegated`),
 * for the pure policies (`leaderPower`, canSign, canAssign) and the `can` flags shown to clients.
 * Leaders need no lookup. One query.
 */
export async function withDelegations(db: DbOrTx, actor: Actor, at: Date): Promise<Actor> {
  if (hasRole(actor, 'leader') || actor.delegated) return actor;
  const day = vnDate(at);
  const rows = await db
    .select({ from: delegations.fromUserId, scopes: delegations.scopes })
    .from(delegations)
    .where(and(
      eq(delegations.toUserId, actor.userId), eq(delegations.unitId, actor.unitId), isNull(delegations.revokedAt),
      lte(delegations.startsOn, day), gte(delegations.endsOn, day),
    ))
    .orderBy(desc(delegations.createdAt));
  const delegated: Partial<Record<DelegationScope, string>> = {};
  for (const r of rows) for (const s of r.scopes) delegated[s] ??= r.from;
  return { ...actor, delegated };
}
