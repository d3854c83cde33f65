import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { documents } from '../documents/tables.js';
import { units, users } from '../orgs/tables.js';

/** Delivery statuses follow the edXML business codes (DOMAIN.md). */
export const DELIVERY_STATUSES = ['delivered', 'refused', 'accepted', 'assigned', 'in_progress', 'completed', 'recalled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const STATUS_CODES: Record<DeliveryStatus, string> = {
  delivered: '01', refused: '02', accepted: '03', assigned: '04', in_progress: '05', completed: '06', recalled: '15',
};

export const deliveries = pgTable(
  'deliveries',
  {
    // Time-ordered (UUIDv7, PostgreSQL 18): the 2,000 rows of an issue share the primary key's
    // newest leaf pages instead of touching 2,000 random ones (issue 13, issue to a province).
    id: uuid('id').primaryKey().default(sql`uuidv7()`),
    documentId: uuid('document_id').notNull().references(() => documents.id),
    recipientUnitId: uuid('recipient_unit_id').notNull().references(() => units.id),
    status: text('status').$type<DeliveryStatus>().notNull().default('delivered'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }).notNull(),
    readAt: timestamp('read_at', { withTimezone: true }),
    readBy: uuid('read_by').references(() => users.id),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: uuid('acknowledged_by').references(() => users.id),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedBy: uuid('accepted_by').references(() => users.id),
    incomingNumber: integer('incoming_number'),
    incomingSeries: text('incoming_series'),
    refusedAt: timestamp('refused_at', { withTimezone: true }),
    refusedBy: uuid('refused_by').references(() => users.id),
    refusalReason: text('refusal_reason'),
    assignedAt: timestamp('assigned_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    recalledAt: timestamp('recalled_at', { withTimezone: true }),
    /** The issuer asked to recall it (code 13); the recipient's clerk agrees (15) or refuses (16). */
    recallRequestedAt: timestamp('recall_requested_at', { withTimezone: true }),
    recallReason: text('recall_reason'),
    recallAnsweredAt: timestamp('recall_answered_at', { withTimezone: true }),
    recallRefusalReason: text('recall_refusal_reason'),
    inProgressAt: timestamp('in_progress_at', { withTimezone: true }),
    /** A flash delivery left unacknowledged too long: the unit's leaders were alerted. */
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    /**
     * The document is hỏa tốc (copied from its urgency when the delivery is made; an issued
     * document's urgency never changes): with `acknowledged_at` it says whether the inbox puts the
     * delivery first, from this table alone (issue 13, the inbox at a province's size).
     */
    flash: boolean('flash').notNull().default(false),
    /**
     * The unit the document was addressed to when that unit had been merged or dissolved into the
     * recipient (a reorganisation): delivered to its successor instead, and the issuer's tracking says so.
     */
    redirectedFromUnitId: uuid('redirected_from_unit_id').references(() => units.id),
  },
  (t) => [
    unique('deliveries_doc_unit_uq').on(t.documentId, t.recipientUnitId),
    // Only registered deliveries carry a number: a new delivery adds no entry here. Indexes keyed by
    // recipient cost one leaf page per recipient on every issue (2,000 for a province-wide one), so
    // there is one besides this: the inbox's, which also serves recipient + date ranges (registers,
    // dashboard) by skip scan over its flag column.
    uniqueIndex('deliveries_incoming_uq').on(t.recipientUnitId, t.incomingSeries, t.incomingNumber).where(sql`${t.incomingNumber} is not null`),
    // The inbox's order (unacknowledged hỏa tốc first, then newest) read straight off one index:
    // a page is LIMIT rows of an index scan whatever the unit's history (inbox.ts uses the same expression).
    index('deliveries_inbox_order_idx').on(t.recipientUnitId, sql`(${t.flash} and ${t.acknowledgedAt} is null)`, t.deliveredAt, t.id),
  ],
);

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

export const PACKAGE_KINDS = ['edoc', 'status'] as const;
export type PackageKind = (typeof PACKAGE_KINDS)[number];
/** Transport status of a package we send, apart from the business status codes (as the national axis keeps them). */
export const TRANSPORT_STATES = ['queued', 'sent', 'delivered', 'failed'] as const;
export type TransportState = (typeof TRANSPORT_STATES)[number];

/**
 * A package to send to the axis, written in the same transaction as the change it reports (an issue
 * to remote units, a status change of an external document's delivery) — part of the delivery's
 * life, so dispatch owns it; the exchange module sends the rows. A worker builds the edXML
 * from the rows it names and sends it with retries; `dedupKey` makes a second write of the same
 * package a no-op, and the axis keeps a re-sent package once.
 */
export const exchangeOutbox = pgTable(
  'exchange_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').$type<PackageKind>().notNull(),
    documentId: uuid('document_id').notNull().references(() => documents.id),
    deliveryId: uuid('delivery_id').references(() => deliveries.id),
    /** Recipients' OrganIds (an edoc may go to several units of other systems). */
    toOrganIds: text('to_organ_ids').array().notNull().default(sql`'{}'::text[]`),
    /** edXML status code (status packages) or BussinessDocType (edoc: 0 new, 1 revoke, 2 update, 3 replace). */
    statusCode: text('status_code'),
    businessDocType: integer('business_doc_type').notNull().default(0),
    /** What else the package says (a reason, the acknowledgement time, the staff who acted). */
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    dedupKey: text('dedup_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** The axis's id for it once accepted. */
    axisDocId: text('axis_doc_id'),
    transport: text('transport').$type<TransportState>().notNull().default('queued'),
    transportReason: text('transport_reason'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    unique('exchange_outbox_dedup_uq').on(t.dedupKey),
    index('exchange_outbox_due_idx').on(t.transport, t.nextAttemptAt),
    index('exchange_outbox_doc_idx').on(t.documentId),
  ],
);
