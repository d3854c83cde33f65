CREATE TABLE "event_queue" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"type" text NOT NULL,
	"actor_user_id" uuid,
	"actor_unit_id" uuid,
	"document_id" uuid,
	"delivery_id" uuid,
	"unit_ids" uuid[] NOT NULL,
	"user_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"flush" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
-- The event queue (issue 13): a transaction's events wait in event_queue and are moved into events
-- when it commits, by this deferred constraint trigger. The event-order lock (the one the audit
-- chain trigger and recordEvents take) is taken only here, so it is held from the move to the end
-- of the commit — ids are still handed out in commit order, the chain still links rows in id order.
ALTER TABLE "event_queue" SET UNLOGGED;
--> statement-breakpoint
CREATE FUNCTION flush_event_queue() RETURNS trigger LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7263110002);
  WITH moved AS (DELETE FROM event_queue RETURNING *)
  INSERT INTO events (at, type, actor_user_id, actor_unit_id, document_id, delivery_id, unit_ids, user_ids, data)
  SELECT at, type, actor_user_id, actor_unit_id, document_id, delivery_id, unit_ids, user_ids, data FROM moved ORDER BY seq;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER event_queue_flush AFTER INSERT ON event_queue DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (NEW.flush) EXECUTE FUNCTION flush_event_queue();
