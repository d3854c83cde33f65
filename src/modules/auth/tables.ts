import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../orgs/tables.js';

/**
 * One row per login. A session token names its row (`sid`); a token is honoured only while its
 * row is open, so logging out, disabling an account, changing a password, roles or unit end it
 * at once on every replica.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull().references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** logout, disabled, password, roles, unit, reset … */
    endReason: text('end_reason'),
    userAgent: text('user_agent'),
    address: text('address'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/**
 * Failed logins counted per key — `user:<username>` and `ip:<address>` — in a sliding window;
 * past the threshold the key is blocked until `blockedUntil`. In the database so every replica
 * counts the same failures.
 */
export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
  blockedUntil: timestamp('blocked_until', { withTimezone: true }),
});
