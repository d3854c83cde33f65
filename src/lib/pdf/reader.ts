// A targeted PDF object reader: follows the cross-reference data from the last startxref and
// lexes only the objects asked for (an object stream is inflated once, and only the members
// looked up are lexed). Signing needs a handful of objects (trailer, catalog, form, one page),
// so this is far cheaper than parsing the whole file the way pdf-lib's PDFDocument.load does.
// When an xref entry is wrong (a common kind of damage that readers repair silently), the file
// is scanned once for "N G obj" headers, as a repairing reader would.
import { get, PdfLexer, PdfSyntaxError, type PdfValue } from './lexer.js';
import { DecodedPrefix } from './stream.js';
import { lastXref, UnsupportedPdfError, type LastXref } from './trailer.js';
import { readXref, type XrefData, type XrefEntry } from './xref.js';

export type Dict = Extract<PdfValue, { t: 'dict' }>;

interface ObjStm {
  body: DecodedPrefix;
  first: number;
  /** [object number, offset from /First] in stream order. */
  members: Array<[number, number]>;
  /** Member offsets, sorted: a member ends where the next one starts. */
  starts: number[];
}

const NULL: PdfValue = { t: 'null' };

export class PdfReader {
  private readonly cache = new Map<number, PdfValue>();
  private readonly objStms = new Map<number, ObjStm | null>();
  /** num -> offset of its last "N G obj" in the file; built on first need only. */
  private scanned: Map<number, number> | null = null;
  private scannedMax = 0;

  private constructor(readonly pdf: Buffer, readonly last: LastXref, private readonly xref: XrefData) {}

  /** Opens `pdf` at its last cross-reference section (see lastXref for what is refused). */
  static open(pdf: Buffer, last: LastXref = lastXref(pdf)): PdfReader {
    let xref: XrefData;
    try {
      xref = readXref(pdf, last.offset);
    } catch (e) {
      throw new UnsupportedPdfError(`the PDF's cross-reference data is damaged (${(e as Error).message}); re-save the PDF before signing`);
    }
    return new PdfReader(pdf, last, xref);
  }

  /** What the cross-reference data says about object `num` (undefined: nothing). */
  xrefEntry(num: number): XrefEntry | undefined {
    return this.xref.entries.get(num);
  }

  /** The trailer entry `key`, newest revision first. */
  trailer(key: string): PdfValue | undefined {
    return this.xref.trailer.get(key);
  }

  /** The highest object number the cross-reference data lists (free entries included). */
  highestListedNumber(): number {
    let max = 0;
    for (const n of this.xref.entries.keys()) if (n > max) max = n;
    return max;
  }

  /**
   * One more than the highest object number in use: the xref entries, and anything a repair scan
   * found. The trailer's /Size is only a claim: a /Size beyond every listed object (a hostile
   * /Size 1000000000) is checked by scanning the file for objects up there, and otherwise ignored,
   * so an update never numbers its objects where readers refuse to go (poppler cannot read an xref
   * whose /Size is that large).
   */
  nextFreeNumber(): number {
    let max = Math.max(this.highestListedNumber(), this.scannedMax);
    if (this.last.size - 1 > max) {
      this.scan();
      max = Math.max(max, Math.min(this.scannedMax, this.last.size - 1));
    }
    return max + 1;
  }

  /** The value of indirect object `num` (a stream's dictionary for a stream); null if free or missing. */
  get(num: number): PdfValue {
    let v = this.cache.get(num);
    if (v === undefined) {
      v = this.load(num);
      this.cache.set(num, v);
    }
    return v;
  }

  /** Follows references (a few levels, against loops); direct values come back as they are. */
  resolve(v: PdfValue | undefined): PdfValue | undefined {
    for (let i = 0; v?.t === 'ref' && i < 8; i++) v = this.get(v.num);
    return v?.t === 'ref' ? undefined : v;
  }

