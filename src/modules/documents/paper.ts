// A paper document registered as incoming (issue 12 point 6): the scan a clerk takes with a phone
// camera — JPEG/PNG photos made into one PDF, or PDFs as they are — and the document's rows. The
// sender is on no system: the document's issuer is the "paper senders" unit (orgs/paper-senders.ts)
// and `sender_name` says who sent it. Deliveries are dispatch's (dispatch/paper-delivery.ts).
import { Readable } from 'node:stream';
import { PDFDocument, PageSizes, concatTransformationMatrix, drawObject, popGraphicsState, pushGraphicsState } from 'pdf-lib';
import type { Tx } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { AppError, unprocessable } from '../../lib/errors.js';
import { NotPdfError, pdfChecked } from '../../lib/pdf-guard.js';
import { recordEvents } from '../events/service.js';
import type { DocumentRow } from './present.js';
import { type Urgency, documentFiles, documents } from './tables.js';

export type ScanKind = 'pdf' | 'jpeg' | 'png';

/**
 * Bounds on what a scan may cost to turn into a PDF. JPEG data goes into the PDF as it is (never
 * decoded here), so only its dimensions are bounded; a PNG is decoded to RGB(A) by pdf-lib, one at
 * a time, so each is bounded by pixels (a 20000×20000 "PNG bomb" of a few KB is refused before any
 * decoding). The images' bytes together are bounded by MAX_UPLOAD_MB (they become one file).
 */
export const SCAN_LIMITS = {
  files: 20,
  /**
   * A PNG: 16 megapixels (an A4 page at 400 dpi; at 300 dpi it is 8.7 MP). Decoding costs about
   * 11 bytes a pixel at its peak (measured: a 24 MP PNG, +265 MB RSS, 2.5 s).
   */
  pngPixels: 16_000_000,
  /** A JPEG: 100 megapixels. */
  jpegPixels: 100_000_000,
  /** All images of one request together. */
  totalPixels: 200_000_000,
} as const;

