-- The audit chain (issue 11, item 12): every event row carries the SHA-256 of its canonical text,
-- which includes the previous row's hash, so the rows form one chain in id (= commit) order. The
-- database sets both columns; `npm run cli -- audit verify` recomputes them in TypeScript
-- (src/modules/audit/chain.ts holds the same canonical text; change both together, with a v2 tag).
--
-- Canonical text: lines joined by LF, the first 'lienthong-event-v1', then each field as
-- '<UTF-8 byte length>:<value>', or '~' for NULL: id, at (exact epoch microseconds), type,
-- actor_user_id, actor_unit_id, document_id, delivery_id, unit_ids and user_ids (comma-joined),
-- data (jsonb's canonical text), prev_hash. The first row's prev_hash is 64 zeros.
CREATE FUNCTION audit_field(v text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN v IS NULL THEN '~' ELSE octet_length(convert_to(v, 'UTF8'))::text || ':' || v END
$$;
--> statement-breakpoint
CREATE FUNCTION audit_event_hash(e events) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws(E'\n',
    'lienthong-event-v1',
    audit_field(e.id::text),
    audit_field(((extract(epoch FROM e.at) * 1000000)::bigint)::text),
    audit_field(e.type),
    audit_field(e.actor_user_id::text),
    audit_field(e.actor_unit_id::text),
    audit_field(e.document_id::text),
    audit_field(e.delivery_id::text),
    audit_field(array_to_string(e.unit_ids, ',')),
    audit_field(array_to_string(e.user_ids, ',')),
    audit_field(e.data::text),
    audit_field(e.prev_hash)), 'UTF8')), 'hex')
$$;
--> statement-breakpoint
-- VOLATILE: each query sees rows inserted earlier by the same statement (a multi-row INSERT
-- chains its rows in id order). The advisory lock is the one recordEvents takes (reentrant), so
-- the row with the greatest id is the previous link even for an INSERT made elsewhere.
CREATE FUNCTION audit_events_chain() RETURNS trigger LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  last_hash text;
BEGIN
  PERFORM pg_advisory_xact_lock(7263110002);
  SELECT hash INTO last_hash FROM events ORDER BY id DESC LIMIT 1;
  NEW.prev_hash := coalesce(last_hash, repeat('0', 64));
  NEW.hash := audit_event_hash(NEW);
  RETURN NEW;
END
$$;
--> statement-breakpoint
-- Existing rows, chained in id order, with no insert running meanwhile.
LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE;
--> statement-breakpoint
DO $$
DECLARE
  r events;
  prev text := repeat('0', 64);
BEGIN
  PERFORM pg_advisory_xact_lock(7263110002);
  FOR r IN SELECT * FROM events ORDER BY id LOOP
    r.prev_hash := prev;
    prev := audit_event_hash(r);
    UPDATE events SET prev_hash = r.prev_hash, hash = prev WHERE id = r.id;
  END LOOP;
END
$$;
--> statement-breakpoint
CREATE TRIGGER events_audit_chain BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION audit_events_chain();
