import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Every state change writes one row here in the same transaction. It is the audit trail, the
 * tracking timeline and the source of real-time pushes. Ids are handed out in commit order (see
 * recordEvents), so "everything after the last id I saw" never misses an event committed later.
 */
export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    type: text('type').notNull(),
    actorUserId: uuid('actor_user_id'),
    actorUnitId: uuid('actor_unit_id'),
    documentId: uuid('document_id'),
    deliveryId: uuid('delivery_id'),
    /** Units that may see the event: issuer and the recipient concerned. */
    unitIds: uuid('unit_ids').array().notNull(),
    /** Persons addressed personally (a leader escalated to, an assignee), beyond the units. */
    userIds: uuid('user_ids').array().notNull().default(sql`'{}'::uuid[]`),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    /**
     * The audit chain: `hash` = SHA-256 of the previous row's hash and this row's content, set by
     * the database when the row is inserted (one chain, in commit order). See modules/audit.
     */
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  (t) => [
    index('events_document_idx').on(t.documentId, t.id),
    index('events_units_idx').using('gin', t.unitIds),
    index('events_users_idx').using('gin', t.userIds),
  ],
);

/**
 * Events of a transaction still running (issue 13): `recordEvents` writes them here, and a deferred
 * constraint trigger (flush_event_queue, migration 0012) moves them into `events` when the
 * transaction commits — the event-order lock is taken there, so it is held only while the ids are
 * handed out and the commit completes, not for the rest of the transaction. Always empty outside
 * a running transaction (UNLOGGED: nothing in it ever needs to survive a crash).
 */
export const eventQueue = pgTable('event_queue', {
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  type: text('type').notNull(),
  actorUserId: uuid('actor_user_id'),
  actorUnitId: uuid('actor_unit_id'),
  documentId: uuid('document_id'),
  deliveryId: uuid('delivery_id'),
  unitIds: uuid('unit_ids').array().notNull(),
  userIds: uuid('user_ids').array().notNull().default(sql`'{}'::uuid[]`),
  data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  /** Set on the first row of each write: fires the move at commit (once per write, not per row). */
  flush: boolean('flush').notNull().default(false),
});
