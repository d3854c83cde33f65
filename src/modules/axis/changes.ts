import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { axisDestinations, axisTransportChanges, type AxisTransport } from './tables.js';

/** NOTIFY channel of the axis: payload `inbox:<system uuid>` or `sent:<system uuid>`. */
export const AXIS_CHANNEL = 'lienthong_axis';

export interface Wake {
  kind: 'inbox' | 'sent';
  /** axis_systems.id */
  systemId: string;
}

/** Wakes the long-polls of these systems on every replica, when (and only if) the transaction commits. */
export async function notifyAxis(tx: Tx, wakes: Wake[]): Promise<void> {
  for (const p of new Set(wakes.map((w) => `${w.kind}:${w.systemId}`))) {
    await tx.execute(sql`select pg_notify(${AXIS_CHANNEL}, ${p})`);
  }
}

/**
 * Takes the transaction lock of each sender whose destinations this transaction changes, in a
 * fixed order. Held until commit, it makes a sender's change numbers follow commit order, which
 * is what lets `/sent` use them as a cursor.
 */
export async function lockSenders(tx: Tx, senderSystemIds: string[]): Promise<void> {
  for (const id of [...new Set(senderSystemIds)].sort()) {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`axis-sent:${id}`}, 0))`);
  }
}

export interface Change {
  docId: string;
  toOrganId: string;
  senderSystemId: string;
  transport: AxisTransport;
  reason?: string | null;
}

/** Appends the changes (after `lockSenders`) and returns their numbers, in the order given. */
async function appendChanges(tx: Tx, changes: Change[], at: Date): Promise<number[]> {
  if (!changes.length) return [];
  const rows = await tx
    .insert(axisTransportChanges)
    .values(changes.map((c) => ({ senderSystemId: c.senderSystemId, docId: c.docId, toOrganId: c.toOrganId, transport: c.transport, reason: c.reason ?? null, at })))
    .returning({ seq: axisTransportChanges.seq });
  return rows.map((r) => r.seq);
}

/** New destinations of a package, with their first change. */
export async function insertDestinations(
  tx: Tx,
  rows: Array<Change & { toSystemId: string | null; deliverTo?: string | null }>,
  at: Date,
): Promise<void> {
  const seqs = await appendChanges(tx, rows, at);
  if (!rows.length) return;
  await tx.insert(axisDestinations).values(rows.map((r, i) => ({
    docId: r.docId, toOrganId: r.toOrganId, toSystemId: r.toSystemId, deliverTo: r.deliverTo ?? null, transport: r.transport, reason: r.reason ?? null, updatedAt: at, seq: seqs[i]!,
  })));
}

/** Moves existing destinations to a new transport status, with a change row each. */
export async function writeChanges(tx: Tx, changes: Change[], at: Date): Promise<void> {
  const seqs = await appendChanges(tx, changes, at);
  for (const [i, c] of changes.entries()) {
    await tx
      .update(axisDestinations)
      .set({ transport: c.transport, reason: c.reason ?? null, updatedAt: at, seq: seqs[i]! })
      .where(and(eq(axisDestinations.docId, c.docId), eq(axisDestinations.toOrganId, c.toOrganId)));
  }
}
