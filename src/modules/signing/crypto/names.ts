// Distinguished names read from DER (der-reader.ts), rendered exactly as the pkijs/asn1js-based
// code rendered them: asn1js' string decoding, RFC 4514-style order and escaping.
import { type Asn, isSequence, isUniversal, kids, oid, raw } from './der-reader.js';

export const ATTR_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.4': 'SN', '2.5.4.5': 'serialNumber', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST',
  '2.5.4.9': 'street', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.12': 'title', '2.5.4.42': 'GN',
  '1.2.840.113549.1.9.1': 'emailAddress', '0.9.2342.19200300.100.1.1': 'UID', '0.9.2342.19200300.100.1.25': 'DC',
};

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** Universal string (and time) types asn1js decodes one byte per character. */
const LATIN1_TYPES = new Set([18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 29]);

/** An attribute value as text, the way asn1js decoded it; other types as "#" + DER hex. */
export function attrValue(v: Asn): string {
  const b = v.buf.subarray(v.body, v.bodyEnd);
  if (v.cls === 0 && !v.cons) {
    if (v.num === 12) {
      try {
        return utf8.decode(b);
      } catch {
        return b.toString('latin1');
      }
    }
    if (LATIN1_TYPES.has(v.num)) return b.toString('latin1');
    if (v.num === 30 && b.length % 2 === 0) {
      let s = '';
      for (let i = 0; i < b.length; i += 2) s += String.fromCharCode(b.readUInt16BE(i));
      return s;
    }
    if (v.num === 28 && b.length % 4 === 0) {
      const cps: number[] = [];
      for (let i = 0; i < b.length; i += 4) {
        const cp = b.readUInt32BE(i);
        const next = i + 4 < b.length ? b.readUInt32BE(i + 4) : 0;
        if (cp > 0x10ffff) cps.push(0xfffd);
        else if (cp >= 0xd800 && cp <= 0xdfff) {
          if (cp <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) cps.push(0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00)), (i += 4);
          else cps.push(0xfffd);
        } else cps.push(cp);
      }
      return String.fromCodePoint(...cps);
    }
  }
  return `#${raw(v).toString('hex')}`;
}

/** (type OID, value) pairs of a Name, every RDN flattened, in encoded order. */
export function nameEntries(name: Asn): Array<[string, Asn]> {
  if (!isSequence(name)) throw new Error('Name is not a SEQUENCE');
  const out: Array<[string, Asn]> = [];
  for (const rdn of kids(name)) {
    if (!isUniversal(rdn, 17) || !rdn.cons) throw new Error('RDN is not a SET');
    for (const atv of kids(rdn)) {
      const [t, v, extra] = kids(atv);
      if (!isSequence(atv) || !v || extra) throw new Error('malformed AttributeTypeAndValue');
      out.push([oid(t), v]);
    }
  }
  return out;
}

/** RFC 4514-style string (most specific first: "CN=…, O=…, C=VN"), values as Unicode text. */
export function formatName(name: Asn): string {
  return nameEntries(name)
    .map(([t, v]) => `${ATTR_NAMES[t] ?? t}=${attrValue(v).replace(/([,+"\\<>;])/g, '\\$1')}`)
    .reverse()
    .join(', ');
}

/**
 * A key that is equal for any two names OpenSSL's X509_NAME_cmp calls equal (it compares values
 * trimmed, whitespace-collapsed and ASCII-lowercased); it may also be equal for a few names
 * OpenSSL tells apart (string types, RDN grouping), so it only ever pre-filters.
 */
export function looseNameKey(name: Asn): string {
  const canon = (s: string) => s.replace(/[\t\n\v\f\r ]+/g, ' ').trim().replace(/[A-Z]/g, (c) => c.toLowerCase());
  return nameEntries(name).map(([t, v]) => `${t}=${canon(attrValue(v))}`).join('\u0001');
}
