import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { deliveries } from '../dispatch/tables.js';
import { documents } from '../documents/tables.js';

export const PACKAGE_KINDS = ['edoc', 'status'] as const;
export type PackageKind = (typeof PACKAGE_KINDS)[number];
/** Transport status of a package we send, apart from the business status codes (as the national axis keeps them). */
export const TRANSPORT_STATES = ['queued', 'sent', 'delivered', 'failed'] as const;
export type TransportState = (typeof TRANSPORT_STATES)[number];

/**
 * A package to send to the axis, written in the same transaction as the change it reports (an issue
 * to remote units, a status change of an external document's delivery). A worker builds the edXML
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

/**
 * A package received (from the axis or registered by hand): kept once however often it arrives, by
 * the axis doc id and by its own identity (DocumentId + From + kind + status code and time).
 */
export const exchangeInbox = pgTable(
  'exchange_inbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    dedupKey: text('dedup_key').notNull(),
    axisDocId: text('axis_doc_id'),
    kind: text('kind').$type<PackageKind>().notNull(),
    fromOrganId: text('from_organ_id').notNull(),
    documentId: uuid('document_id').references(() => documents.id),
    /** imported | ignored | refused, with the reason for the last two. */
    result: text('result').notNull(),
    reason: text('reason'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique('exchange_inbox_dedup_uq').on(t.dedupKey), unique('exchange_inbox_axis_uq').on(t.axisDocId)],
);
