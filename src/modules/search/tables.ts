import { sql } from 'drizzle-orm';
import { bigint, customType, index, integer, pgTable, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { blobs, documents } from '../documents/tables.js';

/** PostgreSQL's full-text vector (written only by SQL: `to_tsvector('simple', vn_fold(...))`). */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** Where the text of a file stands: waiting, read, read but scanned pages had no OCR, failed for good. */
export const TEXT_STATES = ['pending', 'done', 'no_ocr', 'failed'] as const;
export type TextState = (typeof TEXT_STATES)[number];

/**
 * The text of a stored file, once per content address (a file sent to 130 units is read once).
 * A row is the job: `pending` rows are claimed with a lease (`lease_until`), so a crash mid-run
 * only delays the file; a failure is retried with backoff (`next_attempt_at`) a bounded number of
 * times (`attempts`) and then marked `failed` with its `error`, never retried forever.
 */
export const fileTexts = pgTable(
  'file_texts',
  {
    sha256: text('sha256').primaryKey().references(() => blobs.sha256),
    state: text('state').$type<TextState>().notNull().default('pending'),
    /** The text, pages separated by form feeds (\f); null until read. */
    text: text('text'),
    pages: integer('pages'),
    /** Pages read by OCR (scans), and pages that needed OCR when none was available. */
    ocrPages: integer('ocr_pages').notNull().default(0),
    missingPages: integer('missing_pages').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    error: text('error'),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    /** Milliseconds spent reading it (text layer + OCR), for the throughput figures. */
    elapsedMs: bigint('elapsed_ms', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    doneAt: timestamp('done_at', { withTimezone: true }),
  },
  (t) => [index('file_texts_due_idx').on(t.nextAttemptAt).where(sql`${t.state} = 'pending'`)],
);

/**
 * The search index: one row per issued (or recalled) document, derived from committed data by the
 * indexer (events after `search_state.last_event_id`). `readers` lists who may find it — unit ids
 * and user ids — as a coarse filter inside the index; every result is checked again with the one
 * reading rule before it is returned. Vectors are built from `vn_fold` (case and Vietnamese
 * diacritics folded, "đ" = "d", punctuation to spaces).
 */
export const searchDocuments = pgTable(
  'search_documents',
  {
    documentId: uuid('document_id').primaryKey().references(() => documents.id),
    issuerUnitId: uuid('issuer_unit_id').notNull(),
    readers: uuid('readers').array().notNull(),
    status: text('status').notNull(),
    type: text('type').notNull(),
    urgency: text('urgency').notNull(),
    /** The date that orders results and the date filters: issued_at (or created_at). */
    sortAt: timestamp('sort_at', { withTimezone: true }).notNull(),
    /** Subject and notation (weight A), issuer name and signer (weight B). */
    metaTsv: tsvector('meta_tsv').notNull(),
    /** The text of the document's files (weight D). */
    textTsv: tsvector('text_tsv').notNull().default(sql`''::tsvector`),
    /** The worst state of its files' text: pending, done, no_ocr, failed (null: no files). */
    textState: text('text_state').$type<TextState>(),
    /**
     * How old the row is, by the boundaries in search_state (kept so by the indexer, which holds the
     * index lock while it writes rows or moves the boundaries): 0 the newest months (sort_at >=
     * recent_from), 1 the rest of the newest year (>= year_from), 2 older. A search reads age 0 first,
     * through its own small GIN indexes, then age 1, then the rest — each only when the page is not full.
     */
    age: smallint('age').notNull().default(2),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The vectors with readers, one GIN index per age (each row is in exactly one): a search reads the
    // newest months first and stops when the page is full, so a common word is found in the lists of
    // the newest months (at 1M documents 8 % of the rows) in a millisecond or two instead of reading
    // its lists for every year (≈ 15–20 ms); an older page reads only the older lists.
    index('search_documents_meta_recent_idx').using('gin', t.metaTsv, t.readers).where(sql`${t.age} = 0`),
    index('search_documents_meta_year_idx').using('gin', t.metaTsv, t.readers).where(sql`${t.age} = 1`),
    index('search_documents_meta_old_idx').using('gin', t.metaTsv, t.readers).where(sql`${t.age} = 2`),
    index('search_documents_text_recent_idx').using('gin', t.textTsv, t.readers).where(sql`${t.age} = 0`),
    index('search_documents_text_old_idx').using('gin', t.textTsv, t.readers).where(sql`${t.age} > 0`),
    index('search_documents_readers_idx').using('gin', t.readers),
    index('search_documents_sort_idx').on(t.sortAt, t.documentId),
    // A hỏa tốc/khẩn filter: the GIN lists of the 14 % of rows that are not "normal", with the
    // urgency itself as an index column (btree_gin), so the index hands back only matching rows
    // (at 1M: "ung pho bao" + flash in a file's text, 7,494 rows read to keep 79 → 79); by age too.
    index('search_documents_meta_urgent_recent_idx').using('gin', t.metaTsv, t.readers, t.urgency).where(sql`${t.urgency} <> 'normal' and ${t.age} = 0`),
    index('search_documents_meta_urgent_year_idx').using('gin', t.metaTsv, t.readers, t.urgency).where(sql`${t.urgency} <> 'normal' and ${t.age} = 1`),
    // (`age >= 2`, not `= 2`: a search with the filter asks `age >= 2`, which only this index's
    // predicate matches — the planner's estimate would pick the larger age index, 3 ms against 0.9.)
    index('search_documents_meta_urgent_old_idx').using('gin', t.metaTsv, t.readers, t.urgency).where(sql`${t.urgency} <> 'normal' and ${t.age} >= 2`),
    index('search_documents_text_urgent_recent_idx').using('gin', t.textTsv, t.readers, t.urgency).where(sql`${t.urgency} <> 'normal' and ${t.age} = 0`),
    index('search_documents_text_urgent_old_idx').using('gin', t.textTsv, t.readers, t.urgency).where(sql`${t.urgency} <> 'normal' and ${t.age} > 0`),
    // (Migrations 0020/0021 give every GIN index here a 256 kB pending list: a search reads it whole.)
    // Rows whose age changes when the boundaries move on.
    index('search_documents_young_sort_idx').on(t.sortAt).where(sql`${t.age} < 2`),
  ],
);

/** The indexer's cursor: the last event whose document was (re)indexed. One row. */
export const searchState = pgTable('search_state', {
  id: integer('id').primaryKey().default(1),
  lastEventId: bigint('last_event_id', { mode: 'number' }).notNull().default(0),
  /** Where the newest months (search_documents.age 0) begin; null until first set. */
  recentFrom: timestamp('recent_from', { withTimezone: true }),
  /** Where the newest year (age 0 and 1) begins; null until first set. */
  yearFrom: timestamp('year_from', { withTimezone: true }),
});

/**
 * Every word (lexeme) that is or was in a search vector, folded; written by the indexer with each
 * batch of rows (never removed: a word no longer in any vector only widens a query by a term that
 * matches nothing). The word being typed is looked up here ("bao" → bao; "sin" → sinh, sinhhoat…)
 * and searched as those exact words: PostgreSQL's prefix match ("bao:*") reads every row of every
 * matching word from the index before it can intersect them (80 ms for "ung pho bao:*" at 1M
 * documents, 5 ms for "ung pho bao"). The column is in the "C" collation (migration 0018) so a
 * prefix is a range of the primary key.
 */
export const searchTerms = pgTable('search_terms', {
  term: text('term').primaryKey(),
});
