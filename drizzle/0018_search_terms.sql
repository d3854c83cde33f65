-- search_terms: every folded word of the search vectors, so the word being typed is searched as the
-- exact words it begins (see src/modules/search/tables.ts). "C" collation: a prefix is a key range.
CREATE TABLE "search_terms" (
	"term" text COLLATE "C" PRIMARY KEY NOT NULL
);--> statement-breakpoint
INSERT INTO "search_terms" ("term")
SELECT word FROM ts_stat('select meta_tsv from search_documents')
UNION
SELECT word FROM ts_stat('select text_tsv from search_documents where text_tsv <> ''''::tsvector')
ON CONFLICT DO NOTHING;