/** A part that is none of PDF, JPEG, PNG (judged by its first bytes, not its name). */
export class UnsupportedScan extends Error {
  constructor() {
    super('not a PDF, JPEG or PNG');
    this.name = 'UnsupportedScan';
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const isJpeg = (b: Buffer) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
const isPng = (b: Buffer) => b.length >= 8 && b.subarray(0, 8).equals(PNG_SIGNATURE);

/**
 * The bytes of an uploaded scan part, judged by content as they stream: a JPEG or PNG passes
 * unchanged; anything else must be a PDF and passes as pdfChecked passes it (from "%PDF-" on);
 * otherwise the stream fails with UnsupportedScan before anything is kept. `kind()` is known once
 * the stream has been read.
 */
export function scanChecked(source: AsyncIterable<Buffer>): { stream: Readable; kind: () => ScanKind | null } {
  let kind: ScanKind | null = null;
  async function* checked() {
    const it = source[Symbol.asyncIterator]();
    let head = Buffer.alloc(0);
    while (head.length < PNG_SIGNATURE.length) {
      const n = await it.next();
      if (n.done) break;
      head = Buffer.concat([head, n.value]);
    }
    async function* all() {
      if (head.length) yield head;
      for (;;) {
        const n = await it.next();
        if (n.done) return;
        yield n.value;
      }
    }
    if (isJpeg(head) || isPng(head)) {
      kind = isJpeg(head) ? 'jpeg' : 'png';
      yield* all();
      return;
    }
    kind = 'pdf';
    try {
      yield* pdfChecked(all());
    } catch (err) {
      if (err instanceof NotPdfError) throw new UnsupportedScan();
      throw err;
    }
  }
  return { stream: Readable.from(checked(), { objectMode: false }), kind: () => kind };
}

export interface ImageInfo {
  kind: 'jpeg' | 'png';
  /** As stored. */
  width: number;
  height: number;
  /** EXIF orientation 1–8 (JPEG; 1 when absent): how the stored pixels are turned to be seen upright. */
  orientation: number;
}

/** The stored image's dimensions and orientation, or a 422 naming the file if it is damaged or of a kind a PDF cannot carry. */
export function inspectImage(bytes: Buffer, kind: 'jpeg' | 'png', name: string): ImageInfo {
  const r = kind === 'jpeg' ? readJpeg(bytes) : readPng(bytes);
  if (typeof r === 'string') {
    throw unprocessable(`Ảnh "${name}" bị hỏng hoặc không đọc được (${r.split('|')[0]}); hãy chụp hoặc lưu lại ảnh rồi gửi lại`, `The image "${name}" is damaged or unreadable (${r.split('|')[1] ?? r}); take or save it again and resend`);
  }
  const pixels = r.width * r.height;
  const limit = kind === 'png' ? SCAN_LIMITS.pngPixels : SCAN_LIMITS.jpegPixels;
  if (pixels > limit) {
    throw unprocessable(
      `Ảnh "${name}" quá lớn (${r.width}×${r.height} điểm ảnh; tối đa ${limit / 1_000_000} triệu điểm ảnh): hãy giảm độ phân giải`,
      `The image "${name}" is too large (${r.width}×${r.height} pixels; at most ${limit / 1_000_000} megapixels): reduce its resolution`,
    );
  }
  return { kind, ...r };
}

/** A problem as "vi|en". */
type Problem = string;

const SOF_SUPPORTED = new Set([0xc0, 0xc1, 0xc2]);
const SOF_ANY = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/**
 * Walks a JPEG's markers (not its pixels): a frame header with the size, a scan, and the end
 * marker; a truncated or garbled file is a problem. Baseline, extended and progressive 8-bit
 * Huffman JPEGs are what PDF readers display (DCTDecode); others are refused.
 */
function readJpeg(b: Buffer): { width: number; height: number; orientation: number } | Problem {
  const TRUNC = 'tệp bị cắt cụt|the file is truncated';
  if (!isJpeg(b)) return 'không phải JPEG|not a JPEG';
  let i = 2;
  let frame: { width: number; height: number } | null = null;
  let orientation = 1;
  let scans = 0;
  for (;;) {
    if (i >= b.length) return TRUNC;
    if (b[i] !== 0xff) return 'cấu trúc JPEG sai|bad JPEG structure';
    while (i < b.length && b[i] === 0xff) i++;
    if (i >= b.length) return TRUNC;
    const m = b[i++]!;
    if (m === 0xd9) break;
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) continue;
    if (m === 0xd8 || m === 0x00) return 'cấu trúc JPEG sai|bad JPEG structure';
    if (i + 2 > b.length) return TRUNC;
    const len = b.readUInt16BE(i);
    if (len < 2) return 'cấu trúc JPEG sai|bad JPEG structure';
    if (i + len > b.length) return TRUNC;
    const seg = b.subarray(i + 2, i + len);
    i += len;
    if (SOF_ANY.has(m)) {
      if (frame) return 'cấu trúc JPEG sai|bad JPEG structure';
      if (!SOF_SUPPORTED.has(m) || seg.length < 6 || seg[0] !== 8) return 'kiểu mã hóa JPEG không hỗ trợ|unsupported JPEG coding';
      const height = seg.readUInt16BE(1);
      const width = seg.readUInt16BE(3);
      if (width === 0 || height === 0 || ![1, 3, 4].includes(seg[5]!)) return 'kích thước hoặc số kênh màu sai|bad dimensions or components';
      frame = { width, height };
    } else if (m === 0xe1 && orientation === 1) {
      orientation = exifOrientation(seg);
    } else if (m === 0xda) {
      if (!frame) return 'cấu trúc JPEG sai|bad JPEG structure';
      scans++;
      // Entropy-coded data up to the next marker (FF00 is a stuffed byte, FFD0–FFD7 restart markers).
      for (;;) {
        const ff = b.indexOf(0xff, i);
        if (ff < 0 || ff + 1 >= b.length) return TRUNC;
        const n = b[ff + 1]!;
        if (n === 0x00 || (n >= 0xd0 && n <= 0xd7)) {
          i = ff + 2;
          continue;
        }
        if (n === 0xff) {
          i = ff + 1;
          continue;
        }
        i = ff;
        break;
      }
    }
  }
  if (!frame || scans === 0) return 'ảnh không có dữ liệu|the image has no data';
  return { ...frame, orientation };
}

/** The Orientation tag (0x0112) of IFD0 in an APP1 Exif segment; 1 when absent or unreadable. */
function exifOrientation(seg: Buffer): number {
  if (seg.length < 14 || seg.toString('latin1', 0, 6) !== 'Exif\0\0') return 1;
  const t = seg.subarray(6);
  const le = t[0] === 0x49 && t[1] === 0x49;
  if (!le && !(t[0] === 0x4d && t[1] === 0x4d)) return 1;
  const u16 = (o: number) => (le ? t.readUInt16LE(o) : t.readUInt16BE(o));
  const u32 = (o: number) => (le ? t.readUInt32LE(o) : t.readUInt32BE(o));
  if (u16(2) !== 42) return 1;
  const ifd = u32(4);
  if (ifd + 2 > t.length) return 1;
  const n = u16(ifd);
  for (let k = 0; k < n; k++) {
    const e = ifd + 2 + 12 * k;
    if (e + 12 > t.length) break;
    if (u16(e) !== 0x0112) continue;
    const v = u16(e + 2) === 3 ? u16(e + 8) : u16(e + 2) === 4 ? u32(e + 8) : 0;
    return v >= 1 && v <= 8 ? v : 1;
  }
  return 1;
}

const PNG_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

/** Walks a PNG's chunks: a valid IHDR first, image data, a palette when indexed, and IEND. */
function readPng(b: Buffer): { width: number; height: number; orientation: number } | Problem {
  const TRUNC = 'tệp bị cắt cụt|the file is truncated';
  if (!isPng(b)) return 'không phải PNG|not a PNG';
  if (b.length < 8 + 25) return TRUNC;
  if (b.readUInt32BE(8) !== 13 || b.toString('latin1', 12, 16) !== 'IHDR') return 'thiếu phần đầu IHDR|no IHDR header';
  const width = b.readUInt32BE(16);
  const height = b.readUInt32BE(20);
  const depth = b[24]!;
  const color = b[25]!;
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) return 'kích thước sai|bad dimensions';
  if (!PNG_DEPTHS[color]?.includes(depth) || b[26] !== 0 || b[27] !== 0 || b[28]! > 1) return 'phần đầu IHDR sai|bad IHDR header';
  let i = 8 + 25;
  let data = 0;
  let palette = false;
  for (;;) {
    if (i + 8 > b.length) return TRUNC;
    const len = b.readUInt32BE(i);
    const type = b.toString('latin1', i + 4, i + 8);
    if (len > 0x7fffffff || i + 12 + len > b.length) return TRUNC;
    i += 12 + len;
    if (type === 'IDAT') data++;
    else if (type === 'PLTE') palette = true;
    else if (type === 'IEND') break;
  }
  if (data === 0) return 'ảnh không có dữ liệu|the image has no data';
  if (color === 3 && !palette) return 'ảnh thiếu bảng màu|the indexed image has no palette';
  return { width, height, orientation: 1 };
}

