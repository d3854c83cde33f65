import { eq, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import type { Actor } from '../../lib/actor.js';
import { leaderPower } from '../../lib/actor.js';
import { badRequest, conflict, deliveryNotFound, forbidden } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import { lockDeliveryForUnit, transitionDelivery } from '../dispatch/lifecycle.js';
import { findDelivery } from '../dispatch/lookup.js';
import { mayDirect, recallPending } from '../dispatch/policy.js';
import { recordEvents, type NewEvent } from '../events/service.js';
import { withDelegations } from '../orgs/delegations.js';
import { units, users } from '../orgs/tables.js';
import { leadersOfUnits } from '../orgs/users.js';

import { presentAssignment } from './present.js';
import { type AssignmentRole, assignments } from './tables.js';

export interface Assignee {
  unitId?: string;
  userId?: string;
  dueDate?: string | null;
}

export interface AssignInput {
  direction: string;
  lead: Assignee;
  cooperating?: Assignee[];
}

/** How a unit stands to the receiving unit: its department, deeper in its subtree, or under the same parent. */
export type AssignableRelation = 'department' | 'subtree' | 'sibling';

export interface AssignableUnit {
  id: string; code: string; name: string; shortName: string; parentId: string | null; relation: AssignableRelation;
}

/**
 * The units the receiving unit may name in an assignment — every one of them may then read the
 * document, so the set is bounded:
 * - its own subtree: its departments and, recursively, the units under them (`department`,
 *   `subtree`);
 * - its locality: the units under the same parent (`sibling`) — not their subtrees (a sibling
 *   hands work down itself, by its own assignment, once it has the document in hand); a unit
 *   with no parent has no locality.
 * Never the receiving unit itself, a dissolved unit, a unit served by another system (it could
 * not open the document here anyway, and what leaves for another system goes as a package the
 * issuer sends), nor the administrators' internal unit. The lead is a department (`department`).
 */
export async function assignableUnits(db: DbOrTx, receivingUnitId: string): Promise<AssignableUnit[]> {
  const rows = (await db.execute(sql`
    with recursive sub(id, depth) as (
      select id, 1 from units where parent_id = ${receivingUnitId}::uuid
      union
      select u.id, sub.depth + 1 from units u join sub on u.parent_id = sub.id where sub.depth < 64
    )
    select u.id, u.code, u.name, u.short_name, u.parent_id,
      case when u.parent_id = ${receivingUnitId}::uuid then 'department'
           when exists (select 1 from sub where sub.id = u.id) then 'subtree'
           else 'sibling' end as relation
    from units u
    where u.id <> ${receivingUnitId}::uuid and u.dissolved_at is null and not u.internal and u.system_id is null
      and (u.id in (select id from sub)
           or u.parent_id = (select r.parent_id from units r where r.id = ${receivingUnitId}::uuid))
    order by case when u.parent_id = ${receivingUnitId}::uuid then 0 when exists (select 1 from sub where sub.id = u.id) then 1 else 2 end, u.code`)) as unknown as Array<{
    id: string; code: string; name: string; short_name: string; parent_id: string | null; relation: AssignableRelation;
  }>;
  return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, shortName: r.short_name, parentId: r.parent_id, relation: r.relation }));
}

/**
 * For the assign form: the units the caller (a leader of the receiving unit, or a deputy with an
 * "assign" delegation today) may name for this delivery — the lead among `department`, cooperating
 * ones among all. Another unit's delivery is a 404, as everywhere.
 */
export async function listAssignableUnits(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, deliveryId: string) {
  const d = isUuid(deliveryId) ? await findDelivery(deps.db, deliveryId) : undefined;
  if (!d || d.recipientUnitId !== actor.unitId) throw deliveryNotFound();
  const acting = await withDelegations(deps.db, actor, deps.clock());
  if (!mayDirect(acting, d)) throw forbidden('Chỉ lãnh đạo đơn vị (hoặc người được ủy quyền) được phân công', 'Only a leader of the unit (or a deputy) can assign');
  return { units: await assignableUnits(deps.db, d.recipientUnitId) };
}

/**
 * Checks one assignee. The lead is a department of the receiving unit or a person of it (or of
 * one of its departments); a cooperating one may also be a unit deeper in its subtree or under the
 * same parent (see assignableUnits), which then may read the document.
 */
