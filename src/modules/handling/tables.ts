import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { deliveries } from '../dispatch/tables.js';
import { documents } from '../documents/tables.js';
import { units, users } from '../orgs/tables.js';

export const ASSIGNMENT_ROLES = ['lead', 'cooperate'] as const;
export type AssignmentRole = (typeof ASSIGNMENT_ROLES)[number];
export const ASSIGNMENT_STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];

/**
 * A leader's direction (bút phê) on an incoming document: one lead and any cooperating units or
 * persons, each with a deadline. A department head may hand a department's assignment on to a
 * person (`parentId`). `unitId` is the receiving unit that owns the handling.
 */
export const assignments = pgTable(
  'assignments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deliveryId: uuid('delivery_id').notNull().references(() => deliveries.id),
    documentId: uuid('document_id').notNull().references(() => documents.id),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    role: text('role').$type<AssignmentRole>().notNull(),
    assigneeUnitId: uuid('assignee_unit_id').references(() => units.id),
    assigneeUserId: uuid('assignee_user_id').references(() => users.id),
    direction: text('direction').notNull(),
    dueDate: date('due_date'),
    status: text('status').$type<AssignmentStatus>().notNull().default('open'),
    parentId: uuid('parent_id'),
    assignedBy: uuid('assigned_by').notNull().references(() => users.id),
    /** The leader a delegate acted for, when assigned under a delegation. */
    onBehalfOf: uuid('on_behalf_of').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    /** Reminders already sent, so the daily job sends each once. */
    dueSoonRemindedAt: timestamp('due_soon_reminded_at', { withTimezone: true }),
    overdueRemindedOn: date('overdue_reminded_on'),
  },
  (t) => [
    index('assignments_delivery_idx').on(t.deliveryId),
    index('assignments_assignee_user_idx').on(t.assigneeUserId),
    index('assignments_assignee_unit_idx').on(t.assigneeUnitId),
    index('assignments_due_idx').on(t.dueDate).where(sql`status in ('open', 'in_progress')`),
  ],
);

/** Progress notes on an assignment, optionally with a report PDF (content-addressed like any file). */
export const progressEntries = pgTable(
  'progress_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    assignmentId: uuid('assignment_id').notNull().references(() => assignments.id),
    userId: uuid('user_id').notNull().references(() => users.id),
    note: text('note').notNull(),
    done: boolean('done').notNull().default(false),
    fileSha256: text('file_sha256'),
    fileName: text('file_name'),
    fileSize: bigint('file_size', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('progress_entries_assignment_idx').on(t.assignmentId)],
);
