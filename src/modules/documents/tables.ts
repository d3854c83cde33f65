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
/**
 * Where a draft stands in trình ký: with its author (`drafting`), with a reviewer such as the
 * head of the drafting department (`review`), with a leader to sign (`signing`), signed and
 * waiting for the clerk (`signed`), or sent back to its author (`returned`).
 */
export const FLOW_STATES = ['drafting', 'review', 'signing', 'signed', 'returned'] as const;
export type FlowState = (typeof FLOW_STATES)[number];
/** A recipient that gets the document on paper: one of our units, or an addressee named in free text. */
export type PaperRecipient = { unitId: string; name: string } | { unitId: null; name: string };
/** Competence line of a signature (NĐ 30, appendix I): TM., KT., Q., TL., TUQ. */
export const COMPETENCES = ['TM', 'KT', 'Q', 'TL', 'TUQ'] as const;
export type Competence = (typeof COMPETENCES)[number];
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
    /** Trình ký: where the draft stands and whose turn it is (null when it is its author's or nobody's). */
    flowState: text('flow_state').$type<FlowState>().notNull().default('drafting'),
    awaitingUserId: uuid('awaiting_user_id').references(() => users.id),
    /** Addressees that get the document on paper (listed in the register's "Nơi nhận" and in tracking). */
    paperRecipients: jsonb('paper_recipients').$type<PaperRecipient[]>().notNull().default(sql`'[]'::jsonb`),
    /** The signer of record: the leader whose signature the main file carries, with the competence line used. */
    signedBy: uuid('signed_by').references(() => users.id),
    signedAt: timestamp('signed_at', { withTimezone: true }),
    signerCompetence: text('signer_competence').$type<Competence>(),
    /** An incoming paper document from a sender on no system: the sender's name as registered. */
    senderName: text('sender_name'),
    /** For a paper document: the date printed on it (ngày tháng of the sender). */
    signedOn: date('signed_on'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('documents_series_number_uq').on(t.issuerUnitId, t.series, t.number),
    unique('documents_external_uq').on(t.issuerUnitId, t.externalId),
    index('documents_issuer_idx').on(t.issuerUnitId, t.createdAt),
    index('documents_awaiting_idx').on(t.awaitingUserId),
    index('documents_drafting_idx').on(t.draftingUnitId),
    // The outgoing register names what replaced each document ("thay thế bởi").
    index('documents_replaces_idx').on(t.replaces).where(sql`${t.replaces} is not null`),
    // The recovery job looks every 30 s for issues interrupted after numbering (a handful at most).
    index('documents_issuing_idx').on(t.issuedAt).where(sql`${t.status} = 'issuing'`),
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

/**
 * Page images of a stored PDF at phone width (the reader's light preview, issue 14): one per file
 * content, page, width and format, rendered once by poppler's pdftoppm for every reader of the file.
 * The image is itself a stored object with its own `blobs` row (so the sweep keeps it and backups
 * copy it); it goes with the file when the file's `blobs` row goes (forgetBlobRows).
 */
export const pagePreviews = pgTable(
  'page_previews',
  {
    fileSha256: text('file_sha256').notNull().references(() => blobs.sha256),
    page: integer('page').notNull(),
    width: integer('width').notNull(),
    format: text('format').$type<'jpg' | 'png'>().notNull(),
    sha256: text('sha256').notNull().references(() => blobs.sha256),
    size: integer('size').notNull(),
    height: integer('height').notNull(),
    /** The file's page count (the reader's "Trang 1/6" before pdf.js is loaded). */
    pages: integer('pages').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.fileSha256, t.page, t.width, t.format] }), index('page_previews_sha_idx').on(t.sha256)],
);

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

/**
 * Each upload of a draft's main file is a version (v1, v2 …), kept and viewable. The
 * `document_files` row is the current file (its id stays); its `sha256` is the latest version's,
 * or that version signed. Returning a signed draft puts the latest version's bytes back.
 */
export const documentFileVersions = pgTable(
  'document_file_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    fileId: uuid('file_id').notNull().references(() => documentFiles.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    name: text('name').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull().references(() => blobs.sha256),
    uploadedBy: uuid('uploaded_by').notNull().references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('document_file_versions_uq').on(t.fileId, t.version), index('document_file_versions_sha_idx').on(t.sha256)],
);