async function checkAssignee(tx: Tx, a: Assignee, receivingUnitId: string, role: AssignmentRole, allowed: Map<string, AssignableUnit>) {
  if (Boolean(a.unitId) === Boolean(a.userId)) throw badRequest('Mỗi người/đơn vị được giao cần đúng một trong unitId hoặc userId', 'Each assignee needs exactly one of unitId or userId');
  const id = (a.unitId ?? a.userId)!;
  if (!isUuid(id)) throw badRequest('Mã người/đơn vị được giao không hợp lệ', 'Invalid assignee id');
  if (a.userId) {
    const [u] = await tx.select({ unitId: users.unitId, parentId: units.parentId }).from(users).innerJoin(units, eq(units.id, users.unitId)).where(eq(users.id, a.userId));
    if (!u || (u.unitId !== receivingUnitId && u.parentId !== receivingUnitId)) {
      throw badRequest('Người được giao phải thuộc đơn vị nhận hoặc phòng ban của đơn vị', 'The person must belong to the receiving unit or one of its departments');
    }
    return { assigneeUserId: a.userId, assigneeUnitId: null };
  }
  const ok = allowed.get(a.unitId!);
  if (!ok) {
    const [u] = await tx.select({ name: units.name }).from(units).where(eq(units.id, a.unitId!));
    if (!u) throw badRequest(`Đơn vị được giao không tồn tại (${a.unitId})`, `The assigned unit does not exist (${a.unitId})`);
    throw badRequest(
      `Không thể giao cho đơn vị "${u.name}" (${a.unitId}): chỉ được giao cho đơn vị thuộc đơn vị nhận hoặc đơn vị cùng cấp trực thuộc cùng đơn vị cấp trên`,
      `Cannot assign to the unit "${u.name}" (${a.unitId}): only units under the receiving unit or under the same parent may be named`,
    );
  }
  if (role === 'lead' && ok.relation !== 'department') {
    throw badRequest(`Đơn vị chủ trì "${ok.name}" phải là phòng ban của đơn vị nhận`, `The lead unit "${ok.name}" must be a department of the receiving unit`);
  }
  return { assigneeUserId: null, assigneeUnitId: ok.id };
}

/**
 * The leader (or a deputy holding an "assign" delegation for today) of the receiving unit writes
 * a direction and assigns a lead and cooperating ones, each with a deadline (default: the
 * document's due date). Status 04 goes to the sender; each assignee is told.
 */
export async function assignDelivery(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, deliveryId: string, input: AssignInput) {
  const direction = input.direction.trim();
  if (!direction) throw badRequest('Cần nội dung bút phê (direction)', 'A direction is required');
  const at = deps.clock();
  const acting = await withDelegations(deps.db, actor, at);
  return deps.db.transaction(async (tx) => {
    const d = await lockDeliveryForUnit(tx, acting, deliveryId, { allowRecalled: true });
    if (!mayDirect(acting, d)) throw forbidden('Chỉ lãnh đạo đơn vị (hoặc người được ủy quyền) được phân công', 'Only a leader of the unit (or a deputy) can assign');
    if (d.status === 'recalled' || recallPending(d)) throw conflict('Văn bản đã bị thu hồi hoặc đang được đề nghị thu hồi', 'The document is recalled or being recalled');
    const { onBehalfOf } = leaderPower(acting, 'assign');
    const doc = d.document;
    const list: Array<Assignee & { role: AssignmentRole }> = [{ ...input.lead, role: 'lead' }, ...(input.cooperating ?? []).map((c) => ({ ...c, role: 'cooperate' as const }))];
    // The status machine first: an unaccepted or already assigned copy is refused before any row is
    // written. The event it writes is the issuer's too: it carries the status and time, never the
    // direction (the unit's internal handling, kept in the assignments and their own events).
    await transitionDelivery(tx, acting, d, 'assigned', { at });
    const allowed = new Map((await assignableUnits(tx, d.recipientUnitId)).map((u) => [u.id, u]));
    const values = [];
    for (const a of list) {
      const who = await checkAssignee(tx, a, d.recipientUnitId, a.role, allowed);
      values.push({
        deliveryId: d.id, documentId: doc.id, unitId: d.recipientUnitId, role: a.role, ...who, direction,
        dueDate: a.dueDate ?? doc.dueDate ?? null, assignedBy: actor.userId, onBehalfOf, createdAt: at,
      });
    }
    const created = await tx.insert(assignments).values(values).returning();
    const leaders = await leadersOfUnits(tx, created.flatMap((c) => (c.assigneeUnitId ? [c.assigneeUnitId] : [])));
    const events: NewEvent[] = [];
    for (const c of created) {
      events.push({
        type: 'assignment.created', at, actor, documentId: doc.id, deliveryId: d.id,
        unitIds: [d.recipientUnitId, ...(c.assigneeUnitId ? [c.assigneeUnitId] : [])],
        userIds: c.assigneeUserId ? [c.assigneeUserId] : (leaders.get(c.assigneeUnitId!) ?? []),
        data: { assignmentId: c.id, role: c.role, dueDate: c.dueDate, direction, onBehalfOf },
      });
    }
    // Every unit named may now read the document: the issuer learns with whom it was shared, when
    // and by whom (its tracking's `shares`), without the direction.
    const shared = [...new Set(created.flatMap((c) => (c.assigneeUnitId ? [c.assigneeUnitId] : [])))];
    if (shared.length > 0) {
      events.push({
        type: 'delivery.shared', at, actor, documentId: doc.id, deliveryId: d.id, unitIds: [doc.issuerUnitId, d.recipientUnitId],
        data: { unitId: d.recipientUnitId, issuerUnitId: doc.issuerUnitId, sharedWith: shared },
      });
    }
    await recordEvents(tx, events);
    return created.map(presentAssignment);
  });
}