/**
 * Where a point of the upright (displayed) image comes from in the stored one: stored (s, t) →
 * displayed (p, q), all in [0,1] from the top left, for each EXIF orientation.
 */
function displayed(orientation: number, s: number, t: number): [number, number] {
  switch (orientation) {
    case 2: return [1 - s, t];
    case 3: return [1 - s, 1 - t];
    case 4: return [s, 1 - t];
    case 5: return [t, s];
    case 6: return [1 - t, s];
    case 7: return [1 - t, 1 - s];
    case 8: return [t, 1 - s];
    default: return [s, t];
  }
}

/**
 * One PDF of the images in the order given, one A4 page each — portrait or landscape as the
 * image is seen upright (EXIF orientation honoured, mirrored ones too) — the image fitted to the
 * page and centred, its pixels as they are (JPEG data unchanged). Each image is embedded before
 * the next is read, so at most one PNG is decoded at a time. A file pdf-lib cannot read is a 422
 * naming it.
 */
export async function imagesToPdf(images: Array<{ name: string; bytes: Buffer; info: ImageInfo }>, meta: { title: string }): Promise<Buffer> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  pdf.setTitle(meta.title.slice(0, 500));
  pdf.setProducer('lienthong');
  const [a4w, a4h] = PageSizes.A4;
  for (const img of images) {
    let embedded;
    try {
      // pdf-lib reads JPEGs through `new DataView(bytes.buffer)`, ignoring the offset of a Buffer
      // that is a slice of Node's pool: give it bytes that start their own ArrayBuffer.
      const own = img.bytes.byteOffset === 0 && img.bytes.byteLength === img.bytes.buffer.byteLength ? img.bytes : new Uint8Array(img.bytes);
      embedded = img.info.kind === 'jpeg' ? await pdf.embedJpg(own) : await pdf.embedPng(own);
      await embedded.embed();
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw unprocessable(
        `Ảnh "${img.name}" bị hỏng hoặc không đọc được; hãy chụp hoặc lưu lại ảnh rồi gửi lại`,
        `The image "${img.name}" is damaged or unreadable; take or save it again and resend`,
      );
    }
    const turned = img.info.orientation >= 5;
    const dw = turned ? img.info.height : img.info.width;
    const dh = turned ? img.info.width : img.info.height;
    const [pw, ph] = dw > dh ? [a4h, a4w] : [a4w, a4h];
    const scale = Math.min(pw / dw, ph / dh);
    const [w, h] = [dw * scale, dh * scale];
    const [x, y] = [(pw - w) / 2, (ph - h) / 2];
    const page = pdf.addPage([pw, ph]);
    const xobject = page.node.newXObject('Image', embedded.ref);
    // The image XObject fills the unit square, (0,0) at its bottom left: the stored pixel at
    // (s, t) from the top left is at (s, 1 - t). Map three corners to the page.
    const at = (u: number, v: number): [number, number] => {
      const [p, q] = displayed(img.info.orientation, u, 1 - v);
      return [x + p * w, y + (1 - q) * h];
    };
    const [e, f] = at(0, 0);
    const [ux, uy] = at(1, 0);
    const [vx, vy] = at(0, 1);
    page.pushOperators(pushGraphicsState(), concatTransformationMatrix(ux - e, uy - f, vx - e, vy - f, e, f), drawObject(xobject), popGraphicsState());
  }
  return Buffer.from(await pdf.save({ useObjectStreams: false }));
}

