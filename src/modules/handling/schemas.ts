import { Type } from 'typebox';
import { Can, Day, Nullable, OneOf, Timestamp, Uuid } from '../../http/schemas.js';
import { URGENCIES } from '../documents/tables.js';
import { ASSIGNMENT_ROLES, ASSIGNMENT_STATUSES } from './tables.js';

/** Shared pieces, re-exported so a routes.ts needs one import. */
export { Errors, FileBody, NoContent } from '../../http/schemas.js';

const open = { additionalProperties: true } as const;

const assignmentFields = {
  id: Uuid,
  deliveryId: Uuid,
  documentId: Uuid,
  unitId: Uuid,
  role: OneOf(ASSIGNMENT_ROLES, { description: 'lead (chủ trì) or cooperate (phối hợp)' }),
  assigneeUnitId: Nullable(Uuid),
  assigneeUserId: Nullable(Uuid),
  direction: Type.String({ description: 'the leader’s direction (bút phê)' }),
  dueDate: Nullable(Day),
  status: OneOf(ASSIGNMENT_STATUSES),
  parentId: Nullable(Uuid),
  assignedBy: Uuid,
  onBehalfOf: Nullable(Uuid),
  createdAt: Timestamp,
  completedAt: Nullable(Timestamp),
  can: Type.Optional(Can),
};

/** presentAssignment */
export const Assignment = Type.Object(assignmentFields, open);

/** A progress report under its assignment (GET /api/assignments, GET /api/documents/:id/handling). */
export const Report = Type.Object({
  id: Uuid, note: Type.String(), done: Type.Boolean(), at: Timestamp, userId: Uuid,
  userName: Type.String({ description: 'who reported (full name)' }), fileName: Nullable(Type.String()),
}, open);

/** Names and reports added to an assignment where it is shown to people. */
const describedFields = {
  assigneeName: Type.String({ description: 'the person’s full name or the unit’s name' }),
  assignedByName: Type.String({ description: 'who gave the direction (full name)' }),
  reports: Type.Array(Report, { description: 'progress reports, oldest first' }),
};

/** GET /api/documents/:id/handling: per delivery the caller may see, the direction, assignees and reports. */
export const HandlingBody = Type.Object({
  items: Type.Array(Type.Object({
    deliveryId: Uuid,
    unit: Type.Object({ id: Uuid, name: Type.String() }, open),
    status: Type.String(),
    incomingNumber: Nullable(Type.Integer()),
    assignments: Type.Array(Type.Object({ ...assignmentFields, ...describedFields }, open)),
  }, open)),
});

/** An item of GET /api/assignments: the assignment, its document and whether it is overdue. */
export const AssignmentItem = Type.Object(
  {
    ...assignmentFields,
    ...describedFields,
    document: Type.Object({ id: Uuid, subject: Type.String(), notation: Nullable(Type.String()), urgency: OneOf(URGENCIES) }, open),
    overdue: Type.Boolean({ description: 'open with a deadline before today (Vietnam date)' }),
  },
  open,
);

/** presentDelegation */
export const Delegation = Type.Object({
  id: Uuid,
  unitId: Uuid,
  fromUserId: Uuid,
  toUserId: Uuid,
  startsOn: Day,
  endsOn: Day,
  scopes: Type.Array(OneOf(['sign', 'assign'])),
  revokedAt: Nullable(Timestamp),
});

/** GET /api/deliveries/:id/assignable-units: who may be named lead (department) or cooperating (any). */
export const AssignableUnitsBody = Type.Object({
  units: Type.Array(Type.Object({
    id: Uuid, code: Type.String(), name: Type.String(), shortName: Type.String(), parentId: Nullable(Uuid),
    relation: OneOf(['department', 'subtree', 'sibling'] as const, {
      description: 'department: directly under the receiving unit (may lead); subtree: deeper under it; sibling: under the same parent',
    }),
  }, open)),
});

export const AssignmentsBody = Type.Object({ assignments: Type.Array(Assignment) });
export const AssignmentBody = Type.Object({ assignment: Assignment });
export const AssignmentListBody = Type.Object({ items: Type.Array(AssignmentItem) });
export const DelegationBody = Type.Object({ delegation: Delegation });
export const DelegationsBody = Type.Object({ delegations: Type.Array(Delegation) });

/** Progress report: JSON, or multipart with a report PDF (OpenAPI only: the route reads either itself). */
export const ProgressJson = Type.Object({ note: Type.String({ maxLength: 4000 }), done: Type.Optional(Type.Boolean()) });
export const ProgressForm = Type.Object({
  note: Type.String({ maxLength: 4000 }),
  done: Type.Optional(OneOf(['true', 'false', '1', '0'] as const)),
  file: Type.Optional(Type.String({ format: 'binary', description: 'report (PDF)' })),
});
export { RecallAnswerBody } from '../dispatch/schemas.js';
