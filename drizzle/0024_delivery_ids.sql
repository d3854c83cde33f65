ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_incoming_uq";--> statement-breakpoint
DROP INDEX "deliveries_inbox_idx";--> statement-breakpoint
ALTER TABLE "deliveries" ALTER COLUMN "id" SET DEFAULT uuidv7();--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_incoming_uq" ON "deliveries" USING btree ("recipient_unit_id","incoming_series","incoming_number") WHERE "deliveries"."incoming_number" is not null;