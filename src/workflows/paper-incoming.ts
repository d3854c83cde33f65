// Registering an incoming paper document (issue 12 point 6): a clerk photographs or scans a
// document that came on paper from a sender on no system, types its metadata, and it becomes an
// incoming document of the clerk's unit — accepted at once with the next số đến — that then flows
// like any delivery (the leader assigns, officers report, complete).
import { Readable } from 'node:stream';
import type { Actor } from '../lib/actor.js';
import { hasRole } from '../lib/actor.js';
import type { Deps } from '../lib/deps.js';
import { AppError, badRequest, forbidden, unprocessable } from '../lib/errors.js';
import { MAX_CHECKED_BYTES } from '../lib/pdf-guard.js';
import { checkPdfStructure, PdfStructureError } from '../lib/pdf/structure.js';
import { vnDate } from '../lib/time.js';
import { ObjectTooLarge, type StagedObject } from '../storage/object-store.js';
import { deliverPaperToOwnUnit } from '../modules/dispatch/paper-delivery.js';
import { adoptStaged, forgetUnreferenced } from '../modules/documents/blobs.js';
import { normaliseType } from '../modules/documents/numbering.js';
import { type ImageInfo, SCAN_LIMITS, UnsupportedScan, imagesToPdf, inspectImage, registerPaperDocument, scanChecked } from '../modules/documents/paper.js';
import { type Urgency, URGENCIES } from '../modules/documents/tables.js';
import { ensureAdmin } from '../modules/orgs/bootstrap.js';
import { ensurePaperSendersUnit } from '../modules/orgs/paper-senders.js';
import { findUserByUsername } from '../modules/orgs/users.js';

export type PaperPart =
  | { kind: 'field'; name: string; value: string }
  | { kind: 'file'; fieldname: string; filename: string; stream: Readable & { truncated?: boolean } };

/** The form's text fields (docs/api.md "Văn bản giấy"). */
export const PAPER_FIELDS = ['type', 'subject', 'senderName', 'number', 'notation', 'signedOn', 'urgency'] as const;
type Field = (typeof PAPER_FIELDS)[number];

export interface PaperFields {
  type: string;
  subject: string;
  senderName: string;
  number: number | null;
  notation: string | null;
  signedOn: string | null;
  urgency: Urgency;
}

function fileName(raw: string): string {
  const base = raw.normalize('NFC').split(/[\\/]/).pop() ?? '';
  return base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200) || 'van-ban-giay';
}

const text = (v: string | undefined) => (v ?? '').normalize('NFC').trim();

