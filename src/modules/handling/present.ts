import type { assignments } from './tables.js';

export function presentAssignment(a: typeof assignments.$inferSelect) {
  return {
    id: a.id, deliveryId: a.deliveryId, documentId: a.documentId, unitId: a.unitId, role: a.role,
    assigneeUnitId: a.assigneeUnitId, assigneeUserId: a.assigneeUserId, direction: a.direction, dueDate: a.dueDate,
    status: a.status, parentId: a.parentId, assignedBy: a.assignedBy, onBehalfOf: a.onBehalfOf,
    createdAt: a.createdAt.toISOString(), completedAt: a.completedAt?.toISOString() ?? null,
  };
}
