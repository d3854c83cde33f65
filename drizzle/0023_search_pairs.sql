-- Word pairs in the metadata vectors: "so_chuyen", "chuyen_doi" for "số chuyển đổi" in a subject (and in a
-- notation), as lexemes without position or weight. A search for a phrase (tier 1 and 0 in
-- src/modules/search/search.ts) asks for its pairs as well: the GIN lists of a pair are short where
-- those of each word are long, so proving that a phrase of common words is nowhere reads a few
-- entries instead of every row holding all of its words (positions are still checked exactly).
CREATE FUNCTION vn_pairs(folded text) RETURNS tsvector LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT array_to_tsvector(coalesce(array_agg(DISTINCT w[i] || '_' || w[i + 1]), '{}'::text[]))
  FROM (SELECT regexp_split_to_array(btrim(folded), ' +') AS w) x, generate_series(1, coalesce(array_length(w, 1), 0) - 1) i
$$;--> statement-breakpoint
-- Every row is rewritten: its GIN indexes are dropped first and built again after (faster than
-- updating them row by row, at 1M documents minutes against an hour).
DROP INDEX "search_documents_meta_recent_idx";--> statement-breakpoint
DROP INDEX "search_documents_text_recent_idx";--> statement-breakpoint
DROP INDEX "search_documents_meta_year_idx";--> statement-breakpoint
DROP INDEX "search_documents_meta_old_idx";--> statement-breakpoint
DROP INDEX "search_documents_text_old_idx";--> statement-breakpoint
DROP INDEX "search_documents_meta_urgent_recent_idx";--> statement-breakpoint
DROP INDEX "search_documents_meta_urgent_year_idx";--> statement-breakpoint
DROP INDEX "search_documents_meta_urgent_old_idx";--> statement-breakpoint
DROP INDEX "search_documents_text_urgent_recent_idx";--> statement-breakpoint
DROP INDEX "search_documents_text_urgent_old_idx";--> statement-breakpoint
DROP INDEX "search_documents_readers_idx";--> statement-breakpoint
UPDATE "search_documents" s SET "meta_tsv" = s."meta_tsv" || vn_pairs(vn_fold(d."subject"))
  || vn_pairs(coalesce(vn_fold(d."notation" || ' ' || regexp_replace(d."notation", '^0+([0-9])', '\1')), ''))
  FROM "documents" d WHERE d."id" = s."document_id";--> statement-breakpoint
CREATE INDEX "search_documents_meta_recent_idx" ON "search_documents" USING gin ("meta_tsv","readers") WITH (gin_pending_list_limit = 256) WHERE "search_documents"."age" = 0;--> statement-breakpoint
CREATE INDEX "search_documents_text_recent_idx" ON "search_documents" USING gin ("text_tsv","readers") WITH (gin_pending_list_limit = 256) WHERE "search_documents"."age" = 0;--> statement-breakpoint
CREATE INDEX "search_documents_meta_year_idx" ON "search_documents" USING gin ("meta_tsv","readers") WITH (gin_pending_list_limit = 256) WHERE "search_documents"."age" = 1;--> statement-breakpoint
CREATE INDEX "search_documents_meta_old_idx" ON "search_documents" USING gin ("meta_tsv","readers") WITH (gin_pending_list_limit = 256) WHERE "search_documents"."age" = 2;--> statement-breakpoint
CREATE INDEX "search_documents_text_old_idx" ON "search_documents" USING gin ("text_tsv","readers") WITH (gin_pending_list_limit = 256) WHERE "search_documents"."age" > 0;--> statement-breakpoint
CREATE INDEX "search_documents_meta_urgent_recent_idx" ON "search_documents" USING gin ("meta_tsv","readers","urgency") WITH (gin_pending_list_limit = 256) WHERE "search_documents"."urgency" <> 'normal' and "search_documents"."age" = 0;--> statement-breakpoint
CREATE INDEX "search_documents_meta_urgent_year_idx" ON "search_documents" USING gin ("meta_tsv","readers","urgency") WITH (gin_pending_list_limit = 256) WHERE "search_documents"."urgency" <> 'normal' and "search_documents"."age" = 1;--> statement-breakpoint
CREATE INDEX "search_documents_meta_urgent_old_idx" ON "search_documents" USING gin ("meta_tsv","readers","urgency") WITH (gin_pending_list_limit = 256) WHERE "search_documents"."urgency" <> 'normal' and "search_documents"."age" >= 2;--> statement-breakpoint
CREATE INDEX "search_documents_text_urgent_recent_idx" ON "search_documents" USING gin ("text_tsv","readers","urgency") WITH (gin_pending_list_limit = 256) WHERE "search_documents"."urgency" <> 'normal' and "search_documents"."age" = 0;--> statement-breakpoint
CREATE INDEX "search_documents_text_urgent_old_idx" ON "search_documents" USING gin ("text_tsv","readers","urgency") WITH (gin_pending_list_limit = 256) WHERE "search_documents"."urgency" <> 'normal' and "search_documents"."age" > 0;--> statement-breakpoint
CREATE INDEX "search_documents_readers_idx" ON "search_documents" USING gin ("readers") WITH (gin_pending_list_limit = 256);--> statement-breakpoint
ANALYZE "search_documents";
