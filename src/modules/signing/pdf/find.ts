// Finds signature dictionaries by scanning the raw bytes of every revision, not by following
// the xref chain: a verifier must see every signature ever appended, also in damaged files,
// and must judge each /ByteRange against the exact bytes, which only a raw scan can do.
import { get, PdfLexer, type PdfValue } from './lexer.js';
import { headerStart } from './reader.js';
import { skipValue } from './skip.js';
import { decodeStream } from './stream.js';
import { decodeTextString, parsePdfDate } from './text.js';

export interface FoundSignature {
  fieldName: string | null;
  byteRange: [number, number, number, number];
  /** The DER, its length taken from the ASN.1 header (the placeholder's zero padding removed). */
  contents: Buffer;
  subFilter: string | null;
  signingTime: Date | null;
  name: string | null;
  reason: string | null;
  /** byteRange[2] + byteRange[3] === pdf.length */
  coversWholeDocument: boolean;
  /** byteRange starts at 0, its gap is exactly the /Contents hex string, and it lies within the file. */
  wellFormed: boolean;
}

type Dict = Extract<PdfValue, { t: 'dict' }>;
/** An object not lexed yet (it cannot hold a signature or a field's /V). */
interface Lazy {
  body: Buffer;
  at: number;
}
type Objects = Map<string, Dict | Lazy>;
/**
 * Only objects whose bytes contain one of these are lexed: a signature has /ByteRange, the field
 * holding it /V, and "#" could spell either as a name escape. The rest are left for lookups by
 * number (a field's /Parent).
 */
const NEEDLES = ['/ByteRange', '/V', '#'].map((n) => Buffer.from(n, 'latin1'));
const OBJ = Buffer.from('obj', 'latin1');
interface SigHit {
  dict: Dict;
  inFile: boolean; // offsets refer to the file (false inside an object stream)
  ref: string | null; // "num gen" when the signature dictionary is an indirect object
  field: Dict | null; // the field holding it, when /V is a direct dictionary
}

/** Every signature dictionary in the file (all revisions), in file order; never throws. */
export function findSignatures(pdf: Buffer): FoundSignature[] {
  try {
    return scan(pdf);
  } catch {
    return [];
  }
}

function scan(pdf: Buffer): FoundSignature[] {
  const hits: SigHit[] = [];
  const objects: Objects = new Map(); // latest definition of each indirect dictionary
  const visit = (value: PdfValue, ref: string | null, inFile: boolean) => {
    if (value.t !== 'dict') return;
    if (ref) objects.set(ref, value);
    collect(value, ref, null, inFile, hits, 0);
  };
  let pos = 0;
  for (;;) {
    const k = pdf.indexOf(OBJ, pos);
    if (k < 0) break;
    const start = headerStart(pdf, k);
    pos = k + 3;
    if (start < 0) continue;
    try {
      const lx = new PdfLexer(pdf, start);
      const ref = `${lx.uint()} ${lx.uint()}`;
      if (!lx.keyword('obj')) continue;
      lx.skipWs();
      const at = lx.pos;
      skipValue(lx); // its extent only: most objects need no lexing (see NEEDLES)
      if (!lx.keyword('stream')) {
        pos = Math.max(pos, lx.pos);
        if (NEEDLES.some((n) => pdf.subarray(at, lx.pos).includes(n))) visit(new PdfLexer(pdf, at).value(), ref, true);
        else objects.set(ref, { body: pdf, at });
        continue;
      }
      // A stream: its dictionary is read for /Length (to skip the data) and /Type.
      const o = new PdfLexer(pdf, start).indirectObject();
      pos = Math.max(pos, o.end);
      visit(o.value, ref, true);
      if (o.data && get(o.value, 'Type', 'name')?.v === 'ObjStm') {
        for (const [num, member] of objectStream(pdf.subarray(o.data[0], o.data[1]), o.value)) {
          if ('t' in member) visit(member, `${num} 0`, false);
          else objects.set(`${num} 0`, member);
        }
      }
    } catch {
      // Not an object after all (or a damaged one): keep scanning after this "obj".
    }
  }
  return hits.map((h) => describe(pdf, h, objects));
}

/** Signature dictionaries anywhere inside `d` (a field's /V may hold one directly). */
function collect(d: Dict, ref: string | null, parent: Dict | null, inFile: boolean, out: SigHit[], depth: number) {
  if (depth > 8) return;
  if (d.v.has('ByteRange') && d.v.has('Contents')) {
    out.push({ dict: d, inFile, ref, field: parent });
    return;
  }
  for (const v of d.v.values()) if (v.t === 'dict') collect(v, null, d, inFile, out, depth + 1);
}