  /** dict[key] resolved, if it is of type `t`. */
  lookup<T extends PdfValue['t']>(d: PdfValue | undefined, key: string, t: T): Extract<PdfValue, { t: T }> | undefined {
    const v = this.resolve(d?.t === 'dict' ? d.v.get(key) : undefined);
    return v?.t === t ? (v as Extract<PdfValue, { t: T }>) : undefined;
  }

  /**
   * Whether the bytes of object `num` may contain any of `needles` ("/Kids"…), checked without
   * lexing it; true when that cannot be told cheaply (the object is then looked at properly).
   */
  mayContain(num: number, needles: string[]): boolean {
    const raw = this.cache.has(num) ? undefined : this.bytesOf(num);
    return !raw || needles.some((n) => raw.includes(n, 0, 'latin1'));
  }

  /** Makes the bytes of `num` available (inflating its object stream that far) without lexing it. */
  prefetch(num: number): void {
    if (!this.cache.has(num)) this.bytesOf(num);
  }

  /** The raw bytes of object `num` (a view), if found cheaply where the xref says. */
  private bytesOf(num: number): Buffer | undefined {
    const e = this.xref.entries.get(num);
    if (e?.type === 1) {
      if (new PdfLexer(this.pdf, e.offset).uint() !== num) return undefined; // a wrong entry
      const to = this.pdf.indexOf('endobj', e.offset, 'latin1');
      return to < 0 || to - e.offset > 1 << 16 ? undefined : this.pdf.subarray(e.offset, to);
    }
    if (e?.type !== 2) return undefined;
    const stm = this.objStm(e.stream);
    const at = stm?.members[e.index]?.[0] === num ? stm.members[e.index]![1] : undefined;
    if (!stm || at === undefined) return undefined;
    const next = firstAbove(stm.starts, at);
    try {
      const bytes = stm.body.upTo(next === undefined ? Infinity : stm.first + next);
      return bytes.subarray(stm.first + at, next === undefined ? bytes.length : stm.first + next);
    } catch {
      return undefined; // damaged further in: get() will tell
    }
  }

  private load(num: number): PdfValue {
    const e = this.xref.entries.get(num);
    if (e?.type === 0) return NULL;
    const found = e?.type === 1 ? this.atOffset(num, e.offset) : e?.type === 2 ? this.compressed(num, e.stream, e.index) : undefined;
    if (found) return found;
    // Missing from the xref or not where it says: repair by scanning (a reference to an object
    // that exists nowhere is the null object).
    return this.fromScan(num) ?? NULL;
  }

  private atOffset(num: number, offset: number): PdfValue | undefined {
    try {
      const o = new PdfLexer(this.pdf, offset).indirectObject();
      return o.num === num ? o.value : undefined;
    } catch {
      return undefined;
    }
  }

  private compressed(num: number, stream: number, index: number): PdfValue | undefined {
    const stm = this.objStm(stream);
    if (!stm) return undefined;
    let at = stm.members[index]?.[0] === num ? stm.members[index]![1] : -1;
    if (at < 0) at = stm.members.find(([n]) => n === num)?.[1] ?? -1;
    if (at < 0) return undefined;
    try {
      const next = firstAbove(stm.starts, at);
      const body = stm.body.upTo(next === undefined ? Infinity : stm.first + next);
      return new PdfLexer(body, stm.first + at).value();
    } catch {
      return undefined;
    }
  }

