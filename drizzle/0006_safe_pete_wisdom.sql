CREATE TABLE "exchange_inbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dedup_key" text NOT NULL,
	"axis_doc_id" text,
	"kind" text NOT NULL,
	"from_organ_id" text NOT NULL,
	"document_id" uuid,
	"result" text NOT NULL,
	"reason" text,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "exchange_inbox_dedup_uq" UNIQUE("dedup_key"),
	CONSTRAINT "exchange_inbox_axis_uq" UNIQUE("axis_doc_id")
);
--> statement-breakpoint
CREATE TABLE "exchange_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"document_id" uuid NOT NULL,
	"delivery_id" uuid,
	"to_organ_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"status_code" text,
	"business_doc_type" integer DEFAULT 0 NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"dedup_key" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"axis_doc_id" text,
	"transport" text DEFAULT 'queued' NOT NULL,
	"transport_reason" text,
	"sent_at" timestamp with time zone,
	CONSTRAINT "exchange_outbox_dedup_uq" UNIQUE("dedup_key")
);
--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "external_id" text;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "system_id" text;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "system_name" text;--> statement-breakpoint
ALTER TABLE "exchange_inbox" ADD CONSTRAINT "exchange_inbox_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exchange_outbox" ADD CONSTRAINT "exchange_outbox_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exchange_outbox" ADD CONSTRAINT "exchange_outbox_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "exchange_outbox_due_idx" ON "exchange_outbox" USING btree ("transport","next_attempt_at");--> statement-breakpoint
CREATE INDEX "exchange_outbox_doc_idx" ON "exchange_outbox" USING btree ("document_id");--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_external_uq" UNIQUE("issuer_unit_id","external_id");