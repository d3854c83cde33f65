import { sql } from 'drizzle-orm';
import { check, date, index, integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { units, users } from '../orgs/tables.js';

export const SECRET_DIRECTIONS = ['incoming', 'outgoing'] as const;
export type SecretDirection = (typeof SECRET_DIRECTIONS)[number];

/**
 * Sổ văn bản mật: secret documents are registered here with their own number series and never
 * stored (QĐ 28/2018 keeps state secrets off the network): metadata only, no file, no content.
 * Visible to the unit's clerks and leaders.
 */
export const secretRegisterEntries = pgTable(
  'secret_register_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    direction: text('direction').$type<SecretDirection>().notNull(),
    /** Number series, e.g. "secret:outgoing:2026" (own series per unit, direction and year). */
    series: text('series').notNull(),
    /** Số (outgoing: the document number; incoming: số đến). */
    number: integer('number').notNull(),
    /** Outgoing: the notation given (e.g. "05/QĐ-UBND"); incoming: the sender's number/notation as printed. */
    notation: text('notation'),
    type: text('type').notNull(),
    subject: text('subject').notNull(),
    /** Outgoing: the addressees (nơi nhận); incoming: the author (tác giả, the sending body). */
    counterpart: text('counterpart').notNull(),
    secrecy: text('secrecy').notNull(),
    urgency: text('urgency').notNull().default('normal'),
    /** The date printed on the document. */
    signedOn: date('signed_on'),
    signerName: text('signer_name'),
    copies: integer('copies'),
    /** Đơn vị, người nhận (incoming: to whom it went; outgoing: who keeps the file copy). */
    holder: text('holder'),
    note: text('note'),
    registeredBy: uuid('registered_by').notNull().references(() => users.id),
    registeredAt: timestamp('registered_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('secret_register_number_uq').on(t.unitId, t.series, t.number),
    index('secret_register_unit_idx').on(t.unitId, t.registeredAt),
    check('secret_register_subject_len', sql`char_length(${t.subject}) between 1 and 500`),
  ],
);
