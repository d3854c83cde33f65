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
 * The bytes of `source`, unchanged, failing unless they start as a PDF does — so a file is
 * judged by its content, not its name, before anything is kept. The result is pulled lazily:
 * nothing flows (and no error can go unheard) until the consumer reads it.
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
      if (head.subarray(0, WINDOW).includes(MAGIC)) {
        yield head;
        head = null;
      } else if (head.length >= WINDOW + MAGIC.length) {
        throw new NotPdfError();
      }
    }
    if (head) {
      if (!head.subarray(0, WINDOW).includes(MAGIC)) throw new NotPdfError();
      yield head;
    }
  }
  return Readable.from(checked(), { objectMode: false });
}
