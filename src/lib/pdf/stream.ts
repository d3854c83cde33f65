// Stream data as the reader needs it: xref streams and object streams, i.e. unfiltered or
// FlateDecode, optionally with a PNG predictor (ISO 32000-1 7.4.4.4), which writers such as
// Acrobat, qpdf and iText use for xref streams. Anything else is refused.
import zlib from 'node:zlib';
import { get, PdfSyntaxError, type PdfValue } from './lexer.js';

/** Cap on inflated size: a few bytes of deflate can expand to gigabytes. */
const MAX_OUTPUT = 64 * 1024 * 1024;

/** The decoded bytes of a stream whose raw data is `data` and dictionary `dict`; throws if unsupported. */
export function decodeStream(data: Buffer, dict: PdfValue): Buffer {
  const f = dict.t === 'dict' ? dict.v.get('Filter') : undefined;
  const filter = f?.t === 'arr' && f.v.length === 1 ? f.v[0] : f;
  if (filter === undefined) return data;
  if (filter.t !== 'name' || filter.v !== 'FlateDecode') throw new PdfSyntaxError('unsupported stream filter', 0);
  // SYNC_FLUSH: a truncated or checksum-less stream yields what it holds instead of throwing.
  const body = zlib.inflateSync(data, { maxOutputLength: MAX_OUTPUT, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const p = dict.t === 'dict' ? dict.v.get('DecodeParms') : undefined;
  const parms = p?.t === 'arr' && p.v.length === 1 ? p.v[0] : p;
  const predictor = get(parms, 'Predictor', 'num')?.v ?? 1;
  if (predictor === 1) return body;
  if (predictor < 10) throw new PdfSyntaxError('unsupported predictor', 0);
  const colors = get(parms, 'Colors', 'num')?.v ?? 1;
  const bits = get(parms, 'BitsPerComponent', 'num')?.v ?? 8;
  const columns = get(parms, 'Columns', 'num')?.v ?? 1;
  return unpredictPng(body, Math.max(1, Math.ceil((colors * bits) / 8)), Math.ceil((colors * bits * columns) / 8));
}

/**
 * A stream's decoded bytes on demand. Plain Flate is inflated only as far as asked: a prefix of
 * deflate data decodes to a prefix of the output, so fetching the catalog from the front of a
 * 40 kB object stream does not pay for the rest. Other streams are decoded whole, once.
 */
export class DecodedPrefix {
  private out: Buffer | null = null;
  private fed = 0;
  private done = false;
  constructor(private readonly data: Buffer, private readonly dict: PdfValue) {}

  /** The decoded bytes: at least the first `n`, or all of them if there are fewer. */
  upTo(n: number): Buffer {
    if (this.out && (this.done || this.out.length >= n)) return this.out;
    const f = this.dict.t === 'dict' ? this.dict.v.get('Filter') : undefined;
    const flate = (f?.t === 'name' && f.v === 'FlateDecode') || (f?.t === 'arr' && f.v.length === 1 && f.v[0]?.t === 'name' && f.v[0].v === 'FlateDecode');
    if (!flate || get(this.dict, 'DecodeParms', 'dict') || get(this.dict, 'DecodeParms', 'arr')) {
      this.done = true;
      return (this.out = decodeStream(this.data, this.dict));
    }
    // Object streams compress 3-5x: start with half of n, double until enough.
    for (let feed = n === Infinity ? this.data.length : Math.max(2 * this.fed, 1024, Math.floor(n / 2)); ; feed *= 2) {
      this.fed = Math.min(feed, this.data.length);
      this.done = this.fed === this.data.length;
      this.out = zlib.inflateSync(this.data.subarray(0, this.fed), { maxOutputLength: MAX_OUTPUT, finishFlush: zlib.constants.Z_SYNC_FLUSH });
      if (this.done || this.out.length >= n) return this.out;
    }
  }
}

/** Undoes PNG row filters (each row: one filter-type byte, then `rowLen` bytes). */
function unpredictPng(src: Buffer, bpp: number, rowLen: number): Buffer {
  if (!(rowLen > 0 && rowLen < 1 << 20)) throw new PdfSyntaxError('bad predictor columns', 0);
  const rows = Math.floor(src.length / (rowLen + 1));
  const out = Buffer.alloc(rows * rowLen);
  for (let r = 0; r < rows; r++) {
    const type = src[r * (rowLen + 1)]!;
    const s = r * (rowLen + 1) + 1;
    const o = r * rowLen;
    for (let i = 0; i < rowLen; i++) {
      const x = src[s + i]!;
      const left = i >= bpp ? out[o + i - bpp]! : 0;
      const up = r > 0 ? out[o - rowLen + i]! : 0;
      const upLeft = r > 0 && i >= bpp ? out[o - rowLen + i - bpp]! : 0;
      let v: number;
      if (type === 0) v = x;
      else if (type === 1) v = x + left;
      else if (type === 2) v = x + up;
      else if (type === 3) v = x + ((left + up) >> 1);
      else if (type === 4) {
        const pa = Math.abs(up - upLeft);
        const pb = Math.abs(left - upLeft);
        const pc = Math.abs(left + up - 2 * upLeft);
        v = x + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
      } else throw new PdfSyntaxError('bad PNG predictor row', 0);
      out[o + i] = v & 0xff;
    }
  }
  return out;
}