export interface PaperDocumentInput {
  /** The "paper senders" unit (orgs/paper-senders.ts). */
  issuerUnitId: string;
  /**
   * The system account, as for what the axis brings: a received document has no author here (an
   * author may read and list it as theirs: policy.ts, outbox.ts). The registering clerk is the
   * actor of `document.registered_paper`, the files' uploader and the delivery's acceptor.
   */
  createdBy: string;
  /** The clerk's unit: the only recipient. */
  recipientUnitId: string;
  type: string;
  subject: string;
  senderName: string;
  number: number | null;
  notation: string | null;
  /** The date printed on the paper (YYYY-MM-DD), when given. */
  signedOn: string | null;
  urgency: Urgency;
  /** In the order they will be listed: the main file first. Already adopted into the store. */
  files: Array<{ name: string; size: number; sha256: string; role: 'main' | 'appendix' }>;
}

/**
 * In the registering transaction: the paper document — already `issued` (it was promulgated on
 * paper by its sender), issued by the paper senders' unit, `sender_name` the sender as the clerk
 * typed it, `signed_on` the date printed on it — with its files and the event
 * `document.registered_paper` (seen by the clerk's unit).
 */
export async function registerPaperDocument(tx: Tx, actor: Actor, d: PaperDocumentInput, at: Date): Promise<DocumentRow> {
  // The date the sender signed, when printed (midnight Vietnam time); else the day it was registered.
  const issuedAt = d.signedOn ? new Date(`${d.signedOn}T00:00:00+07:00`) : at;
  const [row] = await tx.insert(documents).values({
    issuerUnitId: d.issuerUnitId, createdBy: d.createdBy, type: d.type, subject: d.subject, urgency: d.urgency, secrecy: 'none',
    recipients: [d.recipientUnitId], status: 'issued', number: d.number, notation: d.notation, series: null,
    issuedAt, issuedBy: d.createdBy, senderName: d.senderName, signedOn: d.signedOn, createdAt: at, updatedAt: at,
  }).returning();
  const files = await tx.insert(documentFiles).values(d.files.map((f) => ({
    documentId: row!.id, role: f.role, name: f.name, size: f.size, sha256: f.sha256, contentType: 'application/pdf', uploadedBy: actor.userId, createdAt: at,
  }))).returning();
  await recordEvents(tx, [{
    type: 'document.registered_paper', at, actor, documentId: row!.id, unitIds: [d.recipientUnitId],
    data: {
      registeredBy: actor.userId, senderName: d.senderName, type: d.type, number: d.number, notation: d.notation, signedOn: d.signedOn,
      files: files.map((f) => ({ id: f.id, name: f.name, sha256: f.sha256, role: f.role })),
    },
  }]);
  return row!;
}
