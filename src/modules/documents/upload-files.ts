import type { Readable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import type { Deps } from '../../lib/deps.js';
import { AppError, badRequest, conflict, forbidden } from '../../lib/errors.js';
import { MAX_CHECKED_BYTES, NotPdfError, pdfChecked } from '../../lib/pdf-guard.js';
import { ObjectTooLarge, type StagedObject } from '../../storage/object-store.js';
import type { Actor } from '../../lib/actor.js';
import { recordEvents } from '../events/service.js';
import { loadOwnDocument } from './access.js';
import { adoptStaged, forgetUnreferenced } from './blobs.js';
import { mayDraft } from './policy.js';
import { checkUploadedPdf } from './pdf-structure.js';
import { presentFile } from './present.js';
import { type FileRole, FILE_ROLES, documentFiles } from './tables.js';

export type UploadPart =
  | { kind: 'field'; name: string; value: string }
  | { kind: 'file'; filename: string; stream: Readable };

const MAX_FILES = 20;

function fileName(raw: string): string {
  const base = raw.normalize('NFC').split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
  return clean || 'van-ban.pdf';
}

/**
 * Attaches PDFs to a draft, all or nothing: every part is streamed to staging (hashed, checked to
 * be a PDF we can sign: pdf-structure.ts; size-limited), then one transaction records them. A
 * `role` field applies to the files after it; without one the first file is the main file if the
 * draft has none yet.
 */
export async function uploadFiles(deps: Deps, actor: Actor, documentId: string, parts: AsyncIterable<UploadPart>) {
  const doc = await loadOwnDocument(deps.db, actor, documentId);
  if (!mayDraft(actor, doc)) throw forbidden('Không có quyền đính kèm tệp', 'Not allowed to attach files');
  if (doc.status !== 'draft') throw conflict('Chỉ đính kèm tệp khi văn bản còn là dự thảo', 'Files can only be attached to a draft');
  if (doc.secrecy !== 'none') {
    throw conflict('Không lưu nội dung văn bản mật trên hệ thống mạng', 'Secret documents cannot hold electronic content');
  }
  const staged: Array<{ obj: StagedObject; name: string; role: FileRole | null }> = [];
  let role: FileRole | null = null;
  try {
    for await (const part of parts) {
      if (part.kind === 'field') {
        if (part.name !== 'role') continue;
        if (!(FILE_ROLES as readonly string[]).includes(part.value)) {
          throw badRequest('Trường role phải là main hoặc appendix', 'Field role must be main or appendix');
        }
        role = part.value as FileRole;
        continue;
      }
      if (staged.length >= MAX_FILES) throw badRequest(`Tối đa ${MAX_FILES} tệp mỗi lần`, `At most ${MAX_FILES} files per request`);
      const obj = await deps.store.stage(pdfChecked(part.stream), { maxBytes: deps.config.maxUploadBytes })
        .catch((err) => {
          part.stream.resume();
          throw err;
        });
      staged.push({ obj, name: fileName(part.filename), role });
      // Then checked to be a PDF we can sign (structure, encryption, certification), read back from
      // staging: nothing is held in memory while the upload streams, and files over
      // MAX_CHECKED_BYTES (large scans) are left to the seal's dry run at issue.
      // A file cut at the size limit ends cleanly with `truncated` set and the parser reports the 413
      // on its own: the cut file is not judged, so the size error is the one the client sees.
      const cut = (part.stream as { truncated?: boolean }).truncated === true;
      if (!cut && obj.size <= MAX_CHECKED_BYTES) checkUploadedPdf(await readAll(await deps.store.readStaged(obj), obj.size), fileName(part.filename));
    }
  } catch (err) {
    await Promise.all(staged.map((s) => deps.store.discard(s.obj)));
    throw translateStreamError(err, deps.config.maxUploadBytes);
  }
  if (staged.length === 0) {
    throw badRequest('Không có tệp nào trong yêu cầu (trường "file")', 'No file in the request (field "file")');
  }

  const at = deps.clock();
  let promoted: string[] = [];
  try {
    const rows = await deps.db.transaction(async (tx) => {
      const [main] = await tx
        .select({ id: documentFiles.id })
        .from(documentFiles)
        .where(and(eq(documentFiles.documentId, doc.id), eq(documentFiles.role, 'main')));
      let hasMain = Boolean(main);
      const values = staged.map((s) => {
        const r: FileRole = s.role ?? (hasMain ? 'appendix' : 'main');
        if (r === 'main') {
          if (hasMain) throw conflict('Văn bản chỉ có một tệp chính', 'A document has only one main file');
          hasMain = true;
        }
        return { documentId: doc.id, role: r, name: s.name, size: s.obj.size, sha256: s.obj.sha256, uploadedBy: actor.userId, createdAt: at };
      });
      promoted = await adoptStaged(deps, tx, staged.map((s) => s.obj));
      const inserted = await tx.insert(documentFiles).values(values).returning();
      await recordEvents(tx, [
        {
          type: 'document.files_added', at, actor, documentId: doc.id, unitIds: [doc.issuerUnitId],
          data: { files: inserted.map((f) => ({ id: f.id, name: f.name, sha256: f.sha256, role: f.role })) },
        },
      ]);
      return inserted;
    });
    return rows.map(presentFile);
  } catch (err) {
    await Promise.all(staged.map((s) => deps.store.discard(s.obj)));
    await forgetUnreferenced(deps, promoted);
    throw err;
  }
}

function translateStreamError(err: unknown, maxBytes: number): unknown {
  if (err instanceof AppError) return err;
  if (err instanceof NotPdfError) {
    return new AppError('unsupported_media_type', { vi: 'Tệp không phải PDF', en: 'The file is not a PDF' });
  }
  const code = (err as { code?: string } | null)?.code;
  if (err instanceof ObjectTooLarge || code === 'FST_REQ_FILE_TOO_LARGE') {
    const mb = Math.round(maxBytes / 1024 / 1024);
    return new AppError('payload_too_large', { vi: `Tệp vượt quá ${mb} MB`, en: `File larger than ${mb} MB` });
  }
  if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
    return badRequest('Quá nhiều phần trong yêu cầu', 'Too many parts in the request');
  }
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') {
    return new AppError('unsupported_media_type', { vi: 'Yêu cầu phải là multipart/form-data', en: 'Request must be multipart/form-data' });
  }
  if (/multipart|boundary/i.test(String((err as Error)?.message))) {
    return badRequest('Yêu cầu multipart không hợp lệ', 'Malformed multipart request');
  }
  return err;
}

/** A staged file's bytes, in one buffer of the size it was staged with. */
async function readAll(stream: NodeJS.ReadableStream, size: number): Promise<Buffer> {
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (at + chunk.length > size) throw new Error('staged object larger than staged');
    chunk.copy(out, at);
    at += chunk.length;
  }
  if (at !== size) throw new Error('staged object shorter than staged');
  return out;
}
