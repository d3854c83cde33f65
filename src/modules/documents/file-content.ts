import { Readable } from 'node:stream';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import { conflict } from '../../lib/errors.js';
import type { StagedObject } from '../../storage/object-store.js';
import { adoptStaged } from './blobs.js';
import type { FileRow } from './present.js';
import { documentFiles } from './tables.js';

export async function listDocumentFiles(db: DbOrTx, documentId: string): Promise<FileRow[]> {
  return db.select().from(documentFiles).where(eq(documentFiles.documentId, documentId)).orderBy(asc(documentFiles.createdAt), asc(documentFiles.id));
}

/**
 * The bytes of a stored PDF. Signing and verifying need the whole file (a PDF is read from its
 * end), so this is the one place that holds a file in memory; uploads and downloads stream.
 */
export async function readFileBytes(deps: Pick<Deps, 'store'>, sha256: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await deps.store.get(sha256)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function stageBytes(deps: Pick<Deps, 'store'>, bytes: Buffer): Promise<StagedObject> {
  return deps.store.stage(Readable.from([bytes]));
}

/**
 * Inside the caller's transaction: a file of the document now has new contents (a signed version,
 * which extends the old bytes as an incremental update). Fails with 409 if the file changed since
 * the caller read it. Returns the addresses promoted, for cleanup if the transaction fails.
 */
export async function replaceFileContents(
  deps: Pick<Deps, 'store'>,
  tx: Tx,
  p: { fileId: string; expectedSha256: string; staged: StagedObject; leaderBox?: { page: number; rect: [number, number, number, number] } },
): Promise<string[]> {
  const [current] = await tx.select().from(documentFiles).where(eq(documentFiles.id, p.fileId)).for('update');
  if (!current || current.sha256 !== p.expectedSha256) {
    throw conflict('Tệp đã thay đổi trong lúc ký, vui lòng thử lại', 'The file changed while it was being signed; try again');
  }
  const promoted = await adoptStaged(deps, tx, [p.staged]);
  await tx
    .update(documentFiles)
    .set({ sha256: p.staged.sha256, size: p.staged.size, ...(p.leaderBox ? { leaderBox: p.leaderBox } : {}) })
    .where(and(eq(documentFiles.id, p.fileId)));
  return promoted;
}

/** Whether each document's main file is there and already carries the leader's signature. */
export async function mainFiles(db: DbOrTx, documentIds: string[]): Promise<Map<string, { leaderSigned: boolean }>> {
  const out = new Map<string, { leaderSigned: boolean }>();
  if (documentIds.length === 0) return out;
  const rows = await db
    .select({ documentId: documentFiles.documentId, leaderBox: documentFiles.leaderBox })
    .from(documentFiles)
    .where(and(inArray(documentFiles.documentId, documentIds), eq(documentFiles.role, 'main')));
  for (const r of rows) out.set(r.documentId, { leaderSigned: Boolean(r.leaderBox) });
  return out;
}
