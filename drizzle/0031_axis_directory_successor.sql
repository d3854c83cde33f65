DROP INDEX "axis_destinations_queue_idx";--> statement-breakpoint
ALTER TABLE "axis_destinations" ADD COLUMN "deliver_to" text;--> statement-breakpoint
ALTER TABLE "axis_directory" ADD COLUMN "valid_to" date;--> statement-breakpoint
ALTER TABLE "axis_directory" ADD COLUMN "successor_organ_id" text;--> statement-breakpoint
CREATE INDEX "axis_destinations_queue_idx" ON "axis_destinations" USING btree (coalesce("deliver_to", "to_organ_id"),"transport");