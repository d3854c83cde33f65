import { pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { type PackageKind } from '../dispatch/tables.js';
import { documents } from '../documents/tables.js';

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
