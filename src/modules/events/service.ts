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

/** Writes event rows; call it inside the transaction of the change it records. */
export async function recordEvents(tx: DbOrTx, rows: NewEvent[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.insert(events).values(
    rows.map((e) => ({
      type: e.type,
      at: e.at,
      actorUserId: e.actor?.userId ?? null,
      actorUnitId: e.actor?.unitId ?? null,
      documentId: e.documentId ?? null,
      deliveryId: e.deliveryId ?? null,
      unitIds: [...new Set(e.unitIds)],
      data: e.data ?? {},
    })),
  );
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