/** The metadata as typed by the clerk, checked (400 naming the field). */
export function checkPaperFields(f: Map<string, string>, today: string): PaperFields {
  const rawType = text(f.get('type'));
  if (!rawType) throw badRequest('Thiếu loại văn bản (trường "type")', 'The document type is missing (field "type")');
  const type = normaliseType(rawType);
  if (!type) throw badRequest(`Loại văn bản "${rawType.slice(0, 20)}" không có trong danh mục`, `Unknown document type "${rawType.slice(0, 20)}"`);
  const subject = text(f.get('subject'));
  if (subject.length < 1 || subject.length > 500) throw badRequest('Trích yếu (trường "subject") phải có từ 1 đến 500 ký tự', 'The subject (field "subject") must be 1 to 500 characters');
  const senderName = text(f.get('senderName')).replace(/\s+/g, ' ');
  if (senderName.length < 1 || senderName.length > 300) {
    throw badRequest('Tên cơ quan, người gửi (trường "senderName") phải có từ 1 đến 300 ký tự', 'The sender\'s name (field "senderName") must be 1 to 300 characters');
  }
  const rawNumber = text(f.get('number'));
  if (rawNumber && !/^\d{1,9}$/.test(rawNumber)) throw badRequest('Số văn bản (trường "number") phải là số nguyên dương', 'The number (field "number") must be a positive integer');
  const number = rawNumber ? Number(rawNumber) : null;
  if (number === 0) throw badRequest('Số văn bản (trường "number") phải là số nguyên dương', 'The number (field "number") must be a positive integer');
  const notation = text(f.get('notation')) || null;
  if (notation && notation.length > 64) throw badRequest('Số, ký hiệu (trường "notation") tối đa 64 ký tự', 'The notation (field "notation") is at most 64 characters');
  const signedOn = text(f.get('signedOn')) || null;
  if (signedOn) {
    const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(signedOn);
    const valid = d && new Date(`${signedOn}T00:00:00Z`).toISOString().slice(0, 10) === signedOn && Number(d[1]) >= 1945;
    if (!valid) throw badRequest('Ngày văn bản (trường "signedOn") phải có dạng YYYY-MM-DD', 'The document date (field "signedOn") must be YYYY-MM-DD');
    if (signedOn > today) throw badRequest('Ngày văn bản (trường "signedOn") không thể sau hôm nay', 'The document date (field "signedOn") cannot be after today');
  }
  const urgency = (text(f.get('urgency')) || 'normal') as Urgency;
  if (!URGENCIES.includes(urgency)) throw badRequest(`Độ khẩn (trường "urgency") phải là một trong: ${URGENCIES.join(', ')}`, `The urgency (field "urgency") must be one of: ${URGENCIES.join(', ')}`);
  return { type, subject, senderName, number, notation, signedOn, urgency };
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** A streaming or multipart failure as the 4xx the clerk sees, naming the file when there is one. */
function asClientError(err: unknown, maxBytes: number, name?: string): unknown {
  if (err instanceof AppError) return err;
  const which = name ? ` "${name}"` : '';
  if (err instanceof UnsupportedScan) {
    return new AppError('unsupported_media_type', {
      vi: `Tệp${which} không phải PDF, JPEG hay PNG`, en: `The file${which} is not a PDF, JPEG or PNG`,
    });
  }
  const code = (err as { code?: string } | null)?.code;
  if (err instanceof ObjectTooLarge || code === 'FST_REQ_FILE_TOO_LARGE') {
    return new AppError('payload_too_large', { vi: `Tệp${which} vượt quá ${mb(maxBytes)} MB`, en: `The file${which} is larger than ${mb(maxBytes)} MB` });
  }
  if (code === 'FST_FILES_LIMIT') return badRequest(`Tối đa ${SCAN_LIMITS.files} tệp mỗi văn bản`, `At most ${SCAN_LIMITS.files} files per document`);
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') return badRequest('Quá nhiều phần trong yêu cầu', 'Too many parts in the request');
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') {
    return new AppError('unsupported_media_type', { vi: 'Yêu cầu phải là multipart/form-data', en: 'Request must be multipart/form-data' });
  }
  return err;
}

/** A staged file's bytes (at most MAX_UPLOAD_MB, checked by the caller). */
async function readStaged(deps: Pick<Deps, 'store'>, obj: StagedObject): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await deps.store.readStaged(obj)) chunks.push(c as Buffer);
  const out = Buffer.concat(chunks);
  if (out.length !== obj.size) throw new Error('staged object changed size');
  return out;
}

/** A PDF part we keep as it is: it must be readable (an encrypted or certified one is fine: we never sign it). */
function checkScannedPdf(bytes: Buffer, name: string) {
  try {
    checkPdfStructure(bytes);
  } catch (err) {
    if (!(err instanceof PdfStructureError)) throw err;
    if (err.defect !== 'broken') return;
    throw unprocessable(`Tệp PDF "${name}" bị hỏng (${err.message}); hãy lưu lại tệp rồi gửi lại`, `The PDF "${name}" is damaged (${err.message}); save it again and resend`);
  }
}

