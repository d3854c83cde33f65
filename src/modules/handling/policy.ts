import type { Actor } from '../../lib/actor.js';

export { canAssign, mayDirect } from '../dispatch/policy.js';

interface AssignmentLike {
  assigneeUserId: string | null;
  assigneeUnitId: string | null;
  status: string;
}

/** The person assigned, or anyone of the unit assigned, reports on the work while it is open. */
export const isAssignee = (actor: Actor, a: AssignmentLike) =>
  a.assigneeUserId ? a.assigneeUserId === actor.userId : a.assigneeUnitId === actor.unitId;
export const canReport = (actor: Actor, a: AssignmentLike) => isAssignee(actor, a) && (a.status === 'open' || a.status === 'in_progress');

/** The head of the department assigned hands its work on to one of its people. */
export const canReassign = (actor: Actor, a: AssignmentLike) =>
  Boolean(a.assigneeUnitId) && a.assigneeUnitId === actor.unitId && actor.roles.includes('leader') && (a.status === 'open' || a.status === 'in_progress');
