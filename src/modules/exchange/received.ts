import { eq } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import type { PackageKind } from '../dispatch/tables.js';
import { exchangeInbox } from './tables.js';

export type ReceivedRow = typeof exchangeInbox.$inferSelect;

/**
 * A package's identity, whoever brings it (the axis, or a clerk by hand): the same DocumentId, From
 * and business type (and for a status package its code and time) is the same package.
 */
export function packageKey(p: { kind: PackageKind; documentId: string; from: string; businessDocType?: number; statusCode?: string; timestamp?: string }): string {
  return p.kind === 'edoc'
    ? `edoc|${p.documentId}|${p.from}|${p.businessDocType ?? 0}`
    : `status|${p.documentId}|${p.from}|${p.statusCode ?? ''}|${p.timestamp ?? ''}`;
}

export async function findReceived(db: DbOrTx, key: string): Promise<ReceivedRow | undefined> {
  const [row] = await db.select().from(exchangeInbox).where(eq(exchangeInbox.dedupKey, key));
  return row;
}

/** In the importing transaction: the package was taken (or refused, or ignored) — once. */
export async function recordReceived(
  tx: Tx, p: { key: string; kind: PackageKind; fromOrganId: string; axisDocId?: string | null; documentId?: string | null; result: 'imported' | 'ignored' | 'refused'; reason?: string | null; at: Date },
): Promise<void> {
  await tx.insert(exchangeInbox).values({
    dedupKey: p.key, kind: p.kind, fromOrganId: p.fromOrganId, axisDocId: p.axisDocId ?? null, documentId: p.documentId ?? null,
    result: p.result, reason: p.reason ?? null, receivedAt: p.at,
  }).onConflictDoNothing();
}
