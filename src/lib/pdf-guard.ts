import { Transform, type TransformCallback } from 'node:stream';

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
 * Passes bytes through unchanged but fails the stream unless it starts as a PDF does, so a file
 * is judged by its content, not its name, before anything is kept.
 */
export function pdfGuard(): Transform {
  let head: Buffer | null = Buffer.alloc(0);
  const check = (final: boolean): boolean | null => {
    if (!head) return true;
    if (head.subarray(0, WINDOW).includes(MAGIC)) return true;
    if (head.length >= WINDOW + MAGIC.length || final) return false;
    return null;
  };
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      if (!head) return cb(null, chunk);
      head = Buffer.concat([head, chunk]);
      const ok = check(false);
      if (ok === null) return cb();
      if (!ok) return cb(new NotPdfError());
      const out = head;
      head = null;
      cb(null, out);
    },
    flush(cb) {
      if (!head) return cb();
      if (!check(true)) return cb(new NotPdfError());
      const out = head;
      head = null;
      cb(null, out);
    },
  });
}
