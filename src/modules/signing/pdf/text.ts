// PDF text strings and dates, both directions.
import { VN_OFFSET_MS } from '../../../lib/time.js';

/**
 * A PDF text string as a hex string: UTF-16BE with a byte order mark (ISO 32000-1 7.9.2.2).
 * Used for everything a person may read (names, reasons, places), since Vietnamese needs far
 * more than PDFDocEncoding can hold, and hex avoids any escaping of ( ) \ in literals.
 */
export function encodeTextString(s: string): string {
  const le = Buffer.from(s, 'utf16le');
  for (let i = 0; i + 1 < le.length; i += 2) {
    const x = le[i]!;
    le[i] = le[i + 1]!;
    le[i + 1] = x;
  }
  return `<FEFF${le.toString('hex').toUpperCase()}>`;
}

// PDFDocEncoding differs from Latin-1 only in 0x18-0x1F and 0x80-0x9F; those are mapped here.
const PDFDOC_HIGH =
  '\u2022\u2020\u2021\u2026\u2014\u2013\u0192\u2044\u2039\u203a\u2212\u2030\u201e\u201c\u201d\u2018' +
  '\u2019\u201a\u2122\ufb01\ufb02\u0141\u0152\u0160\u0178\u017d\u0131\u0142\u0153\u0161\u017e\ufffd';
const PDFDOC_LOW = '\u02d8\u02c7\u02c6\u02d9\u02dd\u02db\u02da\u02dc';

/** Decodes the bytes of a PDF text string (UTF-16BE or UTF-8 with BOM, else PDFDocEncoding). */
export function decodeTextString(b: Buffer): string {
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
    const body = Buffer.from(b.subarray(2, 2 + ((b.length - 2) & ~1)));
    body.swap16();
    return body.toString('utf16le');
  }
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return b.subarray(3).toString('utf8');
  let s = '';
  for (const c of b) {
    if (c >= 0x80 && c <= 0x9f) s += PDFDOC_HIGH[c - 0x80];
    else if (c >= 0x18 && c <= 0x1f) s += PDFDOC_LOW[c - 0x18];
    else s += String.fromCharCode(c);
  }
  return s;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** D:YYYYMMDDHHmmss+07'00' in Vietnam time, the way the signer's clock is shown to readers. */
export function pdfDate(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new Error('signingTime is not a valid date');
  const v = new Date(d.getTime() + VN_OFFSET_MS);
  const ymd = `${pad(v.getUTCFullYear(), 4)}${pad(v.getUTCMonth() + 1)}${pad(v.getUTCDate())}`;
  return `D:${ymd}${pad(v.getUTCHours())}${pad(v.getUTCMinutes())}${pad(v.getUTCSeconds())}+07'00'`;
}

/** Parses a PDF date (every part after the year optional; missing offset = UTC), or null. */
export function parsePdfDate(s: string): Date | null {
  const m = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz+-])(?:(\d{2})'?(?:(\d{2})'?)?)?)?/.exec(s.trim());
  if (!m) return null;
  const n = (x: string | undefined, dflt: number) => (x === undefined ? dflt : Number(x));
  const utc = Date.UTC(n(m[1], 0), n(m[2], 1) - 1, n(m[3], 1), n(m[4], 0), n(m[5], 0), n(m[6], 0));
  const sign = m[7] === '-' ? -1 : m[7] === '+' ? 1 : 0;
  const offsetMs = sign * (n(m[8], 0) * 60 + n(m[9], 0)) * 60_000;
  const d = new Date(utc - offsetMs);
  return Number.isNaN(d.getTime()) ? null : d;
}
