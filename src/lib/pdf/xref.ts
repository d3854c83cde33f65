// The cross-reference data of every revision (ISO 32000-1 7.5.4, 7.5.8): classic tables, xref
// streams, hybrid files (a table whose trailer names an /XRefStm) and /Prev chains, merged so
// that the newest entry for each object number wins. Objects themselves are read by reader.ts.
import { get, PdfLexer, PdfSyntaxError, type PdfValue } from './lexer.js';
import { decodeStream } from './stream.js';

export type XrefEntry =
  | { type: 0 } // free
  | { type: 1; offset: number; gen: number } // at a byte offset
  | { type: 2; stream: number; index: number }; // member `index` of object stream `stream`

export interface XrefData {
  entries: Map<number, XrefEntry>;
  /** Trailer entries, the newest revision's value of each key. */
  trailer: Map<string, PdfValue>;
}

/** Hostile /Prev chains can be long or circular; real files have a handful of revisions. */
const MAX_SECTIONS = 4096;

/** Reads the section at `offset` (the last startxref) and every older one; throws if that first one is unreadable. */
export function readXref(pdf: Buffer, offset: number): XrefData {
  const data: XrefData = { entries: new Map(), trailer: new Map() };
  const seen = new Set<number>();
  for (let at: number | undefined = offset; at !== undefined; ) {
    if (seen.has(at) || seen.size >= MAX_SECTIONS) break;
    seen.add(at);
    let dict: PdfValue;
    try {
      dict = readSection(pdf, at, data.entries);
    } catch (e) {
      if (at === offset) throw e;
      break; // an older revision is damaged: keep what the newer ones say (the reader scans for the rest)
    }
    if (dict.t !== 'dict') break;
    for (const [k, v] of dict.v) if (!data.trailer.has(k)) data.trailer.set(k, v);
    const prev = get(dict, 'Prev', 'num')?.v;
    at = prev !== undefined && Number.isSafeInteger(prev) && prev >= 0 && prev < pdf.length ? prev : undefined;
  }
  return data;
}

/** One section's entries (only numbers not yet known are set); returns its trailer dictionary. */
function readSection(pdf: Buffer, offset: number, entries: Map<number, XrefEntry>): PdfValue {
  const lx = new PdfLexer(pdf, offset);
  if (!lx.keyword('xref')) return readXrefStream(pdf, offset, entries);
  for (;;) {
    const start = lx.uint();
    if (start === null) break;
    const count = lx.uint();
    if (count === null) throw new PdfSyntaxError('bad xref subsection header', lx.pos);
    for (let i = 0; i < count; i++) {
      const off = lx.uint();
      const gen = lx.uint();
      lx.skipWs();
      const kind = pdf[lx.pos++];
      if (off === null || gen === null || (kind !== 0x6e && kind !== 0x66)) throw new PdfSyntaxError('bad xref entry', lx.pos);
      if (!entries.has(start + i)) entries.set(start + i, kind === 0x6e ? { type: 1, offset: off, gen } : { type: 0 });
    }
  }
  if (!lx.keyword('trailer')) throw new PdfSyntaxError('xref table without trailer', lx.pos);
  const dict = lx.value();
  // Hybrid file: the xref stream holds what readers of PDF 1.5+ see in addition to the table,
  // checked after the table and before /Prev (ISO 32000-1 7.5.8.4).
  const stm = get(dict, 'XRefStm', 'num')?.v;
  if (stm !== undefined && stm >= 0 && stm < pdf.length) {
    try {
      readXrefStream(pdf, stm, entries);
    } catch {
      /* a broken /XRefStm: the table still describes the file for pre-1.5 readers */
    }
  }
  return dict;
}

function readXrefStream(pdf: Buffer, offset: number, entries: Map<number, XrefEntry>): PdfValue {
  const obj = new PdfLexer(pdf, offset).indirectObject();
  if (get(obj.value, 'Type', 'name')?.v !== 'XRef' || !obj.data) throw new PdfSyntaxError('not an xref stream', offset);
  const body = decodeStream(pdf.subarray(obj.data[0], obj.data[1]), obj.value);
  const w = (get(obj.value, 'W', 'arr')?.v ?? []).map((x) => (x.t === 'num' && Number.isInteger(x.v) && x.v >= 0 && x.v <= 8 ? x.v : -1));
  if (w.length !== 3 || w.includes(-1)) throw new PdfSyntaxError('bad /W in xref stream', offset);
  const [w0, w1, w2] = w as [number, number, number];
  const size = get(obj.value, 'Size', 'num')?.v ?? 0;
  const index = (get(obj.value, 'Index', 'arr')?.v ?? [{ t: 'num', v: 0 }, { t: 'num', v: size }]).map((x) => (x.t === 'num' ? x.v : -1));
  const row = w0 + w1 + w2;
  // A row of no bytes would list /Size entries out of nothing (and loop that often).
  if (row === 0) throw new PdfSyntaxError('bad /W in xref stream', offset);
  let p = 0;
  const field = (width: number) => {
    let v = 0;
    for (let i = 0; i < width; i++) v = v * 256 + body[p++]!;
    return v;
  };
  for (let k = 0; k + 1 < index.length; k += 2) {
    const [start, count] = [index[k]!, index[k + 1]!];
    if (!(Number.isSafeInteger(start) && Number.isSafeInteger(count) && start >= 0 && count >= 0)) throw new PdfSyntaxError('bad /Index', offset);
    for (let i = 0; i < count && p + row <= body.length; i++) {
      const type = w0 ? field(w0) : 1;
      const f2 = field(w1);
      const f3 = field(w2);
      if (entries.has(start + i)) continue;
      if (type === 0) entries.set(start + i, { type: 0 });
      else if (type === 1) entries.set(start + i, { type: 1, offset: f2, gen: f3 });
      else if (type === 2) entries.set(start + i, { type: 2, stream: f2, index: f3 });
      // Other types are reserved: a reference to them is the null object.
    }
  }
  return obj.value;
}
