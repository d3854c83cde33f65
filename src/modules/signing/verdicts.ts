import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import { documentFiles } from '../documents/tables.js';
import type { RevocationAnswer, RevocationStore } from './crypto/revocation.js';
import { type SignatureVerdict, verifyPdf } from './engine.js';
import { fileVerdicts, revocationCache, trustAnchors } from './tables.js';

/**
 * Part of the key a stored verdict was made under (with the trust anchors): raised when the
 * verifier judges differently, so verdicts stored before are made again on next read. 2: a file
 * readers cannot open is invalid; offsets count from %PDF-.
 */
const VERIFIER_VERSION = '2|';

async function anchors(db: DbOrTx): Promise<{ key: string; certs: Buffer[] }> {
  const rows = await db.select({ c: trustAnchors.certificate, f: trustAnchors.fingerprint }).from(trustAnchors);
  const key = createHash('sha256').update(VERIFIER_VERSION + rows.map((r) => r.f).sort().join(',')).digest('hex').slice(0, 32);
  return { key, certs: rows.map((r) => r.c) };
}

/** Revocation answers kept in the revocation_cache table (see crypto/revocation.ts). */
export function revocationStore(db: DbOrTx): RevocationStore {
  return {
    async get(key, now) {
      const [r] = await db.select().from(revocationCache).where(eq(revocationCache.key, key));
      if (!r || r.expiresAt <= now) return null;
      return { status: r.status, source: r.source, checkedAt: r.checkedAt, expiresAt: r.expiresAt, revokedAt: r.revokedAt, ...(r.detail ? { detail: r.detail } : {}) };
    },
    async put(key, a: RevocationAnswer) {
      const row = { status: a.status, source: a.source, revokedAt: a.revokedAt ?? null, detail: a.detail ?? null, checkedAt: a.checkedAt, expiresAt: a.expiresAt };
      await db.insert(revocationCache).values({ key, ...row }).onConflictDoUpdate({ target: revocationCache.key, set: row });
    },
  };
}

/**
 * When a stored verdict must be verified again because a revocation answer it rests on runs out:
 *   - revocation 'unknown' (responder down, …): after the answer's 5 minutes (UNKNOWN_RETRY_MS),
 *     so an outage does not leave a file "indeterminate" for good;
 *   - 'good' from OCSP or a CRL: when that answer expires (its nextUpdate, 1–24 hours), so a
 *     certificate revoked later is noticed on the next read after that;
 *   - 'revoked' (final), 'good' with no revocation source, or no path to a trust anchor: never.
 * null = never. A verdict written before revocation was checked (no `revocation` field) is stale.
 */
export function recheckAt(verdicts: SignatureVerdict[]): Date | null {
  const times = verdicts
    .filter((v) => v.revocationCheckUntil && v.revocation !== 'revoked' && v.revocationSource !== 'none')
    .map((v) => new Date(v.revocationCheckUntil!).getTime());
  return times.length ? new Date(Math.min(...times)) : null;
}

/**
 * The verdicts on a stored file's signatures, verified once and kept (inside the caller's
 * transaction when one is given, so a delivery and the verdict on what it delivers commit
 * together). Verified again if the trust anchors have changed since, or once `recheckAt` (above)
 * has passed. Revocation answers are shared through the revocation_cache table.
 */
export async function fileSignatureVerdicts(
  deps: Pick<Deps, 'clock'>, db: DbOrTx, sha256: string,
  /** The file's bytes, read by the caller (the workflow owns the store); only called when a verification is due. */
  load: () => Promise<Buffer>,
): Promise<SignatureVerdict[]> {
  const a = await anchors(db);
  const now = deps.clock();
  const [cached] = await db.select().from(fileVerdicts).where(eq(fileVerdicts.sha256, sha256));
  if (cached && cached.anchorsKey === a.key && (cached.recheckAt === null || cached.recheckAt > now)
    && (cached.verdicts as Partial<SignatureVerdict>[]).every((v) => v.revocation !== undefined)) {
    return cached.verdicts as SignatureVerdict[];
  }
  const verdicts = await verifyPdf(await load(), a.certs, { revocation: { store: revocationStore(db), now: deps.clock } });
  const set = { anchorsKey: a.key, verdicts, verifiedAt: now, recheckAt: recheckAt(verdicts) };
  await db.insert(fileVerdicts).values({ sha256, ...set }).onConflictDoUpdate({ target: fileVerdicts.sha256, set });
  return verdicts;
}

export type SignatureSummary = 'valid' | 'untrusted' | 'invalid' | 'indeterminate' | 'unsigned';

/**
 * One word for a file's signatures, for lists: 'unsigned' if none; 'invalid' if any is broken or
 * its certificate revoked; 'untrusted' if any has no valid path to a trust anchor; 'indeterminate'
 * if any certificate's revocation could not be checked; else 'valid'. A verdict stored before
 * revocation was checked counts as unchecked.
 */
export function summarise(verdicts: SignatureVerdict[]): SignatureSummary {
  if (verdicts.length === 0) return 'unsigned';
  const revocation = (v: SignatureVerdict) => v.revocation ?? 'unknown';
  if (verdicts.some((v) => v.integrity === 'invalid' || revocation(v) === 'revoked')) return 'invalid';
  if (verdicts.some((v) => v.trust === 'untrusted')) return 'untrusted';
  if (verdicts.some((v) => revocation(v) === 'unknown')) return 'indeterminate';
  return 'valid';
}

export async function verifyUploadedPdf(db: DbOrTx, pdf: Buffer): Promise<SignatureVerdict[]> {
  return verifyPdf(pdf, (await anchors(db)).certs, { revocation: { store: revocationStore(db) } });
}

/**
 * For a page of inbox items: the signature summary of each document's main file, from the
 * verdicts stored when it was delivered (no PDF is read here).
 */
export async function mainFileSummaries(db: DbOrTx, documentIds: string[]): Promise<Map<string, SignatureSummary>> {
  const out = new Map<string, SignatureSummary>();
  if (documentIds.length === 0) return out;
  const rows = await db
    .select({ documentId: documentFiles.documentId, verdicts: fileVerdicts.verdicts })
    .from(documentFiles)
    .innerJoin(fileVerdicts, eq(fileVerdicts.sha256, documentFiles.sha256))
    .where(and(inArray(documentFiles.documentId, documentIds), eq(documentFiles.role, 'main')));
  for (const r of rows) out.set(r.documentId, summarise(r.verdicts as SignatureVerdict[]));
  return out;
}
