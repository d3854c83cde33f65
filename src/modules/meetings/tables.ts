import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { documents } from '../documents/tables.js';
import { assignments } from '../handling/tables.js';
import { units, users } from '../orgs/tables.js';

export const MEETING_STATUSES = ['scheduled', 'cancelled'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];
export const RSVP_ANSWERS = ['yes', 'no', 'substitute'] as const;
export type RsvpAnswer = (typeof RSVP_ANSWERS)[number];
/** What a document linked to a meeting is to it: its giấy mời (GM), biên bản (BB) or thông báo kết luận (TB). */
export const MEETING_DOCUMENT_ROLES = ['invitation', 'minutes', 'conclusion'] as const;
export type MeetingDocumentRole = (typeof MEETING_DOCUMENT_ROLES)[number];

/** An agenda item: its title and the documents already in the system read for it (tài liệu họp). */
export interface AgendaItem {
  title: string;
  documentIds: string[];
}

/**
 * A meeting convened by a unit (its leader or clerk): time, place or online link, chair, agenda,
 * confidentiality. Its people are in `meeting_participants`; the papers in `meeting_files`.
 * `dayReminderFor` / `hourReminderFor` hold the start time each reminder was sent for: a reminder
 * is due when it does not equal `startsAt` (moving the meeting makes both due again), and claiming
 * it sets it in the transaction that writes the reminder event — once, whatever the replicas.
 */
export const meetings = pgTable(
  'meetings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    hostUnitId: uuid('host_unit_id').notNull().references(() => units.id),
    createdBy: uuid('created_by').notNull().references(() => users.id),
    title: text('title').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    place: text('place'),
    link: text('link'),
    chairUserId: uuid('chair_user_id').references(() => users.id),
    /** Like a document's: a secret meeting's papers are listed by title, never stored. */
    secrecy: text('secrecy').notNull().default('none'),
    status: text('status').$type<MeetingStatus>().notNull().default('scheduled'),
    agenda: jsonb('agenda').$type<AgendaItem[]>().notNull().default(sql`'[]'::jsonb`),
    invitationDocumentId: uuid('invitation_document_id').references(() => documents.id),
    minutesDocumentId: uuid('minutes_document_id').references(() => documents.id),
    conclusionDocumentId: uuid('conclusion_document_id').references(() => documents.id),
    dayReminderFor: timestamp('day_reminder_for', { withTimezone: true }),
    hourReminderFor: timestamp('hour_reminder_for', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('meetings_host_starts_idx').on(t.hostUnitId, t.startsAt),
    index('meetings_starts_idx').on(t.startsAt).where(sql`status = 'scheduled'`),
  ],
);

/**
 * Who is invited: a unit (its leaders by default; its leader or clerk answers for it) or a person.
 * The answer, a substitute sent instead, and attendance taken at the start.
 */
export const meetingParticipants = pgTable(
  'meeting_participants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id').notNull().references(() => meetings.id),
    unitId: uuid('unit_id').references(() => units.id),
    userId: uuid('user_id').references(() => users.id),
    answer: text('answer').$type<RsvpAnswer>(),
    substituteUserId: uuid('substitute_user_id').references(() => users.id),
    answeredBy: uuid('answered_by').references(() => users.id),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    present: boolean('present'),
    /** Who was there for a unit participant (the person who tapped "Có mặt"), or who the host marked. */
    presentUserId: uuid('present_user_id').references(() => users.id),
    attendanceBy: uuid('attendance_by').references(() => users.id),
    attendanceAt: timestamp('attendance_at', { withTimezone: true }),
  },
  (t) => [
    unique('meeting_participants_unit_uq').on(t.meetingId, t.unitId),
    unique('meeting_participants_user_uq').on(t.meetingId, t.userId),
    index('meeting_participants_unit_idx').on(t.unitId),
    index('meeting_participants_user_idx').on(t.userId),
    check('meeting_participants_one_of', sql`(${t.unitId} is null) <> (${t.userId} is null)`),
  ],
);

/** A paper of an agenda item: stored content-addressed like document files, or — secret meeting — only its title (`sha256` null). */
export const meetingFiles = pgTable(
  'meeting_files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id').notNull().references(() => meetings.id),
    agendaIndex: integer('agenda_index').notNull(),
    name: text('name').notNull(),
    contentType: text('content_type').notNull().default('application/pdf'),
    size: bigint('size', { mode: 'number' }),
    sha256: text('sha256'),
    uploadedBy: uuid('uploaded_by').notNull().references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('meeting_files_meeting_idx').on(t.meetingId), index('meeting_files_sha_idx').on(t.sha256)],
);

/** Góp ý dự thảo: a participant's comment on an agenda item's draft, collected for the host. */
export const meetingComments = pgTable(
  'meeting_comments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id').notNull().references(() => meetings.id),
    agendaIndex: integer('agenda_index').notNull(),
    userId: uuid('user_id').notNull().references(() => users.id),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    text: text('text').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('meeting_comments_meeting_idx').on(t.meetingId, t.createdAt)],
);

/** The conclusion's tasks: each an assignment (handling) made from the meeting, tracked like any other. */
export const meetingTasks = pgTable(
  'meeting_tasks',
  {
    meetingId: uuid('meeting_id').notNull().references(() => meetings.id),
    assignmentId: uuid('assignment_id').primaryKey().references(() => assignments.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('meeting_tasks_meeting_idx').on(t.meetingId)],
);
