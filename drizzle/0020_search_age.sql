-- The age of each search row (see src/modules/search/tables.ts): 0 the newest months, 1 the rest of the
-- newest year, 2 older, kept by the boundaries in search_state, with small partial GIN indexes a search
-- reads first. The boundaries start 92 and 365 days back (RECENT_DAYS, YEAR_DAYS in
-- src/modules/search/indexer.ts) from the start of a UTC day; the indexer moves them on daily. A
-- database without the search_state row yet gets them later. The GIN pending lists the updates filled
-- are flushed, so that the first searches do not read them.
ALTER TABLE "search_documents" ADD COLUMN "age" smallint DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "search_state" ADD COLUMN "recent_from" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "search_state" ADD COLUMN "year_from" timestamp with time zone;--> statement-breakpoint
UPDATE "search_state" SET
  "recent_from" = date_trunc('day', now() AT TIME ZONE 'UTC' - interval '92 days') AT TIME ZONE 'UTC',
  "year_from" = date_trunc('day', now() AT TIME ZONE 'UTC' - interval '365 days') AT TIME ZONE 'UTC'
  WHERE "id" = 1;--> statement-breakpoint
UPDATE "search_documents" SET "age" = CASE WHEN "sort_at" >= st."recent_from" THEN 0 ELSE 1 END
  FROM "search_state" st WHERE st."id" = 1 AND "sort_at" >= st."year_from";--> statement-breakpoint
CREATE INDEX "search_documents_meta_recent_idx" ON "search_documents" USING gin ("meta_tsv","readers") WHERE "search_documents"."age" = 0;--> statement-breakpoint
CREATE INDEX "search_documents_text_recent_idx" ON "search_documents" USING gin ("text_tsv","readers") WHERE "search_documents"."age" = 0;--> statement-breakpoint
CREATE INDEX "search_documents_meta_year_idx" ON "search_documents" USING gin ("meta_tsv","readers") WHERE "search_documents"."age" = 1;--> statement-breakpoint
CREATE INDEX "search_documents_young_sort_idx" ON "search_documents" USING btree ("sort_at") WHERE "search_documents"."age" < 2;--> statement-breakpoint
-- Small GIN pending lists (256 kB, not 4 MB): every search reads the whole pending list of each index it
-- uses, so new rows are merged into the index in small batches instead.
ALTER INDEX "search_documents_meta_idx" SET (gin_pending_list_limit = 256);--> statement-breakpoint
ALTER INDEX "search_documents_text_idx" SET (gin_pending_list_limit = 256);--> statement-breakpoint
ALTER INDEX "search_documents_readers_idx" SET (gin_pending_list_limit = 256);--> statement-breakpoint
ALTER INDEX "search_documents_meta_urgent_idx" SET (gin_pending_list_limit = 256);--> statement-breakpoint
ALTER INDEX "search_documents_text_urgent_idx" SET (gin_pending_list_limit = 256);--> statement-breakpoint
ALTER INDEX "search_documents_meta_recent_idx" SET (gin_pending_list_limit = 256);--> statement-breakpoint
ALTER INDEX "search_documents_text_recent_idx" SET (gin_pending_list_limit = 256);--> statement-breakpoint
ALTER INDEX "search_documents_meta_year_idx" SET (gin_pending_list_limit = 256);--> statement-breakpoint
SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i JOIN pg_am a ON a.oid = (SELECT relam FROM pg_class WHERE oid = i.indexrelid)
  WHERE i.indrelid = 'search_documents'::regclass AND a.amname = 'gin';--> statement-breakpoint
-- Named in a search's WHERE: a query that mentions a parallel-unsafe function gets no parallel plan,
-- so the Append of the ages (and of the tiers) runs its parts in order under the LIMIT.
CREATE FUNCTION search_in_order() RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL UNSAFE AS 'SELECT true';
--> statement-breakpoint
ANALYZE "search_documents";
