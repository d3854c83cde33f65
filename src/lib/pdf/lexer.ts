// A deliberately small PDF object reader working on raw bytes and keeping byte offsets.
// pdf-lib hides offsets and normalises what it reads, but signature checks are about exact
// bytes (where /Contents starts and ends, where the last xref is), so we read those ourselves.
// Everything here throws PdfSyntaxError on bad input; callers decide whether that is fatal.

export class PdfSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at byte ${offset}`);
    this.name = 'PdfSyntaxError';
  }
}

export type PdfValue =
  | { t: 'num'; v: number }
  | { t: 'name'; v: string }
  | { t: 'str'; v: Buffer; hex: boolean; start: number; end: number } // start/end include the delimiters
  | { t: 'arr'; v: PdfValue[] }
  | { t: 'dict'; v: Map<string, PdfValue>; start: number; end: number }
  | { t: 'ref'; num: number; gen: number }
  | { t: 'bool'; v: boolean }
  | { t: 'null' };

// Character classes as a table (1 = whitespace, 2 = delimiter, 0 = regular): the lexer's inner loops.
const CLASS = new Uint8Array(256);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) CLASS[c] = 1;
for (const c of [0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]) CLASS[c] = 2;
// Hex digit values, 255 = not a hex digit.
const HEX = new Uint8Array(256).fill(255);
for (let i = 0; i < 16; i++) HEX['0123456789abcdef'.charCodeAt(i)] = HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
const ESCAPES: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12, 0x28: 0x28, 0x29: 0x29, 0x5c: 0x5c };
// Nesting cap: hostile files can nest arrays a million deep to blow the stack.
const MAX_DEPTH = 64;

export const isWs = (c: number | undefined) => c !== undefined && CLASS[c] === 1;
export const isRegular = (c: number | undefined) => c !== undefined && CLASS[c] === 0;
const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;
const isUint = (v: number) => Number.isSafeInteger(v) && v >= 0;

export class PdfLexer {
  constructor(readonly buf: Buffer, public pos = 0) {}

  /** Skips whitespace and comments. */
  skipWs(): void {
    const b = this.buf;
    while (this.pos < b.length) {
      const c = b[this.pos]!;
      if (CLASS[c] === 1) this.pos++;
      else if (c === 0x25) {
        while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
      } else break;
    }
  }

  /** True (and consumes it) if the next token is exactly `word`. */
  keyword(word: string): boolean {
    this.skipWs();
    const end = this.pos + word.length;
    if (end > this.buf.length) return false;
    for (let i = 0; i < word.length; i++) if (this.buf[this.pos + i] !== word.charCodeAt(i)) return false;
    if (isRegular(this.buf[end])) return false;
    this.pos = end;
    return true;
  }

  /** A non-negative integer token, or null (position unchanged). */
  uint(): number | null {
    this.skipWs();
    const b = this.buf;
    let p = this.pos;
    let n = 0;
    for (let c = b[p]; c !== undefined && c >= 0x30 && c <= 0x39; c = b[++p]) n = n * 10 + (c - 0x30);
    if (p === this.pos || p - this.pos > 15 || isRegular(b[p])) return null;
    this.pos = p;
    return n;
  }

  /** A number token (integer or real) at the current position. */
  number(): number {
    const int = this.uint();
    if (int !== null) return int;
    const b = this.buf;
    let p = this.pos;
    let text = '';
    while (isRegular(b[p]) && p - this.pos < 32) text += String.fromCharCode(b[p++]!);
    if (isRegular(b[p])) throw new PdfSyntaxError('bad number', this.pos);
    const v = Number(text);
    if (!Number.isFinite(v) || text === '') throw new PdfSyntaxError('bad number', this.pos);
    this.pos = p;
    return v;
  }

  value(depth = 0): PdfValue {
    if (depth > MAX_DEPTH) throw new PdfSyntaxError('nesting too deep', this.pos);
    this.skipWs();
    const b = this.buf;
    const start = this.pos;
    const c = b[start];
    if (c === undefined) throw new PdfSyntaxError('unexpected end of file', start);
    if (c === 0x3c && b[start + 1] === 0x3c) return this.dict(depth);
    if (c === 0x3c) return this.hexString();
    if (c === 0x28) return this.literalString();
    if (c === 0x2f) return { t: 'name', v: this.name() };
    if (c === 0x5b) {
      this.pos++;
      const v: PdfValue[] = [];
      for (;;) {
        this.skipWs();
        const d = b[this.pos];
        if (d === 0x5d) break;
        // Numbers in arrays are read without looking ahead for "N G R" (arrays of hundreds of
        // numbers, like font widths, would be read twice); an "R" makes the last two a reference.
        if (d === 0x52 && !isRegular(b[this.pos + 1]) && v.length >= 2) {
          const [n, g] = [v[v.length - 2]!, v[v.length - 1]!];
          if (n.t === 'num' && g.t === 'num' && isUint(n.v) && isUint(g.v)) {
            v.length -= 2;
            v.push({ t: 'ref', num: n.v, gen: g.v });
            this.pos++;
            continue;
          }
        }
        v.push(d !== undefined && (isDigit(d) || d === 0x2d || d === 0x2b || d === 0x2e) ? { t: 'num', v: this.number() } : this.value(depth + 1));
      }
      this.pos++;
      return { t: 'arr', v };
    }
    if (isDigit(c) || c === 0x2d || c === 0x2b || c === 0x2e) {
      // "12 0 R" is a reference; anything else starting with a digit is a number.
      const num = this.uint();
      if (num !== null) {
        const afterNum = this.pos;
        const gen = this.uint();
        if (gen !== null && this.keyword('R')) return { t: 'ref', num, gen };
        this.pos = afterNum;
        return { t: 'num', v: num };
      }
      return { t: 'num', v: this.number() };
    }
    if (this.keyword('true')) return { t: 'bool', v: true };
    if (this.keyword('false')) return { t: 'bool', v: false };
    if (this.keyword('null')) return { t: 'null' };
    throw new PdfSyntaxError('unexpected token', start);
  }

  private dict(depth: number): PdfValue {
    const start = this.pos;
    this.pos += 2;
    const v = new Map<string, PdfValue>();
    for (;;) {
      this.skipWs();
      if (this.buf[this.pos] === 0x3e && this.buf[this.pos + 1] === 0x3e) break;
      if (this.buf[this.pos] !== 0x2f) throw new PdfSyntaxError('expected a name key', this.pos);
      const key = this.name();
      v.set(key, this.value(depth + 1));
    }
    this.pos += 2;
    return { t: 'dict', v, start, end: this.pos };
  }

  private name(): string {
    this.pos++; // '/'
    const b = this.buf;
    let p = this.pos;
    let escaped = false;
    for (let c = b[p]; c !== undefined && CLASS[c] === 0; c = b[++p]) if (c === 0x23) escaped = true;
    // #xx escapes are decoded so "/Adobe#2EPPKLite" compares equal to "/Adobe.PPKLite".
    // Short names are decoded here: a native toString costs more than the copy for those.
    let raw = '';
    if (p - this.pos <= 24) for (let i = this.pos; i < p; i++) raw += String.fromCharCode(b[i]!);
    else raw = b.toString('latin1', this.pos, p);
    this.pos = p;
    if (!escaped) return raw;
    return raw.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  }

  private hexString(): PdfValue {
    const b = this.buf;
    const start = this.pos;
    const end = b.indexOf(0x3e, start + 1);
    if (end < 0) throw new PdfSyntaxError('unterminated hex string', start);
    // A signature's /Contents is tens of kilobytes of hex, read on every verify: the native
    // decoder when the digits come in pairs without whitespace (it stops at the first non-hex
    // pair, so a short result means there was something else), by hand otherwise.
    if ((end - start - 1) % 2 === 0) {
      const fast = Buffer.from(b.toString('latin1', start + 1, end), 'hex');
      if (fast.length * 2 === end - start - 1) {
        this.pos = end + 1;
        return { t: 'str', v: fast, hex: true, start, end: this.pos };
      }
    }
    const out = Buffer.allocUnsafe((end - start) >> 1);
    let n = 0;
    let hi = -1;
    for (let p = start + 1; p < end; p++) {
      const c = b[p]!;
      const v = HEX[c]!;
      if (v === 255) {
        if (CLASS[c] === 1) continue;
        throw new PdfSyntaxError('bad hex string', start);
      }
      if (hi < 0) hi = v;
      else {
        out[n++] = (hi << 4) | v;
        hi = -1;
      }
    }
    if (hi >= 0) out[n++] = hi << 4;
    this.pos = end + 1;
    return { t: 'str', v: out.subarray(0, n), hex: true, start, end: this.pos };
  }

  private literalString(): PdfValue {
    const b = this.buf;
    const start = this.pos;
    const out: number[] = [];
    let p = start + 1;
    let nest = 1;
    for (;;) {
      const c = b[p++];
      if (c === undefined) throw new PdfSyntaxError('unterminated string', start);
      if (c === 0x28) nest++;
      else if (c === 0x29 && --nest === 0) break;
      if (c !== 0x5c) {
        out.push(c);
        continue;
      }
      const e = b[p++];
      if (e === undefined) throw new PdfSyntaxError('unterminated string', start);
      if (ESCAPES[e] !== undefined) out.push(ESCAPES[e]!);
      else if (e >= 0x30 && e <= 0x37) {
        let oct = e - 0x30;
        for (let i = 0; i < 2 && b[p]! >= 0x30 && b[p]! <= 0x37; i++) oct = oct * 8 + (b[p++]! - 0x30);
        out.push(oct & 0xff);
      } else if (e === 0x0d) {
        if (b[p] === 0x0a) p++; // line continuation
      } else if (e !== 0x0a) out.push(e);
    }
    this.pos = p;
    return { t: 'str', v: Buffer.from(out), hex: false, start, end: p };
  }

  /**
   * Reads "N G obj <value>" at the current position. For a stream, also returns where its data
   * lies, found from a direct /Length when it checks out, otherwise by searching "endstream".
   */
  indirectObject(): { num: number; gen: number; value: PdfValue; start: number; end: number; data?: [number, number] } {
    this.skipWs();
    const start = this.pos;
    const num = this.uint();
    const gen = num === null ? null : this.uint();
    if (num === null || gen === null || !this.keyword('obj')) throw new PdfSyntaxError('expected "N G obj"', start);
    const value = this.value();
    let data: [number, number] | undefined;
    if (value.t === 'dict' && this.keyword('stream')) {
      if (this.buf[this.pos] === 0x0d) this.pos++;
      if (this.buf[this.pos] === 0x0a) this.pos++;
      const from = this.pos;
      const len = value.v.get('Length');
      let to = -1;
      if (len?.t === 'num' && from + len.v <= this.buf.length) {
        const probe = new PdfLexer(this.buf, from + len.v);
        if (probe.keyword('endstream')) to = from + len.v;
      }
      if (to < 0) {
        const k = this.buf.indexOf('endstream', from, 'latin1');
        if (k < 0) throw new PdfSyntaxError('unterminated stream', from);
        to = k;
        while (to > from && (this.buf[to - 1] === 0x0a || this.buf[to - 1] === 0x0d)) to--;
      }
      data = [from, to];
      this.pos = to;
      this.keyword('endstream');
    }
    this.keyword('endobj');
    return { num, gen, value, start, end: this.pos, data };
  }
}

/** dict[key] if it is of type `t`, else undefined. */
export function get<T extends PdfValue['t']>(
  d: PdfValue | undefined,
  key: string,
  t: T,
): Extract<PdfValue, { t: T }> | undefined {
  if (d?.t !== 'dict') return undefined;
  const v = d.v.get(key);
  return v?.t === t ? (v as Extract<PdfValue, { t: T }>) : undefined;
}
