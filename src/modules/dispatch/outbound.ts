import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import { exchangeOutbox, type TransportState } from './tables.js';

export type OutboundRow = typeof exchangeOutbox.$inferSelect;

/**
 * In the issuing (or recalling, replacing) transaction: one document package to the recipients
 * served by other systems. BussinessDocType 0 new, 1 revoke, 2 update, 3 replace. Written once:
 * the same document, type and recipients make the same row.
 */
export async function queueDocumentPackage(
  tx: Tx, p: { documentId: string; toOrganIds: string[]; businessDocType: 0 | 1 | 2 | 3; at: Date; data?: Record<string, unknown> },
): Promise<void> {
  if (p.toOrganIds.length === 0) return;
  const to = [...new Set(p.toOrganIds)].sort();
  await tx.insert(exchangeOutbox).values({
    kind: 'edoc', documentId: p.documentId, toOrganIds: to, businessDocType: p.businessDocType, data: p.data ?? {},
    dedupKey: `edoc|${p.documentId}|${p.businessDocType}|${to.join(',')}|${p.businessDocType === 0 ? '' : p.at.toISOString()}`,
    createdAt: p.at, nextAttemptAt: p.at,
  }).onConflictDoNothing();
}

/**
 * In the transaction of a status change of a delivery of a document that came from another system:
 * the status package (QCVN 102 code) that tells its sender. One per delivery, code and time.
 */
export async function queueStatusPackage(
  tx: Tx, p: { documentId: string; deliveryId: string; toOrganId: string; statusCode: string; at: Date; data?: Record<string, unknown> },
): Promise<void> {
  // A status package's identity is its code and its Timestamp, to the second (QCVN 102): two packages
  // of one delivery with the same code in the same second (01 arrived, then 01 "đã nhận" for a flash
  // document) would be taken for one. Each gets its own second, in order.
  const [last] = (await tx.execute(sql`
    select max(coalesce((data->>'timestamp')::timestamptz, created_at)) as at from exchange_outbox
    where delivery_id = ${p.deliveryId}::uuid and status_code = ${p.statusCode}`)) as unknown as Array<{ at: string | Date | null }>;
  const second = (d: Date) => Math.floor(d.getTime() / 1000);
  const prev = last?.at ? new Date(last.at) : null;
  const stamp = prev && second(p.at) <= second(prev) ? new Date((second(prev) + 1) * 1000) : p.at;
  await tx.insert(exchangeOutbox).values({
    kind: 'status', documentId: p.documentId, deliveryId: p.deliveryId, toOrganIds: [p.toOrganId], statusCode: p.statusCode,
    data: { ...p.data, timestamp: stamp.toISOString() },
    dedupKey: `status|${p.deliveryId}|${p.statusCode}|${stamp.toISOString()}`, createdAt: p.at, nextAttemptAt: p.at,
  }).onConflictDoNothing();
}

/** The axis accepted it (its doc id), or a send failed and is retried with backoff (at most every 15 s). */
export async function recordSendResult(
  db: DbOrTx, id: string,
  r: { ok: true; axisDocId: string; at: Date } | { ok: false; error: string; at: Date; attempts: number; permanent?: boolean },
): Promise<void> {
  if (r.ok) {
    await db.update(exchangeOutbox).set({ transport: 'sent', axisDocId: r.axisDocId, sentAt: r.at, lastError: null }).where(eq(exchangeOutbox.id, id));
    return;
  }
  if (r.permanent) {
    // The axis refused the package itself (not a passing failure): retrying the same bytes will not help.
    await db.update(exchangeOutbox).set({ transport: 'failed', transportReason: r.error.slice(0, 500), lastError: r.error.slice(0, 500), attempts: r.attempts }).where(eq(exchangeOutbox.id, id));
    return;
  }
  // 2, 4, 8 s … at most 15 s: an axis back after an outage gets what waited within 15 s.
  const backoff = Math.min(15_000, 1000 * 2 ** Math.min(r.attempts, 9));
  await db.update(exchangeOutbox)
    .set({ attempts: r.attempts, lastError: r.error.slice(0, 500), nextAttemptAt: new Date(r.at.getTime() + backoff) })
    .where(eq(exchangeOutbox.id, id));
}

/** What the axis says of a package we sent, per destination: the row's transport status follows the worst. */
export async function recordTransport(db: DbOrTx, axisDocId: string, transport: TransportState, reason: string | null): Promise<void> {
  await db.update(exchangeOutbox).set({ transport, transportReason: reason }).where(eq(exchangeOutbox.axisDocId, axisDocId));
}

/** Transport status of the packages that carried a document to each remote recipient (for tracking). */
export async function transportByOrganId(db: DbOrTx, documentId: string): Promise<Map<string, { transport: TransportState; reason: string | null }>> {
  const rows = await db
    .select({ to: exchangeOutbox.toOrganIds, transport: exchangeOutbox.transport, reason: exchangeOutbox.transportReason, at: exchangeOutbox.createdAt })
    .from(exchangeOutbox)
    .where(and(eq(exchangeOutbox.documentId, documentId), eq(exchangeOutbox.kind, 'edoc')))
    .orderBy(asc(exchangeOutbox.createdAt));
  const out = new Map<string, { transport: TransportState; reason: string | null }>();
  for (const r of rows) for (const o of r.to) out.set(o, { transport: r.transport, reason: r.reason });
  return out;
}

export async function outboundByIds(db: DbOrTx, ids: string[]): Promise<OutboundRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(exchangeOutbox).where(inArray(exchangeOutbox.id, ids));
}

export const countQueued = async (db: DbOrTx) =>
  Number((await db.select({ n: sql<number>`count(*)::int` }).from(exchangeOutbox).where(eq(exchangeOutbox.transport, 'queued')))[0]?.n ?? 0);

/**
 * Packages due to be sent, leased for `leaseMs` to the caller (several replicas share the work; a
 * crash mid-send only delays the package until the lease runs out). Sending happens outside any
 * transaction; `recordSendResult` closes the lease.
 */
export async function leaseDueOutbound(db: DbOrTx, now: Date, limit: number, leaseMs: number): Promise<OutboundRow[]> {
  const rows = (await db.execute(sql`
    update exchange_outbox set next_attempt_at = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz
    where id in (select id from exchange_outbox where transport = 'queued' and next_attempt_at <= ${now.toISOString()}::timestamptz
                 order by created_at limit ${limit} for update skip locked)
    returning id`)) as unknown as Array<{ id: string }>;
  if (rows.length === 0) return [];
  return db.select().from(exchangeOutbox).where(inArray(exchangeOutbox.id, rows.map((r) => r.id))).orderBy(asc(exchangeOutbox.createdAt));
}
