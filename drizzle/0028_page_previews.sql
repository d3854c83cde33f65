CREATE TABLE "page_previews" (
	"file_sha256" text NOT NULL,
	"page" integer NOT NULL,
	"width" integer NOT NULL,
	"format" text NOT NULL,
	"sha256" text NOT NULL,
	"size" integer NOT NULL,
	"height" integer NOT NULL,
	"pages" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "page_previews_file_sha256_page_width_format_pk" PRIMARY KEY("file_sha256","page","width","format")
);
--> statement-breakpoint
ALTER TABLE "page_previews" ADD CONSTRAINT "page_previews_file_sha256_blobs_sha256_fk" FOREIGN KEY ("file_sha256") REFERENCES "public"."blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "page_previews" ADD CONSTRAINT "page_previews_sha256_blobs_sha256_fk" FOREIGN KEY ("sha256") REFERENCES "public"."blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "page_previews_sha_idx" ON "page_previews" USING btree ("sha256");