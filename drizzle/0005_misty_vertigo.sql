CREATE TABLE "revocation_cache" (
	"key" text PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"source" text NOT NULL,
	"revoked_at" timestamp with time zone,
	"detail" text,
	"checked_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "file_verdicts" ADD COLUMN "recheck_at" timestamp with time zone;