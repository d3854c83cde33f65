import { and, asc, desc, eq, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { Deps } from '../../lib/deps.js';
import { vnDate } from '../../lib/time.js';
import { type Actor, hasRole } from '../../lib/actor.js';
import { documents } from '../documents/tables.js';
import { describeAssignments } from './handling-view.js';
import { canReassign, canReport } from './policy.js';
import { presentAssignment } from './present.js';
import { type AssignmentStatus, assignments } from './tables.js';

const OPEN: AssignmentStatus[] = ['open', 'in_progress'];

/**
 * Assignments the caller deals with. `mine`: assigned to the caller or the caller's unit.
 * Otherwise also those the caller assigned and — for the unit's leaders and clerk — every
 * assignment of the unit. `overdue`: still open with a deadline before today (Vietnam date).
 * Each item carries the assignee's and the director's names and its progress reports.
 */
export async function listAssignments(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, q: { mine?: boolean; overdue?: boolean; status?: AssignmentStatus; limit?: number }) {
  const mineCond = or(eq(assignments.assigneeUserId, actor.userId), eq(assignments.assigneeUnitId, actor.unitId));
  const scope = q.mine
    ? mineCond
    : or(mineCond, eq(assignments.assignedBy, actor.userId), hasRole(actor, 'leader', 'clerk') ? eq(assignments.unitId, actor.unitId) : undefined);
  const where: (SQL | undefined)[] = [scope];
  if (q.status) where.push(eq(assignments.status, q.status));
  if (q.overdue) where.push(inArray(assignments.status, OPEN), lt(assignments.dueDate, vnDate(deps.clock())));
  const rows = await deps.db
    .select({ a: assignments, doc: { id: documents.id, subject: documents.subject, notation: documents.notation, urgency: documents.urgency } })
    .from(assignments)
    .innerJoin(documents, eq(documents.id, assignments.documentId))
    .where(and(...where))
    .orderBy(q.overdue ? asc(assignments.dueDate) : desc(assignments.createdAt))
    .limit(q.limit ?? 100);
  const today = vnDate(deps.clock());
  const names = await describeAssignments(deps.db, rows.map((r) => r.a));
  return {
    items: rows.map(({ a, doc }) => ({
      ...presentAssignment(a),
      ...names.get(a.id)!,
      document: doc,
      overdue: OPEN.includes(a.status) && a.dueDate !== null && a.dueDate < today,
      can: { report: canReport(actor, a), reassign: canReassign(actor, a) },
    })),
  };
}
