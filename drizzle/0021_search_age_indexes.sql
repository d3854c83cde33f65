-- One GIN index per age instead of one over every row (src/modules/search/tables.ts): a search reads
-- the ages in turn, so the older branch no longer reads the newest rows' lists again; the hỏa tốc/khẩn
-- indexes by age as well. Every GIN index gets a 256 kB pending list (a search reads it whole).
DROP INDEX "search_documents_meta_idx";--> statement-breakpoint
DROP INDEX "search_documents_text_idx";--> statement-breakpoint
DROP INDEX "search_documents_meta_urgent_idx";--> statement-breakpoint
DROP INDEX "search_documents_text_urgent_idx";--> statement-breakpoint
CREATE INDEX "search_documents_meta_old_idx" ON "search_documents" USING gin ("meta_tsv","readers") WHERE "search_documents"."age" = 2;--> statement-breakpoint
CREATE INDEX "search_documents_text_old_idx" ON "search_documents" USING gin ("text_tsv","readers") WHERE "search_documents"."age" > 0;--> statement-breakpoint
CREATE INDEX "search_documents_meta_urgent_recent_idx" ON "search_documents" USING gin ("meta_tsv","readers","urgency") WHERE "search_documents"."urgency" <> 'normal' and "search_documents"."age" = 0;--> statement-breakpoint
CREATE INDEX "search_documents_meta_urgent_year_idx" ON "search_documents" USING gin ("meta_tsv","readers","urgency") WHERE "search_documents"."urgency" <> 'normal' and "search_documents"."age" = 1;--> statement-breakpoint
CREATE INDEX "search_documents_meta_urgent_old_idx" ON "search_documents" USING gin ("meta_tsv","readers","urgency") WHERE "search_documents"."urgency" <> 'normal' and "search_documents"."age" = 2;--> statement-breakpoint
CREATE INDEX "search_documents_text_urgent_recent_idx" ON "search_documents" USING gin ("text_tsv","readers","urgency") WHERE "search_documents"."urgency" <> 'normal' and "search_documents"."age" = 0;--> statement-breakpoint
CREATE INDEX "search_documents_text_urgent_old_idx" ON "search_documents" USING gin ("text_tsv","readers","urgency") WHERE "search_documents"."urgency" <> 'normal' and "search_documents"."age" > 0;--> statement-breakpoint
ALTER INDEX "search_documents_meta_old_idx" SET (gin_pending_list_limit = 256);--> statement-breakpoint
ALTER INDEX "search_documents_text_old_idx" SET (gin_pending_list_limit = 256);--> statement-breakpoint
ALTER INDEX "search_documents_meta_urgent_recent_idx" SET (gin_pending_list_limit = 256);--> statement-breakpoint
ALTER INDEX "search_documents_meta_urgent_year_idx" SET (gin_pending_list_limit = 256);--> statement-breakpoint
ALTER INDEX "search_documents_meta_urgent_old_idx" SET (gin_pending_list_limit = 256);--> statement-breakpoint
ALTER INDEX "search_documents_text_urgent_recent_idx" SET (gin_pending_list_limit = 256);--> statement-breakpoint
ALTER INDEX "search_documents_text_urgent_old_idx" SET (gin_pending_list_limit = 256);--> statement-breakpoint
ANALYZE "search_documents";
