import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import { badRequest, conflict, forbidden, notFound } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import type { StagedObject } from '../../storage/object-store.js';
import type { Actor } from '../../lib/actor.js';
import { lockDelivery, transitionDelivery } from '../dispatch/lifecycle.js';
import { adoptStaged, forgetUnreferenced } from '../documents/blobs.js';
import { recordEvents, type NewEvent } from '../events/service.js';
import { users } from '../orgs/tables.js';
import { leadersOfUnits } from '../orgs/users.js';
import { canReassign, isAssignee } from './policy.js';
import { presentAssignment } from './present.js';
import { assignments, progressEntries } from './tables.js';

const assignmentNotFound = () => notFound('Không tìm thấy nhiệm vụ', 'Assignment not found');

async function lockAssignment(tx: Tx, id: string) {
  if (!isUuid(id)) throw assignmentNotFound();
  const [a] = await tx.select().from(assignments).where(eq(assignments.id, id)).for('update');
  if (!a) throw assignmentNotFound();
  return a;
}

/**
 * A progress note (optionally with a report PDF, already staged by the route). The delivery goes
 * to 05 on the first progress and to 06 when the lead's work is done; a person's assignment handed
 * down from a department completes the department's too.
 */
export async function reportProgress(deps: Deps, actor: Actor, assignmentId: string, input: { note: string; done?: boolean; file?: { staged: StagedObject; name: string } }) {
  const note = input.note.trim();
  const at = deps.clock();
  let promoted: string[] = [];
  try {
    // Inside the try: a refused note must not leave the report PDF the route already staged.
    if (!note) throw badRequest('Cần nội dung báo cáo tiến độ', 'A progress note is required');
    return await deps.db.transaction(async (tx) => {
      const a = await lockAssignment(tx, assignmentId);
      if (!isAssignee(actor, a)) throw assignmentNotFound();
      if (a.status === 'done' || a.status === 'cancelled') throw conflict('Nhiệm vụ đã kết thúc', 'The assignment is closed');
      let d = await lockDelivery(tx, a.deliveryId);
      if (!d || d.status === 'recalled') throw conflict('Văn bản đã bị thu hồi', 'The document has been recalled');
      if (input.file) promoted = await adoptStaged(deps, tx, [input.file.staged]);
      await tx.insert(progressEntries).values({
        assignmentId: a.id, userId: actor.userId, note, done: Boolean(input.done), createdAt: at,
        fileSha256: input.file?.staged.sha256 ?? null, fileName: input.file?.name ?? null, fileSize: input.file?.staged.size ?? null,
      });
      const closing = [a];
      if (input.done && a.parentId) closing.push(await lockAssignment(tx, a.parentId));
      for (const c of closing) {
        await tx.update(assignments).set(input.done ? { status: 'done', completedAt: at } : { status: 'in_progress' }).where(eq(assignments.id, c.id));
      }
      const boss = await leadersOfUnits(tx, [a.unitId]);
      await recordEvents(tx, [{
        at, actor, documentId: a.documentId, deliveryId: a.deliveryId, type: 'assignment.progress', unitIds: [a.unitId, ...(a.assigneeUnitId ? [a.assigneeUnitId] : [])],
        userIds: [a.assignedBy, ...(boss.get(a.unitId) ?? [])], data: { assignmentId: a.id, note, done: Boolean(input.done), file: input.file?.name ?? null },
      }]);
      // The delivery's business status follows (05 on the first report, 06 when the lead's work is done).
      if (d.status === 'assigned') d = { ...d, ...(await transitionDelivery(tx, actor, d, 'in_progress', { at })) };
      // A task from a meeting's conclusion (handling/conclusion-tasks.ts) sits on a copy its unit has not
      // itself assigned: the copy's status stays the unit's to move.
      if (input.done && closing.some((c) => c.role === 'lead' && !c.parentId) && (d.status === 'assigned' || d.status === 'in_progress')) {
        await transitionDelivery(tx, actor, d, 'completed', { at });
      }
      const [fresh] = await tx.select().from(assignments).where(eq(assignments.id, a.id));
      return presentAssignment(fresh!);
    });
  } catch (err) {
    if (input.file) await deps.store.discard(input.file.staged);
    await forgetUnreferenced(deps, promoted);
    throw err;
  }
}

/**
 * A department head hands the department's assignment on to one of its people (same role, and
 * the department's deadline unless an earlier one is given).
 */
export async function reassign(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, assignmentId: string, input: { userId: string; dueDate?: string | null }) {
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const a = await lockAssignment(tx, assignmentId);
    if (!a.assigneeUnitId || a.assigneeUnitId !== actor.unitId) throw assignmentNotFound();
    if (!actor.roles.includes('leader')) throw forbidden('Chỉ trưởng phòng ban được giao tiếp', 'Only the head of the department can hand it on');
    if (!canReassign(actor, a)) throw conflict('Nhiệm vụ đã kết thúc', 'The assignment is closed');
    const [u] = await tx.select({ unitId: users.unitId }).from(users).where(eq(users.id, input.userId));
    if (!u || u.unitId !== actor.unitId) throw badRequest('Người được giao phải thuộc phòng ban này', 'The person must belong to this department');
    const [child] = await tx.insert(assignments).values({
      deliveryId: a.deliveryId, documentId: a.documentId, unitId: a.unitId, role: a.role, assigneeUserId: input.userId, assigneeUnitId: null,
      direction: a.direction, dueDate: input.dueDate ?? a.dueDate, parentId: a.id, assignedBy: actor.userId, createdAt: at,
    }).returning();
    await recordEvents(tx, [{
      type: 'assignment.created', at, actor, documentId: a.documentId, deliveryId: a.deliveryId, unitIds: [a.unitId, actor.unitId], userIds: [input.userId],
      data: { assignmentId: child!.id, parentId: a.id, role: a.role, dueDate: child!.dueDate, direction: a.direction },
    }]);
    return presentAssignment(child!);
  });
}
