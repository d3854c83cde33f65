import { and, asc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { events } from './tables.js';

export interface NewEvent {
  type: string;
  at: Date;
  actor?: Actor | null;
  documentId?: string | null;
  deliveryId?: string | null;
  /** Units allowed to see this event. */
  unitIds: string[];
  /** Persons addressed personally. */
  userIds?: string[];
  data?: Record<string, unknown>;
}

export type EventRow = typeof events.$inferSelect;

/** Arbitrary constant; the lock that makes event ids follow commit order. */
const EVENT_ORDER_LOCK = 7_263_110_002;
export const EVENTS_CHANNEL = 'lienthong_events';

export interface RecordOptions {
  /**
   * Hand the ids out when the transaction commits (the event queue, migration 0012) instead of now:
   * the event-order lock is then held only from the move to the end of the commit, so concurrent
   * writers do not queue behind each other's whole transactions. The rows cannot be read back in
   * the same transaction (they are not in `events` until it commits). Without it the lock is taken
   * now and held until commit, as before; either way a transaction's events keep the order they
   * were recorded in (an immediate write first moves what the transaction queued before it).
   */
  atCommit?: boolean;
}

const COLUMNS = sql.raw('at, type, actor_user_id, actor_unit_id, document_id, delivery_id, unit_ids, user_ids, data');

/**
 * Writes event rows; call it inside the transaction of the change it records. Ids are handed out
 * under a transaction-scoped lock held until commit, so they follow commit order: a reader that
 * has seen id N will never later find an id below N appear. With `atCommit` the rows wait in the
 * event queue and get their ids at commit (see RecordOptions). The NOTIFY is delivered only if and
 * when the transaction commits. All rows go in one statement whose text does not grow with the
 * row count (a JSON recordset), because an issue to hundreds of units writes hundreds of events
 * and building a VALUES list that size costs more CPU than the database spends storing it.
 */
export async function recordEvents(tx: DbOrTx, rows: NewEvent[], opts: RecordOptions = {}): Promise<void> {
  if (rows.length === 0) return;
  const json = JSON.stringify(
    rows.map((e) => ({
      at: e.at.toISOString(),
      type: e.type,
      actor_user_id: e.actor?.userId ?? null,
      actor_unit_id: e.actor?.unitId ?? null,
      document_id: e.documentId ?? null,
      delivery_id: e.deliveryId ?? null,
      unit_ids: [...new Set(e.unitIds)],
      user_ids: [...new Set(e.userIds ?? [])],
      data: e.data ?? {},
    })),
  );
  // ::text first, so the driver sends the JSON as it is instead of encoding it again.
  const recordset = sql`rows from (jsonb_to_recordset(${json}::text::jsonb) as (
      at timestamptz, type text, actor_user_id uuid, actor_unit_id uuid, document_id uuid, delivery_id uuid,
      unit_ids uuid[], user_ids uuid[], data jsonb)) with ordinality as r(at, type, actor_user_id, actor_unit_id, document_id, delivery_id, unit_ids, user_ids, data, n)`;
  if (opts.atCommit) {
    // The first row fires the move at commit (flush_event_queue); the others ride along.
    // The NOTIFY rides in the same statement (one round trip); it is delivered only on commit.
    await tx.execute(sql`
      with queued as (
        insert into event_queue (${COLUMNS}, flush)
        select ${COLUMNS}, r.n = 1 from ${recordset} order by r.n
        returning 1)
      select pg_notify(${EVENTS_CHANNEL}, '') from (select 1 from queued limit 1) q`);
    return;
  }
  await tx.execute(sql`select pg_advisory_xact_lock(${EVENT_ORDER_LOCK})`);
  // Whatever this transaction queued before goes first, so its events keep their recorded order.
  await tx.execute(sql`
    with moved as (delete from event_queue returning *),
    inserted as (
      insert into events (${COLUMNS})
      select ${COLUMNS} from (
        select ${COLUMNS}, 0 as part, seq as k from moved
        union all
        select ${COLUMNS}, 1, r.n from ${recordset}) e
      order by e.part, e.k
      returning 1)
    select pg_notify(${EVENTS_CHANNEL}, '') from (select 1 from inserted limit 1) q`);
}

/**
 * What of a delivery event only its recipient unit sees: its leader's direction (bút phê) and for
 * whom a deputy acted. Events written since issue 11 no longer carry them (the direction lives in
 * the assignment and its own events); rows written before still do, and the audit chain forbids
 * rewriting them, so they are left out when the event is shown to another unit.
 */
const RECIPIENT_ONLY_KEYS = ['direction', 'onBehalfOf'];

/**
 * A document's timeline as `unitId` may see it: document-wide events, and those naming the unit —
 * for the issuer every delivery's status, for a recipient its own delivery and its internal
 * handling (directions to its departments, progress notes), which the issuer does not see.
 */
export async function listDocumentEvents(db: DbOrTx, params: { documentId: string; unitId: string }): Promise<EventRow[]> {
  const rows = await db
    .select()
    .from(events)
    .where(and(
      eq(events.documentId, params.documentId),
      or(isNull(events.deliveryId), sql`${params.unitId}::uuid = any(${events.unitIds})`),
    ))
    .orderBy(asc(events.id));
  return rows.map((e) => {
    const data = e.data as Record<string, unknown> | null;
    if (!data || !e.type.startsWith('delivery.') || data.unitId === params.unitId) return e;
    if (!RECIPIENT_ONLY_KEYS.some((k) => k in data)) return e;
    return { ...e, data: Object.fromEntries(Object.entries(data).filter(([k]) => !RECIPIENT_ONLY_KEYS.includes(k))) };
  });
}

/** Events a person may see after `sinceId` — their unit's and their own — oldest first (catch-up after a reconnect). */
export async function listEventsSince(
  db: DbOrTx,
  params: { unitId: string; userId: string; sinceId: number; limit: number },
): Promise<EventRow[]> {
  return db
    .select()
    .from(events)
    .where(and(
      gt(events.id, params.sinceId),
      or(sql`${params.unitId}::uuid = any(${events.unitIds})`, sql`${params.userId}::uuid = any(${events.userIds})`),
    ))
    .orderBy(asc(events.id))
    .limit(params.limit);
}

/** Every event after `sinceId`, oldest first: the feed each replica pushes from. */
export async function listAllEventsSince(db: DbOrTx, sinceId: number, limit: number): Promise<EventRow[]> {
  return db.select().from(events).where(gt(events.id, sinceId)).orderBy(asc(events.id)).limit(limit);
}

export async function lastEventId(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ id: sql<number>`coalesce(max(${events.id}), 0)::bigint` }).from(events);
  return Number(row?.id ?? 0);
}

export function presentEvent(e: EventRow) {
  return {
    id: e.id,
    type: e.type,
    at: e.at.toISOString(),
    actorUserId: e.actorUserId,
    actorUnitId: e.actorUnitId,
    documentId: e.documentId,
    deliveryId: e.deliveryId,
    data: e.data,
  };
}
