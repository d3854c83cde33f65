ALTER TABLE "deliveries" ADD COLUMN "flash" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "deliveries_pending_idx" ON "deliveries" USING btree ("recipient_unit_id","delivered_at") WHERE "deliveries"."flash" and "deliveries"."acknowledged_at" is null;--> statement-breakpoint
-- Deliveries made before the column existed: flash when their document is hỏa tốc.
UPDATE "deliveries" d SET "flash" = true FROM "documents" doc WHERE doc."id" = d."document_id" AND doc."urgency" = 'flash';
