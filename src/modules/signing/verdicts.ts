import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import { readFileBytes } from '../documents/file-content.js';
import { documentFiles } from '../documents/tables.js';
import { type SignatureVerdict, verifyPdf } from './engine.js';
import { fileVerdicts, trustAnchors } from './tables.js';

async function anchors(db: DbOrTx): Promise<{ key: string; certs: Buffer[] }> {
  const rows = await db.select({ c: trustAnchors.certificate, f: trustAnchors.fingerprint }).from(trustAnchors);
  const key = createHash('sha256').update(rows.map((r) => r.f).sort().join(',')).digest('hex').slice(0, 32);
  return { key, certs: rows.map((r) => r.c) };
}

/**
 * The verdicts on a stored file's signatures, verified once and kept (inside the caller's
 * transaction when one is given, so a delivery and the verdict on what it delivers commit
 * together). Verified again only if the trust anchors have changed since.
 */
export async function fileSignatureVerdicts(deps: Pick<Deps, 'store' | 'clock'>, db: DbOrTx, sha256: string): Promise<SignatureVerdict[]> {
  const a = await anchors(db);
  const [cached] = await db.select().from(fileVerdicts).where(eq(fileVerdicts.sha256, sha256));
  if (cached && cached.anchorsKey === a.key) return cached.verdicts as SignatureVerdict[];
  const verdicts = await verifyPdf(await readFileBytes(deps, sha256), a.certs);
  await db
    .insert(fileVerdicts)
    .values({ sha256, anchorsKey: a.key, verdicts, verifiedAt: deps.clock() })
    .onConflictDoUpdate({ target: fileVerdicts.sha256, set: { anchorsKey: a.key, verdicts, verifiedAt: deps.clock() } });
  return verdicts;
}

/** One word for a file's signatures, for lists: all valid and trusted, some problem, or none. */
export function summarise(verdicts: SignatureVerdict[]): 'valid' | 'untrusted' | 'invalid' | 'unsigned' {
  if (verdicts.length === 0) return 'unsigned';
  if (verdicts.some((v) => v.integrity === 'invalid')) return 'invalid';
  if (verdicts.some((v) => v.trust === 'untrusted')) return 'untrusted';
  return 'valid';
}

export async function verifyUploadedPdf(db: DbOrTx, pdf: Buffer): Promise<SignatureVerdict[]> {
  return verifyPdf(pdf, (await anchors(db)).certs);
}

/**
 * For a page of inbox items: the signature summary of each document's main file, from the
 * verdicts stored when it was delivered (no PDF is read here).
 */
export async function mainFileSummaries(db: DbOrTx, documentIds: string[]): Promise<Map<string, ReturnType<typeof summarise>>> {
  const out = new Map<string, ReturnType<typeof summarise>>();
  if (documentIds.length === 0) return out;
  const rows = await db
    .select({ documentId: documentFiles.documentId, verdicts: fileVerdicts.verdicts })
    .from(documentFiles)
    .innerJoin(fileVerdicts, eq(fileVerdicts.sha256, documentFiles.sha256))
    .where(and(inArray(documentFiles.documentId, documentIds), eq(documentFiles.role, 'main')));
  for (const r of rows) out.set(r.documentId, summarise(r.verdicts as SignatureVerdict[]));
  return out;
}
