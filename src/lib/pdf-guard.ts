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
 * The largest file the upload's structure check reads back from staging into memory; a larger one
 * (a big scan) is left to the seal's dry run at issue, so an upload's memory stays bounded.
 */
export const MAX_CHECKED_BYTES = 32 * 1024 * 1024;

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
export function pdfChecked(source: AsyncIterable<Buffer>): Readable {
  async function* checked() {
    let head: Buffer | null = Buffer.alloc(0);
    for await (const chunk of source) {
      if (!head) {
        yield chunk;
        continue;
      }
      head = Buffer.concat([head, chunk]);
      const at = pdfHeaderOffset(head);
      if (at >= 0) {
        const rest = head.subarray(at);
        head = null;
        yield rest;
      } else if (head.length >= WINDOW + MAGIC.length) {
        throw new NotPdfError();
      }
    }
    if (head) {
      const at = pdfHeaderOffset(head);
      if (at < 0) throw new NotPdfError();
      head = head.subarray(at);
      yield head;
    }
  }
  return Readable.from(checked(), { objectMode: false });
}
