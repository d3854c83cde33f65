import type { Readable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import type { Deps } from '../../lib/deps.js';
import { AppError, badRequest, conflict, forbidden } from '../../lib/errors.js';
import { MAX_CHECKED_BYTES, NotPdfError, pdfChecked } from '../../lib/pdf-guard.js';
import { ObjectTooLarge, type StagedObject } from '../../storage/object-store.js';
import type { Actor } from '../../lib/actor.js';
import { recordEvents } from '../events/service.js';
import { loadDraftFor } from './access.js';
import { adoptStaged, forgetUnreferenced } from './blobs.js';
import { isFrozen, mayEditDraft } from './policy.js';
import { addMainVersion } from './versions.js';
import { checkUploadedPdf } from './pdf-structure.js';
import { type DocumentRow, presentFile } from './present.js';
import { type FileRole, FILE_ROLES, documentFiles } from './tables.js';

export type UploadPart =
  | { kind: 'field'; name: string; value: string }
  | { kind: 'file'; filename: string; stream: Readable };

const MAX_FILES = 20;

export function fileName(raw: string): string {
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
  const doc = await loadDraftFor(deps.db, actor, documentId);
  checkAttachable(actor, doc);
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
      // Checked again under the row lock: a leader may have signed since the request began.
      checkAttachable(actor, await loadDraftFor(tx, actor, doc.id, { forUpdate: true }));
      const [main] = await tx
        .select()
        .from(documentFiles)
        .where(and(eq(documentFiles.documentId, doc.id), eq(documentFiles.role, 'main')));
      if (main?.leaderBox) throw signedFirst();
      let hasMain = Boolean(main);
      let mainGiven = false;
      let newVersionOf: { name: string; size: number; sha256: string } | null = null;
      const values = [];
      for (const s of staged) {
        const r: FileRole = s.role ?? (hasMain ? 'appendix' : 'main');
        if (r === 'main') {
          if (mainGiven) throw conflict('Văn bản chỉ có một tệp chính', 'A document has only one main file');
          mainGiven = true;
          // A new upload of the main file is its next version: the row keeps its id.
          if (main) {
            newVersionOf = { name: s.name, size: s.obj.size, sha256: s.obj.sha256 };
            continue;
          }
          hasMain = true;
        }
        values.push({ documentId: doc.id, role: r, name: s.name, size: s.obj.size, sha256: s.obj.sha256, uploadedBy: actor.userId, createdAt: at });
      }
      promoted = await adoptStaged(deps, tx, staged.map((s) => s.obj));
      const inserted = values.length ? await tx.insert(documentFiles).values(values).returning() : [];
      const out = [...inserted];
      let version: number | null = null;
      if (newVersionOf && main) {
        version = await addMainVersion(tx, { current: main, inserted: null, ...newVersionOf, uploadedBy: actor.userId, at });
        const [updated] = await tx.update(documentFiles).set({ ...newVersionOf, uploadedBy: actor.userId }).where(eq(documentFiles.id, main.id)).returning();
        out.unshift(updated!);
      } else {
        const first = inserted.find((f) => f.role === 'main');
        if (first) version = await addMainVersion(tx, { current: null, inserted: first, name: first.name, size: first.size, sha256: first.sha256, uploadedBy: actor.userId, at });
      }
      await recordEvents(tx, [
        {
          type: 'document.files_added', at, actor, documentId: doc.id, unitIds: [...new Set([doc.issuerUnitId, ...(doc.draftingUnitId ? [doc.draftingUnitId] : [])])],
          data: { files: out.map((f) => ({ id: f.id, name: f.name, sha256: f.sha256, role: f.role, ...(f.role === 'main' && version ? { version } : {}) })) },
        },
      ]);
      return out;
    });
    return rows.map(presentFile);
  } catch (err) {
    await Promise.all(staged.map((s) => deps.store.discard(s.obj)));
    await forgetUnreferenced(deps, promoted);
    throw err;
  }
}

const signedFirst = () => conflict(
  'Dự thảo đã được lãnh đạo ký: cần trả lại dự thảo (hủy chữ ký) trước khi sửa',
  'The draft has been signed by a leader: it must be returned first (voiding the signature) before it is changed',
);

/** Files may be attached by the draft's author or a clerk of the issuer, until a leader signs it; never to a secret document. */
function checkAttachable(actor: Actor, doc: DocumentRow): void {
  if (doc.status !== 'draft') throw conflict('Chỉ đính kèm tệp khi văn bản còn là dự thảo', 'Files can only be attached to a draft');
  if (!mayEditDraft(actor, doc)) throw forbidden('Chỉ người soạn thảo hoặc văn thư được đính kèm tệp', 'Only the author or a clerk can attach files');
  if (isFrozen(doc, null)) throw signedFirst();
  if (doc.secrecy !== 'none') {
    throw conflict('Không lưu nội dung văn bản mật trên hệ thống mạng', 'Secret documents cannot hold electronic content');
  }
}

export function translateStreamError(err: unknown, maxBytes: number): unknown {
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
