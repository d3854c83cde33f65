import { Readable } from 'node:stream';

export class NotPdfError extends Error {
  constructor() {
    super('not a PDF');
    this.name = 'NotPdfError';
  }
}

const MAGIC = Buffer.from('%PDF-');
/** PDF readers accept the header anywhere in the first 1024 bytes (ISO 32000 annex H). */
const WINDOW = 1024;
/**
 * The most a structure check holds in memory; a larger file is passed on unchecked (see below).
 * Office documents and most scans are far smaller; the cap keeps an upload's memory bounded
 * whatever the file size (the upload bench streams 200 MB with flat memory).
 */
export const MAX_CHECKED_BYTES = 32 * 1024 * 1024;

export interface PdfCheckOptions {
  /**
   * Called with the whole file (from %PDF- on) once the source has ended; what it throws fails
   * the stream, so the consumer (a store's `stage`) never completes and keeps nothing. The bytes
   * are held in memory for it, so files over `maxCheckedBytes` are not checked (they are checked
   * again where they are used, e.g. the seal's dry run before issuing).
   */
  check?: (pdf: Buffer) => void;
  maxCheckedBytes?: number;
}

/** Where "%PDF-" starts within the first 1024 bytes; -1 if it does not. */
export function pdfHeaderOffset(pdf: Buffer): number {
  return pdf.subarray(0, WINDOW).indexOf(MAGIC);
}

/**
 * The bytes of `source` from "%PDF-" on, failing unless they start as a PDF does — so a file is
 * judged by its content, not its name, before anything is kept. Bytes before the header (which
 * readers skip, taking every offset in the file as counted from "%PDF-") are dropped: what we keep
 * is the PDF itself, so offsets and signature byte ranges mean the same to every reader. The result
 * is pulled lazily: nothing flows (and no error can go unheard) until the consumer reads it.
 */
export function pdfChecked(source: AsyncIterable<Buffer>, opts: PdfCheckOptions = {}): Readable {
  const max = opts.maxCheckedBytes ?? MAX_CHECKED_BYTES;
  async function* checked() {
    let head: Buffer | null = Buffer.alloc(0);
    let kept: Buffer[] | null = opts.check ? [] : null;
    let keptBytes = 0;
    const keep = (b: Buffer) => {
      if (!kept) return;
      keptBytes += b.length;
      if (keptBytes > max) kept = null;
      else kept.push(b);
    };
    for await (const chunk of source) {
      if (!head) {
        keep(chunk);
        yield chunk;
        continue;
      }
      head = Buffer.concat([head, chunk]);
      const at = pdfHeaderOffset(head);
      if (at >= 0) {
        const rest = head.subarray(at);
        head = null;
        keep(rest);
        yield rest;
      } else if (head.length >= WINDOW + MAGIC.length) {
        throw new NotPdfError();
      }
    }
    if (head) {
      const at = pdfHeaderOffset(head);
      if (at < 0) throw new NotPdfError();
      head = head.subarray(at);
      keep(head);
      yield head;
    }
    // A multipart file cut at the size limit ends cleanly with `truncated` set (the parser reports
    // the 413 on its own): the cut file is not judged, so the size error is the one the client sees.
    if ((source as { truncated?: boolean }).truncated) return;
    if (kept && opts.check) {
      const whole = kept.length === 1 ? kept[0]! : Buffer.concat(kept, keptBytes);
      kept = null;
      opts.check(whole);
    }
  }
  return Readable.from(checked(), { objectMode: false });
}
