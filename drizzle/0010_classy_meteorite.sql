CREATE TABLE "document_file_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"file_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"name" text NOT NULL,
	"size" bigint NOT NULL,
	"sha256" text NOT NULL,
	"uploaded_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "document_file_versions_uq" UNIQUE("file_id","version")
);
--> statement-breakpoint
CREATE TABLE "secret_register_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"unit_id" uuid NOT NULL,
	"direction" text NOT NULL,
	"series" text NOT NULL,
	"number" integer NOT NULL,
	"notation" text,
	"type" text NOT NULL,
	"subject" text NOT NULL,
	"counterpart" text NOT NULL,
	"secrecy" text NOT NULL,
	"urgency" text DEFAULT 'normal' NOT NULL,
	"signed_on" date,
	"signer_name" text,
	"copies" integer,
	"holder" text,
	"note" text,
	"registered_by" uuid NOT NULL,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "secret_register_number_uq" UNIQUE("unit_id","series","number"),
	CONSTRAINT "secret_register_subject_len" CHECK (char_length("secret_register_entries"."subject") between 1 and 500)
);
--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "flow_state" text DEFAULT 'drafting' NOT NULL;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "awaiting_user_id" uuid;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "paper_recipients" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "signed_by" uuid;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "signed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "signer_competence" text;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "sender_name" text;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "signed_on" date;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "party_term_starts_on" date;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "place_name" text;--> statement-breakpoint
ALTER TABLE "document_file_versions" ADD CONSTRAINT "document_file_versions_file_id_document_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."document_files"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_file_versions" ADD CONSTRAINT "document_file_versions_sha256_blobs_sha256_fk" FOREIGN KEY ("sha256") REFERENCES "public"."blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_file_versions" ADD CONSTRAINT "document_file_versions_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "secret_register_entries" ADD CONSTRAINT "secret_register_entries_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "secret_register_entries" ADD CONSTRAINT "secret_register_entries_registered_by_users_id_fk" FOREIGN KEY ("registered_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "document_file_versions_sha_idx" ON "document_file_versions" USING btree ("sha256");--> statement-breakpoint
CREATE INDEX "secret_register_unit_idx" ON "secret_register_entries" USING btree ("unit_id","registered_at");--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_awaiting_user_id_users_id_fk" FOREIGN KEY ("awaiting_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_signed_by_users_id_fk" FOREIGN KEY ("signed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "documents_awaiting_idx" ON "documents" USING btree ("awaiting_user_id");--> statement-breakpoint
CREATE INDEX "documents_drafting_idx" ON "documents" USING btree ("drafting_unit_id");--> statement-breakpoint
-- The signer of record of documents signed before this migration: the leader of the last `document.signed` event.
UPDATE "documents" d SET "signed_by" = e."actor_user_id", "signed_at" = e."at"
FROM (SELECT DISTINCT ON ("document_id") "document_id", "actor_user_id", "at" FROM "events" WHERE "type" = 'document.signed' ORDER BY "document_id", "id" DESC) e
WHERE e."document_id" = d."id" AND d."signed_by" IS NULL;--> statement-breakpoint
UPDATE "documents" SET "flow_state" = 'signed' WHERE "status" = 'draft' AND "signed_by" IS NOT NULL;--> statement-breakpoint
-- Every main file uploaded before versions existed is its own v1 (the unsigned bytes are not known apart from the signed ones: v1 is the current file).
INSERT INTO "document_file_versions" ("file_id", "version", "name", "size", "sha256", "uploaded_by", "created_at")
SELECT "id", 1, "name", "size", "sha256", "uploaded_by", "created_at" FROM "document_files" WHERE "role" = 'main';