/**
 * Registers a paper document from the multipart parts, all or nothing: every file is streamed to
 * staging and judged by its content (PDF, JPEG, PNG; else 415 naming it); the photos become one
 * PDF (one A4 page each, in the order sent; see imagesToPdf), each PDF part stays a file of its
 * own; the first file sent — the photos' PDF if it was a photo — is the main file, the others
 * appendices. Then one transaction: the document (issued by the paper senders' unit, the sender
 * named in `sender_name`), its files, its delivery to the clerk's unit accepted with the next số
 * đến, the events. Whatever fails, nothing is kept: no rows, no stored or staged file.
 */
export async function registerPaperIncoming(deps: Deps, actor: Actor, parts: AsyncIterable<PaperPart>) {
  if (!hasRole(actor, 'clerk')) throw forbidden('Chỉ văn thư được vào sổ văn bản đến', 'Only a clerk registers incoming documents');
  const maxBytes = deps.config.maxUploadBytes;
  const fields = new Map<string, string>();
  /** Everything staged so far (PDF parts, the photos' PDF): discarded unless adopted. */
  const staged: StagedObject[] = [];
  const pdfs: Array<{ obj: StagedObject; name: string }> = [];
  const images: Array<{ name: string; bytes: Buffer; info: ImageInfo }> = [];
  /** The files in the order sent: a PDF part, or the place of the photos (where the first one came). */
  const order: Array<{ pdf: number } | 'images'> = [];
  let files = 0;
  let imageBytes = 0;
  let pixels = 0;
  let name: string | undefined;
  let firstImage = '';
  try {
    for await (const part of parts) {
      name = undefined;
      if (part.kind === 'field') {
        if (!(PAPER_FIELDS as readonly string[]).includes(part.name)) {
          throw badRequest(`Trường "${part.name.slice(0, 40)}" không có trong biểu mẫu (${PAPER_FIELDS.join(', ')}, file)`, `Unknown field "${part.name.slice(0, 40)}" (expected ${PAPER_FIELDS.join(', ')}, file)`);
        }
        if (fields.has(part.name)) throw badRequest(`Trường "${part.name}" có hai lần`, `Field "${part.name}" is given twice`);
        fields.set(part.name as Field, part.value);
        continue;
      }
      name = fileName(part.filename);
      if (part.fieldname !== 'file') {
        part.stream.resume();
        throw badRequest(`Tệp phải gửi trong trường "file" (không phải "${part.fieldname.slice(0, 40)}")`, `Files go in field "file" (not "${part.fieldname.slice(0, 40)}")`);
      }
      if (++files > SCAN_LIMITS.files) {
        part.stream.resume();
        throw badRequest(`Tối đa ${SCAN_LIMITS.files} tệp mỗi văn bản`, `At most ${SCAN_LIMITS.files} files per document`);
      }
      const scan = scanChecked(part.stream);
      const obj = await deps.store.stage(scan.stream, { maxBytes }).catch((err) => {
        part.stream.resume();
        throw err;
      });
      staged.push(obj);
      // A file cut at the size limit ends with `truncated` set; multipart then reports the 413.
      if (part.stream.truncated) throw new AppError('payload_too_large', { vi: `Tệp "${name}" vượt quá ${mb(maxBytes)} MB`, en: `The file "${name}" is larger than ${mb(maxBytes)} MB` });
      const kind = scan.kind();
      if (kind === 'pdf') {
        if (obj.size <= MAX_CHECKED_BYTES) checkScannedPdf(await readStaged(deps, obj), name);
        order.push({ pdf: pdfs.length });
        pdfs.push({ obj, name });
        continue;
      }
      if (kind !== 'jpeg' && kind !== 'png') throw new UnsupportedScan();
      // The photos become one file: together they are bounded as one file is.
      imageBytes += obj.size;
      if (imageBytes > maxBytes) {
        throw new AppError('payload_too_large', { vi: `Các ảnh cộng lại vượt quá ${mb(maxBytes)} MB`, en: `The images together are larger than ${mb(maxBytes)} MB` });
      }
      const bytes = await readStaged(deps, obj);
      await deps.store.discard(obj);
      staged.splice(staged.indexOf(obj), 1);
      const info = inspectImage(bytes, kind, name);
      pixels += info.width * info.height;
      if (pixels > SCAN_LIMITS.totalPixels) {
        throw unprocessable(
          `Các ảnh cộng lại quá lớn (tối đa ${SCAN_LIMITS.totalPixels / 1_000_000} triệu điểm ảnh): hãy giảm độ phân giải`,
          `The images together are too large (at most ${SCAN_LIMITS.totalPixels / 1_000_000} megapixels): reduce their resolution`,
        );
      }
      if (images.length === 0) {
        order.push('images');
        firstImage = name;
      }
      images.push({ name, bytes, info });
    }
    name = undefined;
    if (files === 0) throw badRequest('Chưa có tệp nào (trường "file": ảnh chụp JPEG/PNG hoặc PDF)', 'No file (field "file": JPEG/PNG photos or PDFs)');
    const meta = checkPaperFields(fields, vnDate(deps.clock()));
    let photos: { obj: StagedObject; name: string } | null = null;
    if (images.length) {
      const pdf = await imagesToPdf(images, { title: meta.subject });
      images.length = 0;
      if (pdf.length > maxBytes) {
        throw new AppError('payload_too_large', { vi: `Tệp PDF từ các ảnh vượt quá ${mb(maxBytes)} MB: hãy gửi ít ảnh hơn hoặc giảm độ phân giải`, en: `The PDF made of the images is larger than ${mb(maxBytes)} MB: send fewer images or reduce their resolution` });
      }
      const obj = await deps.store.stage(Readable.from([pdf]));
      staged.push(obj);
      photos = { obj, name: photosName(firstImage) };
    }
    const list = order.map((o, i) => {
      const f = o === 'images' ? photos! : pdfs[o.pdf]!;
      return { obj: f.obj, name: f.name, role: i === 0 ? 'main' as const : 'appendix' as const };
    });
    return await save(deps, actor, meta, list);
  } catch (err) {
    throw asClientError(err, maxBytes, name);
  } finally {
    await Promise.all(staged.map((s) => deps.store.discard(s).catch(() => {})));
  }
}