/** The objects of an object stream (ISO 32000-1 7.5.7), [] if unreadable; members are lexed as NEEDLES says. */
function objectStream(data: Buffer, dict: PdfValue): Array<[number, PdfValue | Lazy]> {
  try {
    const body = decodeStream(data, dict);
    const n = get(dict, 'N', 'num')?.v ?? 0;
    const first = get(dict, 'First', 'num')?.v ?? 0;
    const lx = new PdfLexer(body);
    const heads: Array<[number, number]> = [];
    for (let i = 0; i < n; i++) {
      const num = lx.uint();
      const off = lx.uint();
      if (num === null || off === null) break;
      heads.push([num, first + off]);
    }
    // A hit at byte k lies in the member with the largest start <= k (members are contiguous).
    const starts = [...new Set(heads.map(([, at]) => at))].sort((a, b) => a - b);
    const wanted = new Set<number>(); // starts of the members to lex
    for (const needle of NEEDLES) {
      for (let k = body.indexOf(needle, first); k >= 0; k = body.indexOf(needle, k + 1)) {
        let lo = 0;
        let hi = starts.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (starts[mid]! <= k) lo = mid + 1;
          else hi = mid;
        }
        if (lo === 0) continue; // before the first member
        wanted.add(starts[lo - 1]!);
        k = Math.max(k, (starts[lo] ?? body.length) - 1); // on to the next member
      }
    }
    const out: Array<[number, PdfValue | Lazy]> = [];
    for (const [num, at] of heads) {
      if (!wanted.has(at)) {
        out.push([num, { body, at }]);
        continue;
      }
      try {
        out.push([num, new PdfLexer(body, at).value()]);
      } catch {
        /* skip the damaged member */
      }
    }
    return out;
  } catch {
    return [];
  }
}

/** An object by "num gen", lexing a lazy object-stream member on first use. */
function lookupDict(objects: Objects, ref: string): Dict | null {
  const o = objects.get(ref);
  if (!o || 't' in o) return o ?? null;
  let v: PdfValue | null = null;
  try {
    v = new PdfLexer(o.body, o.at).value();
  } catch {
    /* damaged */
  }
  const d = v?.t === 'dict' ? v : null;
  if (d) objects.set(ref, d);
  else objects.delete(ref);
  return d;
}

function describe(pdf: Buffer, h: SigHit, objects: Objects): FoundSignature {
  const d = h.dict;
  const br = get(d, 'ByteRange', 'arr')?.v ?? [];
  const nums = br.map((x) => (x.t === 'num' && Number.isSafeInteger(x.v) && x.v >= 0 ? x.v : -1));
  const byteRange: [number, number, number, number] =
    nums.length === 4 && nums.every((n) => n >= 0) ? [nums[0]!, nums[1]!, nums[2]!, nums[3]!] : [0, 0, 0, 0];
  const contents = get(d, 'Contents', 'str');
  const text = (key: string) => {
    const s = get(d, key, 'str');
    return s ? decodeTextString(s.v) : null;
  };
  const m = text('M');
  const wellFormed =
    h.inFile &&
    nums.length === 4 &&
    nums.every((n) => n >= 0) &&
    contents?.hex === true &&
    byteRange[0] === 0 &&
    byteRange[1] === contents.start &&
    byteRange[2] === contents.end &&
    byteRange[2] + byteRange[3] <= pdf.length;
  return {
    fieldName: fieldName(h, objects),
    byteRange,
    contents: contents ? derPrefix(contents.v) : Buffer.alloc(0),
    subFilter: get(d, 'SubFilter', 'name')?.v ?? null,
    signingTime: m === null ? null : parsePdfDate(m),
    name: text('Name'),
    reason: text('Reason'),
    coversWholeDocument: nums.length === 4 && byteRange[2] + byteRange[3] === pdf.length,
    wellFormed,
  };
}

/** The fully qualified name of the field whose /V is this signature (parents joined by "."). */
function fieldName(h: SigHit, objects: Objects): string | null {
  let field = h.field;
  if (!field && h.ref) {
    for (const d of objects.values()) {
      if (!('t' in d)) continue; // a lazy member has no /V
      const v = d.v.get('V');
      if (v?.t === 'ref' && `${v.num} ${v.gen}` === h.ref) field = d; // the latest revision wins
    }
  }
  const parts: string[] = [];
  for (let i = 0; field && i < 32; i++) {
    const t = get(field, 'T', 'str');
    if (t) parts.unshift(decodeTextString(t.v));
    const p = field.v.get('Parent');
    field = p?.t === 'ref' ? lookupDict(objects, `${p.num} ${p.gen}`) : null;
  }
  return parts.length ? parts.join('.') : null;
}

/**
 * The leading BER/DER element of a zero-padded /Contents. Its end comes from the ASN.1 length
 * (definite or indefinite), because a DER may itself end in zero bytes that blind stripping
 * would cut off. An unsigned placeholder (all zeros) gives an empty buffer.
 */
export function derPrefix(b: Buffer): Buffer {
  if (b.every((x) => x === 0)) return Buffer.alloc(0);
  try {
    return b.subarray(0, berEnd(b, 0, 0));
  } catch {
    return b;
  }
}

function berEnd(b: Buffer, pos: number, depth: number): number {
  if (depth > 64) throw new Error('BER nesting too deep');
  const tag = b[pos];
  if (tag === undefined) throw new Error('truncated BER');
  let p = pos + 1;
  if ((tag & 0x1f) === 0x1f) while ((b[p++] ?? 0) & 0x80);
  const l = b[p++];
  if (l === undefined) throw new Error('truncated BER');
  if (l === 0x80) {
    if (!(tag & 0x20)) throw new Error('indefinite length on a primitive');
    while (!(b[p] === 0 && b[p + 1] === 0)) p = berEnd(b, p, depth + 1);
    return p + 2;
  }
  let len = l;
  if (l > 0x80) {
    const n = l & 0x7f;
    if (n > 4) throw new Error('BER length too long');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (b[p++] ?? 0);
  }
  if (p + len > b.length) throw new Error('BER runs past the end');
  return p + len;
}
