import { sql } from 'drizzle-orm';
import { bigint, bigserial, date, index, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** What a package is, as the axis API names it (`messagetype`). */
export const AXIS_MESSAGE_TYPES = ['edoc', 'status'] as const;
export type AxisMessageType = (typeof AXIS_MESSAGE_TYPES)[number];
/** Transport status of one destination of a package (the business status travels in status packages). */
export const AXIS_TRANSPORT = ['queued', 'delivered', 'failed'] as const;
export type AxisTransport = (typeof AXIS_TRANSPORT)[number];

/**
 * A connected system (another lienthong instance or another vendor's system). `systemId` is its
 * login for HTTP Basic; only an argon2 hash of its secret is kept. A removed system keeps its row
 * (packages name it) and frees its systemId for a new registration.
 */
export const axisSystems = pgTable(
  'axis_systems',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    systemId: text('system_id').notNull(),
    name: text('name').notNull(),
    secretHash: text('secret_hash').notNull(),
    /** OrganId prefixes it may serve; empty = any OrganId no other system serves. */
    organIdPrefixes: text('organ_id_prefixes').array().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    removedAt: timestamp('removed_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('axis_systems_active_uq').on(t.systemId).where(sql`${t.removedAt} is null`)],
);

/** The units each system serves (its last PUT /axis/v1/directory); an OrganId has one system. */
export const axisDirectory = pgTable(
  'axis_directory',
  {
    organId: text('organ_id').primaryKey(),
    systemId: uuid('system_id').notNull().references(() => axisSystems.id),
    name: text('name').notNull(),
    parentOrganId: text('parent_organ_id'),
    /**
     * A unit that ended in a reorganisation (merged, dissolved): its last day (inclusive) and the
     * OrganId that took over. Still listed, so packages addressed to it find the successor.
     */
    validTo: date('valid_to'),
    successorOrganId: text('successor_organ_id'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('axis_directory_system_idx').on(t.systemId)],
);

/**
 * A package accepted by the axis, kept once: `dedupKey` is its identity (kind, DocumentId, From,
 * the sorted To list; for a status package also StatusCode and Timestamp). The bytes are in the
 * object store under `sha256` (recorded in documents' `blobs`).
 */
export const axisPackages = pgTable(
  'axis_packages',
  {
    docId: uuid('doc_id').primaryKey().defaultRandom(),
    dedupKey: text('dedup_key').notNull(),
    kind: text('kind').$type<AxisMessageType>().notNull(),
    fromOrganId: text('from_organ_id').notNull(),
    senderSystemId: uuid('sender_system_id').notNull().references(() => axisSystems.id),
    /** edXML DocumentId (for a status package, ResponseFor/DocumentId). */
    documentId: text('document_id').notNull(),
    statusCode: text('status_code'),
    /** Status packages: Timestamp; documents: the last TraceHeader's (yyyy/MM/dd HH:mm:ss, as written). */
    edxmlTimestamp: text('edxml_timestamp'),
    sha256: text('sha256').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique('axis_packages_dedup_uq').on(t.dedupKey), index('axis_packages_sender_idx').on(t.senderSystemId, t.createdAt)],
);

/**
 * One row per To of a package: `queued` until a system serving that OrganId marks it done
 * (`delivered`), or `failed` with a reason (`unknown_recipient`, `system_removed`). `seq` is the
 * number of its last change in `axis_transport_changes`.
 */
export const axisDestinations = pgTable(
  'axis_destinations',
  {
    docId: uuid('doc_id').notNull().references(() => axisPackages.docId),
    toOrganId: text('to_organ_id').notNull(),
    /** The system serving the To when the package arrived; null when none did. */
    toSystemId: uuid('to_system_id').references(() => axisSystems.id),
    /**
     * The To had ended with a successor served by another system: the OrganId the package is queued
     * for instead (the successor, followed to the end). Null = the To itself.
     */
    deliverTo: text('deliver_to'),
    transport: text('transport').$type<AxisTransport>().notNull(),
    reason: text('reason'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.docId, t.toOrganId] }),
    // The queue of a unit: by the OrganId it is delivered to (the successor of a forwarded To).
    index('axis_destinations_queue_idx').on(sql`coalesce(${t.deliverTo}, ${t.toOrganId})`, t.transport),
  ],
);

/**
 * Every transport change of a destination, for the sender's `GET /axis/v1/sent`. `seq` is the
 * cursor: changes of one sender are numbered under a per-sender transaction lock held until commit,
 * so a reader that has seen `seq` N never later finds a smaller one of that sender appear.
 */
export const axisTransportChanges = pgTable(
  'axis_transport_changes',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    senderSystemId: uuid('sender_system_id').notNull().references(() => axisSystems.id),
    docId: uuid('doc_id').notNull().references(() => axisPackages.docId),
    toOrganId: text('to_organ_id').notNull(),
    transport: text('transport').$type<AxisTransport>().notNull(),
    reason: text('reason'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('axis_transport_changes_sender_idx').on(t.senderSystemId, t.seq)],
);