/** The photos' PDF is named after the first photo ("IMG_0001.jpg" → "IMG_0001.pdf"). */
const photosName = (first: string) => `${first.replace(/\.(jpe?g|png)$/i, '') || 'van-ban-giay'}.pdf`;

/** The built-in account that records what no one here wrote (as import-package does for the axis). */
async function systemAccount(deps: Deps): Promise<string> {
  const found = await findUserByUsername(deps.db, 'admin');
  if (found) return found.id;
  await ensureAdmin(deps);
  return (await findUserByUsername(deps.db, 'admin'))!.id;
}

async function save(deps: Deps, actor: Actor, meta: PaperFields, list: Array<{ obj: StagedObject; name: string; role: 'main' | 'appendix' }>) {
  const createdBy = await systemAccount(deps);
  const at = deps.clock();
  let promoted: string[] = [];
  try {
    return await deps.db.transaction(async (tx) => {
      const issuer = await ensurePaperSendersUnit(tx);
      promoted = await adoptStaged(deps, tx, list.map((f) => f.obj));
      const doc = await registerPaperDocument(tx, actor, {
        issuerUnitId: issuer.id, createdBy, recipientUnitId: actor.unitId, ...meta,
        files: list.map((f) => ({ name: f.name, size: f.obj.size, sha256: f.obj.sha256, role: f.role })),
      }, at);
      const { deliveryId, incomingNumber } = await deliverPaperToOwnUnit(deps, tx, actor, {
        documentId: doc.id, issuerUnitId: issuer.id, senderName: meta.senderName, subject: meta.subject, urgency: meta.urgency, at,
      });
      return { documentId: doc.id, deliveryId, incomingNumber };
    });
  } catch (err) {
    await forgetUnreferenced(deps, promoted);
    throw err;
  }
}
