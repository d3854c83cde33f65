CREATE TABLE "recipient_groups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"unit_id" uuid NOT NULL,
	"name" text NOT NULL,
	"unit_ids" uuid[] NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "level" text DEFAULT 'district' NOT NULL;--> statement-breakpoint
ALTER TABLE "recipient_groups" ADD CONSTRAINT "recipient_groups_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recipient_groups" ADD CONSTRAINT "recipient_groups_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "recipient_groups_unit_idx" ON "recipient_groups" USING btree ("unit_id");--> statement-breakpoint
-- Hand-written backfill of units.level (the rules of src/modules/orgs/levels.ts): a root whose name names a province (tỉnh) → province;
UPDATE "units" SET "level" = 'province' WHERE "parent_id" IS NULL AND lower("name") ~ '(^|\s)tỉnh(\s|$)';--> statement-breakpoint
-- a name naming a commune (xã / phường / thị trấn; not "thị xã", not "xã hội") → commune;
UPDATE "units" SET "level" = 'commune' WHERE lower("name") ~ '(^|[^ị]\s)(xã|phường|thị trấn)(\s|$)(?!hội)';--> statement-breakpoint
-- everything below a commune → commune;
WITH RECURSIVE "below" AS (
  SELECT "id" FROM "units" WHERE "level" = 'commune'
  UNION SELECT "u"."id" FROM "units" "u" JOIN "below" "b" ON "u"."parent_id" = "b"."id"
) UPDATE "units" SET "level" = 'commune' WHERE "id" IN (SELECT "id" FROM "below") AND "level" <> 'commune';--> statement-breakpoint
-- a child of a province unit that does not name a district (huyện, quận, thị xã, thành phố) → province; the rest stay district.
UPDATE "units" "c" SET "level" = 'province' FROM "units" "p"
  WHERE "c"."parent_id" = "p"."id" AND "p"."level" = 'province' AND "c"."level" = 'district'
    AND lower("c"."name") !~ '(^|\s)(huyện|quận|thị xã|thành phố)(\s|$)';
