import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn, bigint, check, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uuid,
} from 'drizzle-orm/pg-core';
import { units, users } from '../orgs/tables.js';

export const URGENCIES = ['normal', 'urgent', 'very_urgent', 'flash'] as const;
export type Urgency = (typeof URGENCIES)[number];
export const SECRECIES = ['none', 'confidential', 'secret', 'top_secret'] as const;
export type Secrecy = (typeof SECRECIES)[number];
/** `issuing`: numbered (the number is committed and never given back), files being sealed before delivery. */
export const DOCUMENT_STATUSES = ['draft', 'issuing', 'issued', 'recalled'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];
export const FILE_ROLES = ['main', 'appendix'] as const;
export type FileRole = (typeof FILE_ROLES)[number];

export const documents = pgTable(
  'documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    issuerUnitId: uuid('issuer_unit_id').notNull().references(() => units.id),
    createdBy: uuid('created_by').notNull().references(() => users.id),
    type: text('type').notNull(),
    subject: text('subject').notNull(),
    urgency: text('urgency').$type<Urgency>().notNull().default('normal'),
    secrecy: text('secrecy').$type<Secrecy>().notNull().default('none'),
    dueDate: date('due_date'),
    signerId: uuid('signer_id').references(() => users.id),
    draftingUnitId: uuid('drafting_unit_id').references(() => units.id),
    respondsTo: uuid('responds_to').references((): AnyPgColumn => documents.id),
    /** An issued document of the same unit that this one replaces: issuing this one recalls it. */
    replaces: uuid('replaces').references((): AnyPgColumn => documents.id),
    /** Recipient unit ids as drafted; checked again when issuing. */
    recipients: uuid('recipients').array().notNull().default(sql`'{}'::uuid[]`),
    status: text('status').$type<DocumentStatus>().notNull().default('draft'),
    /**
     * For a document received from another system (edXML): the sender's DocumentId
     * (`OrganId,yyyy/MM/dd,number/notation`), so answers (status packages) name it. Null for our own.
     */
    externalId: text('external_id'),
    /** Numbering series the number was taken from, e.g. "state:2026" or "party:2025-2030:NQ". */
    series: text('series'),
    number: integer('number'),
    notation: text('notation'),
    issuedAt: timestamp('issued_at', { withTimezone: true }),
    issuedBy: uuid('issued_by').references(() => users.id),
    recalledAt: timestamp('recalled_at', { withTimezone: true }),
    recallReason: text('recall_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('documents_series_number_uq').on(t.issuerUnitId, t.series, t.number),
    unique('documents_external_uq').on(t.issuerUnitId, t.externalId),
    index('documents_issuer_idx').on(t.issuerUnitId, t.createdAt),
    check('documents_subject_len', sql`char_length(${t.subject}) between 1 and 500`),
  ],
);

/** Last number handed out per unit and series; the row lock serialises concurrent issues. */
export const numberSeries = pgTable(
  'number_series',
  {
    unitId: uuid('unit_id').notNull().references(() => units.id),
    series: text('series').notNull(),
    lastNumber: integer('last_number').notNull(),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.series] })],
);

/** One row per stored object: the database says which addresses exist. */
export const blobs = pgTable('blobs', {
  sha256: text('sha256').primaryKey(),
  size: bigint('size', { mode: 'number' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const documentFiles = pgTable(
  'document_files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    documentId: uuid('document_id').notNull().references(() => documents.id),
    role: text('role').$type<FileRole>().notNull(),
    name: text('name').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull().references(() => blobs.sha256),
    contentType: text('content_type').notNull().default('application/pdf'),
    uploadedBy: uuid('uploaded_by').notNull().references(() => users.id),
    /** Page and rectangle of the leader's visible signature, so the seal can overlap it. */
    leaderBox: jsonb('leader_box').$type<{ page: number; rect: [number, number, number, number] }>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('document_files_doc_idx').on(t.documentId), index('document_files_sha_idx').on(t.sha256)],
);
