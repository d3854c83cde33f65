import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { deliveries } from '../dispatch/tables.js';
import { users } from '../orgs/tables.js';

/**
 * A flash (hỏa tốc) delivery that must keep ringing: created in the issuing transaction, closed in
 * the transaction that acknowledges it. Workers on any replica claim due rows with SKIP LOCKED,
 * so each alarm fires once and a restart loses nothing.
 */
export const urgentAlarms = pgTable(
  'urgent_alarms',
  {
    deliveryId: uuid('delivery_id').primaryKey().references(() => deliveries.id),
    nextAlarmAt: timestamp('next_alarm_at', { withTimezone: true }).notNull(),
    repeat: integer('repeat').notNull().default(0),
    escalateAt: timestamp('escalate_at', { withTimezone: true }).notNull(),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    doneAt: timestamp('done_at', { withTimezone: true }),
  },
  (t) => [index('urgent_alarms_due_idx').on(t.nextAlarmAt)],
);

/** A browser's Web Push subscription (RFC 8030/8291), so a phone rings with the app closed. */
export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull().references(() => users.id),
    endpoint: text('endpoint').notNull().unique(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('push_subscriptions_user_idx').on(t.userId)],
);

/** Small shared settings every replica must agree on (e.g. the VAPID key pair). */
export const appSettings = pgTable('app_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<Record<string, unknown>>().notNull(),
});
