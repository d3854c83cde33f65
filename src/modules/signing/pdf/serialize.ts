// Writes lexer values back as PDF syntax (latin1 strings), for the objects an incremental
// update rewrites (a page with a new /Annots entry, a longer /Fields array…). Layout follows
// pdf-lib's writer: "[ a b ]" arrays, one dictionary entry per line.
import type { PdfValue } from './lexer.js';

export type Dict = Extract<PdfValue, { t: 'dict' }>;

/** A dictionary value built in code (no source offsets). */
export function dict(entries: Array<[string, PdfValue]>): Dict {
  return { t: 'dict', v: new Map(entries), start: -1, end: -1 };
}

export const ref = (num: number, gen = 0): PdfValue => ({ t: 'ref', num, gen });
export const num = (v: number): PdfValue => ({ t: 'num', v });
export const name = (v: string): PdfValue => ({ t: 'name', v });

/** A number in PDF syntax: no exponent, at most 6 decimals (PDF reals carry about 5 digits). */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`cannot write ${v} as a PDF number`);
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v);
  const s = v.toFixed(6).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
}

/** Names that need no escape: printable ASCII other than delimiters and "#". */
const PLAIN_NAME = /^[!"$&'*-.0-;=?-Z\\^-z|~]*$/;

/** A name with "#xx" escapes for anything but regular printable characters (ISO 32000-1 7.3.5). */
export function formatName(n: string): string {
  if (PLAIN_NAME.test(n)) return `/${n}`;
  let out = '/';
  for (let i = 0; i < n.length; i++) {
    const c = n.charCodeAt(i) & 0xff;
    const regular = c > 0x20 && c < 0x7f && !'()<>[]{}/%#'.includes(n[i]!);
    out += regular ? n[i] : `#${c.toString(16).padStart(2, '0')}`;
  }
  return out;
}

function formatString(b: Buffer, hex: boolean): string {
  if (hex) return `<${b.toString('hex').toUpperCase()}>`;
  let out = '(';
  for (const c of b) {
    if (c === 0x28 || c === 0x29 || c === 0x5c) out += `\\${String.fromCharCode(c)}`;
    else if (c === 0x0d) out += '\\r'; // a raw CR would be read back as LF
    else if (c === 0x0a) out += '\\n';
    else out += String.fromCharCode(c);
  }
  return `${out})`;
}

export function serialize(v: PdfValue): string {
  switch (v.t) {
    case 'num':
      return formatNumber(v.v);
    case 'name':
      return formatName(v.v);
    case 'str':
      return formatString(v.v, v.hex);
    case 'ref':
      return `${v.num} ${v.gen} R`;
    case 'bool':
      return v.v ? 'true' : 'false';
    case 'null':
      return 'null';
    case 'arr':
      return `[ ${v.v.map(serialize).join(' ')} ]`;
    case 'dict': {
      let out = '<<\n';
      for (const [k, x] of v.v) out += `${formatName(k)} ${serialize(x)}\n`;
      return `${out}>>`;
    }
  }
}
