CREATE TABLE "axis_destinations" (
	"doc_id" uuid NOT NULL,
	"to_organ_id" text NOT NULL,
	"to_system_id" uuid,
	"transport" text NOT NULL,
	"reason" text,
	"updated_at" timestamp with time zone NOT NULL,
	"seq" bigint NOT NULL,
	CONSTRAINT "axis_destinations_doc_id_to_organ_id_pk" PRIMARY KEY("doc_id","to_organ_id")
);
--> statement-breakpoint
CREATE TABLE "axis_directory" (
	"organ_id" text PRIMARY KEY NOT NULL,
	"system_id" uuid NOT NULL,
	"name" text NOT NULL,
	"parent_organ_id" text,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "axis_packages" (
	"doc_id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dedup_key" text NOT NULL,
	"kind" text NOT NULL,
	"from_organ_id" text NOT NULL,
	"sender_system_id" uuid NOT NULL,
	"document_id" text NOT NULL,
	"status_code" text,
	"edxml_timestamp" text,
	"sha256" text NOT NULL,
	"size" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "axis_packages_dedup_uq" UNIQUE("dedup_key")
);
--> statement-breakpoint
CREATE TABLE "axis_systems" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"system_id" text NOT NULL,
	"name" text NOT NULL,
	"secret_hash" text NOT NULL,
	"organ_id_prefixes" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "axis_transport_changes" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"sender_system_id" uuid NOT NULL,
	"doc_id" uuid NOT NULL,
	"to_organ_id" text NOT NULL,
	"transport" text NOT NULL,
	"reason" text,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "axis_destinations" ADD CONSTRAINT "axis_destinations_doc_id_axis_packages_doc_id_fk" FOREIGN KEY ("doc_id") REFERENCES "public"."axis_packages"("doc_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "axis_destinations" ADD CONSTRAINT "axis_destinations_to_system_id_axis_systems_id_fk" FOREIGN KEY ("to_system_id") REFERENCES "public"."axis_systems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "axis_directory" ADD CONSTRAINT "axis_directory_system_id_axis_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."axis_systems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "axis_packages" ADD CONSTRAINT "axis_packages_sender_system_id_axis_systems_id_fk" FOREIGN KEY ("sender_system_id") REFERENCES "public"."axis_systems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "axis_transport_changes" ADD CONSTRAINT "axis_transport_changes_sender_system_id_axis_systems_id_fk" FOREIGN KEY ("sender_system_id") REFERENCES "public"."axis_systems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "axis_transport_changes" ADD CONSTRAINT "axis_transport_changes_doc_id_axis_packages_doc_id_fk" FOREIGN KEY ("doc_id") REFERENCES "public"."axis_packages"("doc_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "axis_destinations_queue_idx" ON "axis_destinations" USING btree ("to_organ_id","transport");--> statement-breakpoint
CREATE INDEX "axis_directory_system_idx" ON "axis_directory" USING btree ("system_id");--> statement-breakpoint
CREATE INDEX "axis_packages_sender_idx" ON "axis_packages" USING btree ("sender_system_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "axis_systems_active_uq" ON "axis_systems" USING btree ("system_id") WHERE "axis_systems"."removed_at" is null;--> statement-breakpoint
CREATE INDEX "axis_transport_changes_sender_idx" ON "axis_transport_changes" USING btree ("sender_system_id","seq");