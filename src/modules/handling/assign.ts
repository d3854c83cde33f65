import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import { badRequest, conflict, deliveryNotFound, forbidden } from '../../lib/errors.js';
import type { Actor } from '../auth/actor.js';
import { deliveries } from '../dispatch/tables.js';
import { documents } from '../documents/tables.js';
import { recordEvents, type NewEvent } from '../events/service.js';
import { units, users } from '../orgs/tables.js';
import { leaderAuthority } from './delegations.js';
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Leaders of these units, to be told personally about work assigned to their unit. */
export async function leadersOf(tx: Tx, unitIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (unitIds.length === 0) return out;
  const rows = await tx.select({ id: users.id, unitId: users.unitId }).from(users)
    .where(and(inArray(users.unitId, unitIds), eq(users.disabled, false), sql`'leader' = any(${users.roles})`));
  for (const r of rows) out.set(r.unitId, [...(out.get(r.unitId) ?? []), r.id]);
  return out;
}

/**
 * Checks one assignee. The lead is a department of the receiving unit or a person of it (or of
 * one of its departments); a cooperating one may also be another unit, which then may read the
 * document.
 */
async function checkAssignee(tx: Tx, a: Assignee, receivingUnitId: string, role: AssignmentRole) {
  if (Boolean(a.unitId) === Boolean(a.userId)) throw badRequest('Mỗi người/đơn vị được giao cần đúng một trong unitId hoặc userId', 'Each assignee needs exactly one of unitId or userId');
  const id = (a.unitId ?? a.userId)!;
  if (!UUID.test(id)) throw badRequest('Mã người/đơn vị được giao không hợp lệ', 'Invalid assignee id');
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
  if (!UUID.test(deliveryId)) throw deliveryNotFound();
  const direction = input.direction.trim();
  if (!direction) throw badRequest('Cần nội dung bút phê (direction)', 'A direction is required');
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ d: deliveries, doc: { id: documents.id, issuerUnitId: documents.issuerUnitId, dueDate: documents.dueDate, subject: documents.subject } })
      .from(deliveries).innerJoin(documents, eq(documents.id, deliveries.documentId))
      .where(eq(deliveries.id, deliveryId)).for('update', { of: deliveries });
    if (!row || row.d.recipientUnitId !== actor.unitId) throw deliveryNotFound();
    const { d, doc } = row;
    const authority = await leaderAuthority(tx, actor, d.recipientUnitId, 'assign', at);
    if (!authority.allowed) throw forbidden('Chỉ lãnh đạo đơn vị (hoặc người được ủy quyền) được phân công', 'Only a leader of the unit (or a deputy) can assign');
    if (d.status === 'recalled' || (d.recallRequestedAt && !d.recallAnsweredAt)) throw conflict('Văn bản đã bị thu hồi hoặc đang được đề nghị thu hồi', 'The document is recalled or being recalled');
    if (d.status !== 'accepted') throw conflict('Văn bản phải được tiếp nhận (vào sổ) trước khi phân công, và chỉ phân công một lần', 'The delivery must be accepted first, and is assigned once');
    const list: Array<Assignee & { role: AssignmentRole }> = [{ ...input.lead, role: 'lead' }, ...(input.cooperating ?? []).map((c) => ({ ...c, role: 'cooperate' as const }))];
    const values = [];
    for (const a of list) {
      const who = await checkAssignee(tx, a, d.recipientUnitId, a.role);
      values.push({
        deliveryId: d.id, documentId: doc.id, unitId: d.recipientUnitId, role: a.role, ...who, direction,
        dueDate: a.dueDate ?? doc.dueDate ?? null, assignedBy: actor.userId, onBehalfOf: authority.onBehalfOf, createdAt: at,
      });
    }
    const created = await tx.insert(assignments).values(values).returning();
    await tx.update(deliveries).set({ status: 'assigned', assignedAt: at }).where(eq(deliveries.id, d.id));
    const leaders = await leadersOf(tx, created.flatMap((c) => (c.assigneeUnitId ? [c.assigneeUnitId] : [])));
    const events: NewEvent[] = [{
      type: 'delivery.assigned', at, actor, documentId: doc.id, deliveryId: d.id, unitIds: [doc.issuerUnitId, d.recipientUnitId],
      data: { status: 'assigned', code: '04', unitId: d.recipientUnitId, issuerUnitId: doc.issuerUnitId, direction, onBehalfOf: authority.onBehalfOf },
    }];
    for (const c of created) {
      events.push({
        type: 'assignment.created', at, actor, documentId: doc.id, deliveryId: d.id,
        unitIds: [d.recipientUnitId, ...(c.assigneeUnitId ? [c.assigneeUnitId] : [])],
        userIds: c.assigneeUserId ? [c.assigneeUserId] : (leaders.get(c.assigneeUnitId!) ?? []),
        data: { assignmentId: c.id, role: c.role, dueDate: c.dueDate, direction, onBehalfOf: authority.onBehalfOf },
      });
    }
    await recordEvents(tx, events);
    return created.map(presentAssignment);
  });
}
