import { bigint, bigserial, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Signed checkpoints of the audit chain: the hash of event `eventId` (the chain head at the time),
 * signed with the server's audit key and, when a TSA is configured, timestamped (RFC 3161). A
 * checkpoint fixes the chain up to that row: rewriting history before it would need the key and
 * could not match the timestamp.
 */
export const auditCheckpoints = pgTable(
  'audit_checkpoints',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    eventId: bigint('event_id', { mode: 'number' }).notNull(),
    hash: text('hash').notNull(),
    signedAt: timestamp('signed_at', { withTimezone: true }).notNull(),
    /** Algorithm and public key (SPKI, base64) of the key that signed, so anyone can check it. */
    algorithm: text('algorithm').notNull(),
    publicKey: text('public_key').notNull(),
    signature: text('signature').notNull(),
    /** DER RFC 3161 TimeStampToken over the signed statement, base64; null without TSA_URL. */
    timestampToken: text('timestamp_token'),
  },
  (t) => [index('audit_checkpoints_event_idx').on(t.eventId)],
);
