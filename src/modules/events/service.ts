import { and, asc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Actor } from '../auth/actor.js';
import { events } from './tables.js';

export interface NewEvent {
  type: string;
  at: Date;
  actor?: Actor | null;
  documentId?: string | null;
  deliveryId?: string | null;
  /** Units allowed to see this event. */
  unitIds: string[];
  data?: Record<string, unknown>;
}

export type EventRow = typeof events.$inferSelect;

/**
 * Writes event rows; call it inside the transaction of the change it records. All rows go in
 * one statement whose text does not grow with the row count (a JSON recordset), because an
 * issue to hundreds of units writes hundreds of events and building a VALUES list that size
 * costs more CPU than the database spends storing it.
 */
export async function recordEvents(tx: DbOrTx, rows: NewEvent[]): Promise<void> {
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
      data: e.data ?? {},
    })),
  );
  // ::text first, so the driver sends the JSON as it is instead of encoding it again.
  await tx.execute(sql`
    insert into events (at, type, actor_user_id, actor_unit_id, document_id, delivery_id, unit_ids, data)
    select r.at, r.type, r.actor_user_id, r.actor_unit_id, r.document_id, r.delivery_id, r.unit_ids, r.data
    from rows from (jsonb_to_recordset(${json}::text::jsonb) as (
      at timestamptz, type text, actor_user_id uuid, actor_unit_id uuid, document_id uuid, delivery_id uuid,
      unit_ids uuid[], data jsonb)) with ordinality as r(at, type, actor_user_id, actor_unit_id, document_id, delivery_id, unit_ids, data, n)
    order by r.n`);
}

/**
 * A document's timeline as `unitId` may see it: the issuer sees everything, a recipient sees
 * document-wide events and those of its own delivery.
 */
export async function listDocumentEvents(
  db: DbOrTx,
  params: { documentId: string; unitId: string; all: boolean },
): Promise<EventRow[]> {
  const visible = params.all
    ? undefined
    : or(isNull(events.deliveryId), sql`${params.unitId}::uuid = any(${events.unitIds})`);
  return db
    .select()
    .from(events)
    .where(and(eq(events.documentId, params.documentId), visible))
    .orderBy(asc(events.id));
}

/** Events a unit may see after `sinceId`, oldest first (for catch-up after a reconnect). */
export async function listUnitEventsSince(
  db: DbOrTx,
  params: { unitId: string; sinceId: number; limit: number },
): Promise<EventRow[]> {
  return db
    .select()
    .from(events)
    .where(and(gt(events.id, params.sinceId), sql`${params.unitId}::uuid = any(${events.unitIds})`))
    .orderBy(asc(events.id))
    .limit(params.limit);
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
