// Zero-copy BER/DER reader, kept for one hot path only: walking the CMS in verify.ts (see there
// for why asn1js/pkijs are too slow for it); everything else reads ASN.1 with asn1js/pkijs.
//
// A node is a set of offsets into the caller's buffer; nothing is copied or decoded until asked
// for, so reading a SignerInfo out of a 10 KB CMS touches a few hundred bytes. BER tolerance matches what asn1js accepted: indefinite
// lengths (Windows/Java and `openssl cms -stream` output), constructed strings, non-minimal
// lengths; trailing bytes after the top element are ignored (PDF /Contents is zero-padded).

export interface Asn {
  readonly buf: Buffer;
  /** 0 universal, 1 application, 2 context-specific, 3 private. */
  readonly cls: number;
  readonly cons: boolean;
  /** Tag number (high-tag-number form decoded). */
  readonly num: number;
  /** Offsets: identifier, first content byte, end of content, end of element (after an EOC). */
  readonly start: number;
  readonly body: number;
  readonly bodyEnd: number;
  readonly end: number;
}

const MAX_DEPTH = 200;

function fail(msg: string): never {
  throw new Error(`ASN.1 parse error: ${msg}`);
}

function read(buf: Buffer, pos: number, limit: number, depth: number): Asn {
  if (depth > MAX_DEPTH) fail('nested too deeply');
  if (pos >= limit) fail('truncated');
  const id = buf[pos]!;
  let p = pos + 1;
  let num = id & 0x1f;
  if (num === 0x1f) {
    num = 0;
    let c: number;
    do {
      if (p >= limit || num > 0xffffff) fail('bad tag');
      c = buf[p++]!;
      num = num * 128 + (c & 0x7f);
    } while (c & 0x80);
  }
  if (p >= limit) fail('truncated');
  const cons = (id & 0x20) !== 0;
  let len = buf[p++]!;
  if (len === 0x80) {
    if (!cons) fail('indefinite length on a primitive');
    const body = p;
    for (let q = body; ; ) {
      if (q + 2 > limit) fail('missing end-of-contents');
      if (buf[q] === 0 && buf[q + 1] === 0) return { buf, cls: id >> 6, cons, num, start: pos, body, bodyEnd: q, end: q + 2 };
      q = read(buf, q, limit, depth + 1).end;
    }
  }
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n > 4 || p + n > limit) fail('bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
  }
  if (p + len > limit) fail('truncated');
  return { buf, cls: id >> 6, cons, num, start: pos, body: p, bodyEnd: p + len, end: p + len };
}

/** The first element of `buf` (trailing bytes are ignored). */
export function parse(buf: Buffer): Asn {
  return read(buf, 0, buf.length, 0);
}

/** Children of a constructed node; [] for a primitive or missing one (like `der.kids`). */
export function kids(n: Asn | undefined): Asn[] {
  if (!n?.cons) return [];
  const out: Asn[] = [];
  for (let p = n.body; p < n.bodyEnd; ) {
    const k = read(n.buf, p, n.bodyEnd, 1);
    out.push(k);
    p = k.end;
  }
  return out;
}

/** The exact encoded bytes of a node (a view, not a copy). */
export const raw = (n: Asn): Buffer => n.buf.subarray(n.start, n.end);

/** Content octets of a primitive node, or of a BER constructed string (concatenated). */
export function bytes(n: Asn | undefined, depth = 0): Buffer {
  if (!n) fail('missing element');
  if (!n.cons) return n.buf.subarray(n.body, n.bodyEnd);
  if (depth > MAX_DEPTH) fail('nested too deeply');
  return Buffer.concat(kids(n).map((k) => bytes(k, depth + 1)));
}

export const isUniversal = (n: Asn | undefined, num: number): boolean => !!n && n.cls === 0 && n.num === num;
export const isSequence = (n: Asn | undefined): boolean => isUniversal(n, 16) && n!.cons;
export const isContext = (n: Asn | undefined, num: number): boolean => !!n && n.cls === 2 && n.num === num;

/** Dotted OBJECT IDENTIFIER; arcs beyond 2^53 (UUID OIDs) are decoded exactly with BigInt. */
export function oid(n: Asn | undefined): string {
  if (!isUniversal(n, 6) || n!.cons || n!.body === n!.bodyEnd) fail('expected OBJECT IDENTIFIER');
  const { buf, body, bodyEnd } = n!;
  const arcs: (number | bigint)[] = [];
  let v = 0;
  let big: bigint | null = null;
  for (let i = body; i < bodyEnd; i++) {
    const c = buf[i]!;
    if (big !== null) big = big * 128n + BigInt(c & 0x7f);
    else if (v >= 2 ** 45) big = BigInt(v) * 128n + BigInt(c & 0x7f);
    else v = v * 128 + (c & 0x7f);
    if (c & 0x80) continue;
    arcs.push(big ?? v);
    v = 0;
    big = null;
  }
  if (buf[bodyEnd - 1]! & 0x80) fail('truncated OBJECT IDENTIFIER');
  const first = arcs[0]!;
  const head = typeof first === 'bigint' ? `2.${first - 80n}` : first < 40 ? `0.${first}` : first < 80 ? `1.${first - 40}` : `2.${first - 80}`;
  return arcs.length === 1 ? head : `${head}.${arcs.slice(1).join('.')}`;
}

/** A small non-negative INTEGER (lengths, versions, salt sizes). */
export function smallInt(n: Asn | undefined): number {
  if (!isUniversal(n, 2) || n!.cons || n!.bodyEnd - n!.body > 6 || n!.body === n!.bodyEnd) fail('expected a small INTEGER');
  if (n!.buf[n!.body]! & 0x80) fail('negative INTEGER');
  return n!.buf.readUIntBE(n!.body, n!.bodyEnd - n!.body);
}
