import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import type { Actor } from '../../lib/actor.js';
import { leaderPower } from '../../lib/actor.js';
import { badRequest, conflict, forbidden } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import { lockDeliveryForUnit, transitionDelivery } from '../dispatch/lifecycle.js';
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

/**
 * Checks one assignee. The lead is a department of the receiving unit or a person of it (or of
 * one of its departments); a cooperating one may also be another unit, which then may read the
 * document.
 */
async function checkAssignee(tx: Tx, a: Assignee, receivingUnitId: string, role: AssignmentRole) {
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
  const [u] = await tx.select({ id: units.id, parentId: units.parentId, dissolvedAt: units.dissolvedAt }).from(units).where(eq(units.id, a.unitId!));
  if (!u || u.dissolvedAt) throw badRequest('Đơn vị được giao không tồn tại', 'The assigned unit does not exist');
  if (role === 'lead' && u.parentId !== receivingUnitId) {
    throw badRequest('Đơn vị chủ trì phải là phòng ban của đơn vị nhận', 'The lead unit must be a department of the receiving unit');
  }
  return { assigneeUserId: null, assigneeUnitId: u.id };
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
    // The status machine first: an unaccepted or already assigned copy is refused before any row is written.
    await transitionDelivery(tx, acting, d, 'assigned', { at, data: { direction, onBehalfOf } });
    const values = [];
    for (const a of list) {
      const who = await checkAssignee(tx, a, d.recipientUnitId, a.role);
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
    await recordEvents(tx, events);
    return created.map(presentAssignment);
  });
}
