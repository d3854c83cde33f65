import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { users } from '../orgs/tables.js';

/** What a person wants beyond the browser: where (phone, email), for which events, and when not (quiet hours). */
export const notificationSettings = pgTable('notification_settings', {
  userId: uuid('user_id').primaryKey().references(() => users.id),
  /** Stored as written locally: 0 and nine digits (a Vietnamese mobile number). */
  phone: text('phone'),
  email: text('email'),
  smsEvents: text('sms_events').array().notNull().default(sql`'{}'::text[]`),
  emailEvents: text('email_events').array().notNull().default(sql`'{}'::text[]`),
  /** "HH:MM" in Vietnam time; flash events ignore them. Both null: no quiet hours. */
  quietFrom: text('quiet_from'),
  quietTo: text('quiet_to'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

export const NOTIFICATION_STATUSES = ['pending', 'sending', 'sent', 'failed', 'cancelled'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/**
 * One message to one person on one channel for one event: derived from committed events (the
 * notifier's cursor in notify_state), so a crash or a restart neither loses nor repeats one
 * (unique per event, person and channel). Sent with retries and backoff; the outcome stays here
 * and is shown in the issuer's tracking.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().default(sql`uuidv7()`),
    eventId: bigint('event_id', { mode: 'number' }).notNull(),
    /** flash_received, flash_escalated, due_tomorrow, overdue, meeting_reminder */
    kind: text('kind').notNull(),
    userId: uuid('user_id').notNull().references(() => users.id),
    channel: text('channel').$type<'sms' | 'email'>().notNull(),
    to: text('to').notNull(),
    documentId: uuid('document_id'),
    deliveryId: uuid('delivery_id'),
    assignmentId: uuid('assignment_id'),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    status: text('status').$type<NotificationStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    unique('notifications_once_uq').on(t.eventId, t.userId, t.channel),
    index('notifications_due_idx').on(t.nextAttemptAt).where(sql`${t.status} in ('pending', 'sending')`),
    index('notifications_delivery_idx').on(t.deliveryId).where(sql`${t.deliveryId} is not null`),
  ],
);

/** The notifier's cursor over events (one row, id = 1): every event up to it has its notifications queued. */
export const notifyState = pgTable('notify_state', {
  id: integer('id').primaryKey(),
  lastEventId: bigint('last_event_id', { mode: 'number' }).notNull(),
});
