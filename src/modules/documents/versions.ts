import { and, asc, eq, inArray, max } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import { notFound } from '../../lib/errors.js';
import type { FileRow } from './present.js';
import { documentFileVersions } from './tables.js';

export type VersionRow = typeof documentFileVersions.$inferSelect;

export function presentVersion(v: VersionRow) {
  return { version: v.version, name: v.name, size: v.size, sha256: v.sha256, uploadedBy: v.uploadedBy, createdAt: v.createdAt.toISOString() };
}

/** The versions of these files, oldest first, by file id. */
export async function listVersions(db: DbOrTx, fileIds: string[]): Promise<Map<string, VersionRow[]>> {
  const out = new Map<string, VersionRow[]>();
  if (fileIds.length === 0) return out;
  const rows = await db.select().from(documentFileVersions).where(inArray(documentFileVersions.fileId, fileIds)).orderBy(asc(documentFileVersions.version));
  for (const r of rows) out.set(r.fileId, [...(out.get(r.fileId) ?? []), r]);
  return out;
}

/** One version of a file, or 404. */
export async function getVersion(db: DbOrTx, fileId: string, version: number): Promise<VersionRow> {
  const [row] = await db.select().from(documentFileVersions).where(and(eq(documentFileVersions.fileId, fileId), eq(documentFileVersions.version, version)));
  if (!row) throw notFound(`Không có phiên bản ${version} của tệp`, `No version ${version} of this file`);
  return row;
}

/**
 * Inside the upload's transaction: the main file gets a new version. On its first upload that is v1;
 * later the `document_files` row keeps its id and takes the new version's name, size and hash. A
 * main file with no version rows (stored before versions existed) gets its current bytes as v1 first.
 */
export async function addMainVersion(
  tx: Tx,
  p: { current: FileRow | null; inserted: FileRow | null; name: string; size: number; sha256: string; uploadedBy: string; at: Date },
): Promise<number> {
  if (!p.current) {
    await tx.insert(documentFileVersions).values({ fileId: p.inserted!.id, version: 1, name: p.name, size: p.size, sha256: p.sha256, uploadedBy: p.uploadedBy, createdAt: p.at });
    return 1;
  }
  const [{ last } = { last: null }] = await tx.select({ last: max(documentFileVersions.version) }).from(documentFileVersions).where(eq(documentFileVersions.fileId, p.current.id));
  let n = last ?? 0;
  if (n === 0) {
    await tx.insert(documentFileVersions).values({
      fileId: p.current.id, version: 1, name: p.current.name, size: p.current.size, sha256: p.current.sha256, uploadedBy: p.current.uploadedBy, createdAt: p.current.createdAt,
    });
    n = 1;
  }
  await tx.insert(documentFileVersions).values({ fileId: p.current.id, version: n + 1, name: p.name, size: p.size, sha256: p.sha256, uploadedBy: p.uploadedBy, createdAt: p.at });
  return n + 1;
}
