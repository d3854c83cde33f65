import { and, eq, inArray, isNull, lt, ne, or } from 'drizzle-orm';
import type { Deps } from '../../lib/deps.js';
import { vnDate } from '../../lib/time.js';
import { documents } from '../documents/tables.js';
import { recordEvents, type NewEvent } from '../events/service.js';
import { leadersOfUnits } from '../orgs/users.js';
import { assignments } from './tables.js';

/**
 * Deadline reminders as events (so pushes and the timeline show them): once, the day before the
 * deadline ("due soon"); and once per day while overdue. Rows are claimed with SKIP LOCKED and
 * marked in the same transaction, so however many replicas run it, each reminder is sent once.
 */
export async function runDeadlineReminders(deps: Pick<Deps, 'db' | 'clock'>): Promise<{ dueSoon: number; overdue: number }> {
  const now = deps.clock();
  const today = vnDate(now);
  const tomorrow = vnDate(new Date(now.getTime() + 24 * 3600 * 1000));
  return deps.db.transaction(async (tx) => {
    const rows = await tx
      .select({ a: assignments, doc: { subject: documents.subject } })
      .from(assignments)
      .innerJoin(documents, eq(documents.id, assignments.documentId))
      .where(and(
        inArray(assignments.status, ['open', 'in_progress']),
        or(
          and(eq(assignments.dueDate, tomorrow), isNull(assignments.dueSoonRemindedAt)),
          and(lt(assignments.dueDate, today), or(isNull(assignments.overdueRemindedOn), ne(assignments.overdueRemindedOn, today))),
        ),
      ))
      .limit(500)
      .for('update', { of: assignments, skipLocked: true });
    const leaders = await leadersOfUnits(tx, [...new Set(rows.flatMap((r) => (r.a.assigneeUnitId ? [r.a.assigneeUnitId] : [])))]);
    const events: NewEvent[] = [];
    let dueSoon = 0;
    let overdue = 0;
    for (const { a, doc } of rows) {
      const people = [...(a.assigneeUserId ? [a.assigneeUserId] : leaders.get(a.assigneeUnitId!) ?? []), a.assignedBy];
      const base = { at: now, documentId: a.documentId, deliveryId: a.deliveryId, unitIds: [a.unitId, ...(a.assigneeUnitId ? [a.assigneeUnitId] : [])], userIds: people };
      if (a.dueDate === tomorrow) {
        await tx.update(assignments).set({ dueSoonRemindedAt: now }).where(eq(assignments.id, a.id));
        events.push({ ...base, type: 'assignment.due_soon', data: { assignmentId: a.id, dueDate: a.dueDate, subject: doc.subject } });
        dueSoon++;
      } else {
        await tx.update(assignments).set({ overdueRemindedOn: today }).where(eq(assignments.id, a.id));
        events.push({ ...base, type: 'assignment.overdue', data: { assignmentId: a.id, dueDate: a.dueDate, subject: doc.subject, daysLate: daysBetween(a.dueDate!, today) } });
        overdue++;
      }
    }
    await recordEvents(tx, events);
    return { dueSoon, overdue };
  });
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
}
