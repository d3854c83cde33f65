import { and, asc, eq, inArray, ne, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { documentNotFound } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import { deliveries } from '../dispatch/tables.js';
import { units, users } from '../orgs/tables.js';
import { presentAssignment } from './present.js';
import { assignments, progressEntries } from './tables.js';

type AssignmentRow = typeof assignments.$inferSelect;

/** A progress report as shown under its assignment: the note, who wrote it and when, whether it closed the work. */
export interface ReportView {
  id: string; note: string; done: boolean; at: string; userId: string; userName: string; fileName: string | null;
}

/**
 * Names for assignments (who is assigned — a person's full name or a unit's name — and who gave the
 * direction) and their progress reports, oldest first: two queries whatever the number of rows.
 */
export async function describeAssignments(db: DbOrTx, rows: AssignmentRow[]) {
  if (rows.length === 0) return new Map<string, { assigneeName: string; assignedByName: string; reports: ReportView[] }>();
  const reports = await db
    .select({ r: progressEntries, userName: users.fullName })
    .from(progressEntries)
    .innerJoin(users, eq(users.id, progressEntries.userId))
    .where(inArray(progressEntries.assignmentId, rows.map((a) => a.id)))
    // Of reports made in the same instant the completing one is the latest (it closes the work).
    .orderBy(asc(progressEntries.createdAt), asc(progressEntries.done), asc(progressEntries.id));
  const userIds = [...new Set(rows.flatMap((a) => [a.assignedBy, ...(a.assigneeUserId ? [a.assigneeUserId] : [])]))];
  const unitIds = [...new Set(rows.flatMap((a) => (a.assigneeUnitId ? [a.assigneeUnitId] : [])))];
  const people = new Map((await db.select({ id: users.id, fullName: users.fullName }).from(users).where(inArray(users.id, userIds))).map((u) => [u.id, u.fullName]));
  const unitNames = unitIds.length
    ? new Map((await db.select({ id: units.id, name: units.name }).from(units).where(inArray(units.id, unitIds))).map((u) => [u.id, u.name]))
    : new Map<string, string>();
  const out = new Map<string, { assigneeName: string; assignedByName: string; reports: ReportView[] }>();
  for (const a of rows) {
    out.set(a.id, {
      assigneeName: (a.assigneeUserId ? people.get(a.assigneeUserId) : unitNames.get(a.assigneeUnitId ?? '')) ?? '',
      assignedByName: people.get(a.assignedBy) ?? '',
      reports: reports
        .filter(({ r }) => r.assignmentId === a.id)
        .map(({ r, userName }) => ({ id: r.id, note: r.note, done: r.done, at: r.createdAt.toISOString(), userId: r.userId, userName, fileName: r.fileName })),
    });
  }
  return out;
}

/**
 * The handling of a document as the caller may see it: for each delivery of it to the caller's
 * unit, or on which the caller (or the caller's unit) is named in an assignment, the direction,
 * every assignment (the lead first) with the assignee's name and deadline, and the progress reports. The issuer
 * sees none of it (its tracking carries the status only, never the direction): 404, as for anyone
 * with nothing to see here.
 */
export async function documentHandling(db: DbOrTx, actor: Actor, documentId: string) {
  if (!isUuid(documentId)) throw documentNotFound();
  const own = await db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(and(eq(deliveries.documentId, documentId), eq(deliveries.recipientUnitId, actor.unitId), ne(deliveries.status, 'recalled')));
  const named = await db
    .select({ id: assignments.deliveryId })
    .from(assignments)
    .innerJoin(deliveries, eq(deliveries.id, assignments.deliveryId))
    .where(and(
      eq(assignments.documentId, documentId), ne(assignments.status, 'cancelled'), ne(deliveries.status, 'recalled'),
      or(eq(assignments.assigneeUserId, actor.userId), eq(assignments.assigneeUnitId, actor.unitId)),
    ));
  const ids = [...new Set([...own, ...named].map((r) => r.id))];
  if (ids.length === 0) throw documentNotFound();
  const rows = await db
    .select({ d: deliveries, unitName: units.name })
    .from(deliveries)
    .innerJoin(units, eq(units.id, deliveries.recipientUnitId))
    .where(inArray(deliveries.id, ids))
    .orderBy(asc(deliveries.deliveredAt));
  const all = await db.select().from(assignments).where(inArray(assignments.deliveryId, ids)).orderBy(asc(assignments.createdAt), sql`${assignments.role} <> 'lead'`, asc(assignments.id));
  const names = await describeAssignments(db, all);
  return {
    items: rows.map(({ d, unitName }) => ({
      deliveryId: d.id, unit: { id: d.recipientUnitId, name: unitName }, status: d.status, incomingNumber: d.incomingNumber,
      assignments: all.filter((a) => a.deliveryId === d.id).map((a) => ({ ...presentAssignment(a), ...names.get(a.id)! })),
    })),
  };
}
