CREATE TABLE "unit_changes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"plan_id" uuid NOT NULL,
	"effective_on" date NOT NULL,
	"kind" text NOT NULL,
	"unit_ids" uuid[] NOT NULL,
	"successor_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"actor_user_id" uuid,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "unit_names" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"unit_id" uuid NOT NULL,
	"name" text NOT NULL,
	"short_name" text NOT NULL,
	"code" text NOT NULL,
	"valid_from" date,
	"valid_to" date
);
--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "redirected_from_unit_id" uuid;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "valid_from" date;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "valid_to" date;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "successor_id" uuid;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "address" text;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "phone" text;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "email" text;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "website" text;--> statement-breakpoint
ALTER TABLE "unit_names" ADD CONSTRAINT "unit_names_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "unit_changes_plan_idx" ON "unit_changes" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "unit_changes_units_idx" ON "unit_changes" USING gin ("unit_ids");--> statement-breakpoint
CREATE INDEX "unit_names_unit_idx" ON "unit_names" USING btree ("unit_id","valid_from");--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_redirected_from_unit_id_units_id_fk" FOREIGN KEY ("redirected_from_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "units" ADD CONSTRAINT "units_successor_id_units_id_fk" FOREIGN KEY ("successor_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Hand-written backfill: each unit's current name and code as its only name so far (since always, still current).
INSERT INTO "unit_names" ("unit_id", "name", "short_name", "code", "valid_from", "valid_to")
  SELECT "id", "name", "short_name", "code", NULL, NULL FROM "units";
--> statement-breakpoint
-- Hand-written: the name a unit bore on a day (unit_names, else its current name) and, for a unit
-- merged or dissolved into another, "(nay là <short name of the unit that carries on today>)" —
-- what registers, timelines and search show ("UBND xã A (nay là xã C)"). src/modules/orgs/history.ts
-- documents it; the chain of successors is followed to the end (at most 20 steps).
CREATE OR REPLACE FUNCTION unit_name_on(p_unit uuid, p_day date) RETURNS text LANGUAGE sql STABLE AS $$
  WITH RECURSIVE chain(id, successor_id, short_name, depth) AS (
    SELECT u.id, u.successor_id, u.short_name, 0 FROM units u WHERE u.id = p_unit
    UNION ALL
    SELECT s.id, s.successor_id, s.short_name, c.depth + 1 FROM chain c JOIN units s ON s.id = c.successor_id WHERE c.depth < 20
  )
  SELECT coalesce(
      (SELECT n.name FROM unit_names n
        WHERE n.unit_id = p_unit AND (n.valid_from IS NULL OR n.valid_from <= p_day) AND (n.valid_to IS NULL OR n.valid_to >= p_day)
        ORDER BY n.valid_from DESC NULLS LAST LIMIT 1),
      (SELECT u.name FROM units u WHERE u.id = p_unit))
    || coalesce((SELECT ' (nay là ' || c.short_name || ')' FROM chain c WHERE c.depth > 0 ORDER BY c.depth DESC LIMIT 1), '')
$$;
