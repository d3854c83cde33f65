import type { Tx } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { recordEvents, type NewEvent } from '../events/service.js';
import { leadersOfUnits } from '../orgs/users.js';
import { presentAssignment } from './present.js';
import { assignments } from './tables.js';

export interface ConclusionTask {
  /** The unit's copy of the conclusion (thông báo kết luận) the task rides on. */
  deliveryId: string;
  documentId: string;
  /** The receiving unit that owns the task's handling. */
  unitId: string;
  assigneeUnitId: string | null;
  assigneeUserId: string | null;
  direction: string;
  dueDate: string;
}

/**
 * Inside the caller's transaction (workflows/meeting-tasks.ts): the tasks a meeting's conclusion
 * gives to units or persons, as assignments on their unit's copy of the conclusion — listed with the
 * unit's work, reminded the day before and when overdue, reported on and handed on like any other
 * (`assignment.created` → `assignment:new` to the person, or the unit's leaders). Assigned by the
 * host's leader, so reports come back to them. The copy's own status is left to its unit (a task is
 * not the unit's bút phê): reporting the task done does not complete the copy.
 */
export async function assignConclusionTasks(tx: Tx, actor: Actor, at: Date, hostUnitId: string, tasks: ConclusionTask[]) {
  if (tasks.length === 0) return [];
  const created = await tx.insert(assignments).values(tasks.map((t) => ({
    deliveryId: t.deliveryId, documentId: t.documentId, unitId: t.unitId, role: 'lead' as const,
    assigneeUnitId: t.assigneeUnitId, assigneeUserId: t.assigneeUserId, direction: t.direction, dueDate: t.dueDate,
    assignedBy: actor.userId, createdAt: at,
  }))).returning();
  const leaders = await leadersOfUnits(tx, created.flatMap((c) => (c.assigneeUnitId ? [c.assigneeUnitId] : [])));
  const events: NewEvent[] = created.map((c) => ({
    type: 'assignment.created', at, actor, documentId: c.documentId, deliveryId: c.deliveryId,
    unitIds: [...new Set([c.unitId, hostUnitId, ...(c.assigneeUnitId ? [c.assigneeUnitId] : [])])],
    userIds: c.assigneeUserId ? [c.assigneeUserId] : (leaders.get(c.assigneeUnitId!) ?? []),
    data: { assignmentId: c.id, role: c.role, dueDate: c.dueDate, direction: c.direction, onBehalfOf: null, fromMeeting: true },
  }));
  await recordEvents(tx, events);
  return created.map(presentAssignment);
}