  /** Object stream `num`, inflated and its header read, once; null if unreadable. */
  private objStm(num: number, offset?: number): ObjStm | null {
    let s = this.objStms.get(num);
    if (s !== undefined) return s;
    s = null;
    const e = this.xref.entries.get(num);
    const at = offset ?? (e?.type === 1 ? e.offset : this.scan().get(num));
    if (this.xref.trailer.has('Encrypt')) throw new UnsupportedPdfError('object streams of encrypted PDFs cannot be read here');
    try {
      const o = at === undefined ? undefined : new PdfLexer(this.pdf, at).indirectObject();
      if (o?.data && o.num === num && get(o.value, 'Type', 'name')?.v === 'ObjStm') {
        let [from, to] = o.data;
        const len = this.resolve(o.value.t === 'dict' ? o.value.v.get('Length') : undefined);
        // An indirect /Length: the lexer had to guess the end from "endstream"; use the real one.
        if (len?.t === 'num' && from + len.v <= this.pdf.length && new PdfLexer(this.pdf, from + len.v).keyword('endstream')) to = from + len.v;
        const body = new DecodedPrefix(this.pdf.subarray(from, to), o.value);
        const n = get(o.value, 'N', 'num')?.v ?? 0;
        const first = get(o.value, 'First', 'num')?.v ?? 0;
        const lx = new PdfLexer(body.upTo(first));
        const members: Array<[number, number]> = [];
        for (let i = 0; i < n; i++) {
          const m = lx.uint();
          const off = lx.uint();
          if (m === null || off === null) break;
          members.push([m, off]);
        }
        s = { body, first, members, starts: members.map(([, off]) => off).sort((a, b) => a - b) };
      }
    } catch (err) {
      if (err instanceof UnsupportedPdfError) throw err;
      s = null;
    }
    this.objStms.set(num, s);
    return s;
  }

  private fromScan(num: number): PdfValue | undefined {
    const at = this.scan().get(num);
    if (at !== undefined) return this.atOffset(num, at);
    // Perhaps a member of an object stream the xref does not list: look through those found.
    for (const [stmNum, off] of this.scan()) {
      if (!this.objStms.has(stmNum) && !this.looksLikeObjStm(off)) continue;
      const stm = this.objStm(stmNum, off);
      const idx = stm?.members.findIndex(([n]) => n === num) ?? -1;
      if (idx >= 0) return this.compressed(num, stmNum, idx);
    }
    return undefined;
  }

  private looksLikeObjStm(off: number): boolean {
    const head = this.pdf.toString('latin1', off, Math.min(this.pdf.length, off + 200));
    return head.includes('/ObjStm');
  }

  /** Every "N G obj" header in the file, the last occurrence of each number winning. */
  private scan(): Map<number, number> {
    if (this.scanned) return this.scanned;
    const found = new Map<number, number>();
    const b = this.pdf;
    for (let k = b.indexOf('obj', 0, 'latin1'); k >= 0; k = b.indexOf('obj', k + 3, 'latin1')) {
      const start = headerStart(b, k);
      if (start < 0) continue;
      const lx = new PdfLexer(b, start);
      const num = lx.uint();
      if (num === null || lx.uint() === null || !lx.keyword('obj')) continue;
      found.set(num, start);
      if (num > this.scannedMax && num < 1e7) this.scannedMax = num;
    }
    this.scanned = found;
    return found;
  }
}

/** The first of the sorted `xs` above `at` (binary search: an object stream may hold 100,000 members). */
function firstAbove(xs: number[], at: number): number | undefined {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= at) lo = mid + 1;
    else hi = mid;
  }
  return xs[lo];
}

/** Where "N G obj" begins, given the offset of "obj"; -1 if the digits are not there. */
export function headerStart(b: Buffer, k: number): number {
  let p = k;
  if (!isS(b[p - 1])) return -1;
  for (let part = 0; part < 2; part++) {
    while (isS(b[p - 1])) p--;
    if (!isD(b[p - 1])) return -1;
    while (isD(b[p - 1])) p--;
  }
  return p;
}

function isD(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}
function isS(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
}

/** Wraps reading errors of a PDF the caller wants to change into UnsupportedPdfError. */
export function readingErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof UnsupportedPdfError) throw e;
    if (e instanceof PdfSyntaxError) throw new UnsupportedPdfError(`cannot read the PDF: ${e.message}`);
    throw e;
  }
}
