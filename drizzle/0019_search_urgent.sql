-- btree_gin: the urgency column inside the GIN indexes (a contrib extension shipped with PostgreSQL).
CREATE EXTENSION IF NOT EXISTS btree_gin;--> statement-breakpoint
CREATE INDEX "search_documents_meta_urgent_idx" ON "search_documents" USING gin ("meta_tsv","readers","urgency") WHERE "search_documents"."urgency" <> 'normal';--> statement-breakpoint
CREATE INDEX "search_documents_text_urgent_idx" ON "search_documents" USING gin ("text_tsv","readers","urgency") WHERE "search_documents"."urgency" <> 'normal';