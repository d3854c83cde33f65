// X.509 certificates read with the zero-copy DER reader: the fields signing and verification need,
// each decoded on first use and kept on the view. A view costs ~5 µs; pkijs took ~0.7 ms per
// certificate and node's X509Certificate ~0.15 ms. Public keys are imported from a JWK built from
// the SPKI (~0.01 ms) rather than from the SPKI DER (~0.13 ms: OpenSSL 3's generic decoder), with
// the DER import as the fallback for other key types. Names: names.ts.
import { createHash, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { type Asn, bytes, isContext, isSequence, isUniversal, kids, oid, parse, raw } from './der-reader.js';
import { attrValue, formatName, nameEntries } from './names.js';

export interface CertificateInfo {
  subject: string; commonName: string | null; organization: string | null; issuer: string;
  serialNumber: string; notBefore: Date; notAfter: Date; fingerprintSha256: string;
  keyUsage: { digitalSignature: boolean; nonRepudiation: boolean; keyCertSign: boolean } | null;
  isCa: boolean;
}

function time(n: Asn | undefined): Date {
  const s = n ? n.buf.toString('latin1', n.body, n.bodyEnd) : '';
  const m = isUniversal(n, 23) ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s)
    : isUniversal(n, 24) ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d+)?Z$/.exec(s) : null;
  if (!m) throw new Error('validity is not a UTCTime or GeneralizedTime');
  let year = Number(m[1]);
  if (m[1]!.length === 2) year += year >= 50 ? 1900 : 2000;
  const ms = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms));
}

const b64u = (b: Buffer) => b.toString('base64url');
const unsigned = (b: Buffer) => (b.length > 1 && b[0] === 0 ? b.subarray(1) : b);
const CURVES: Record<string, [string, number]> = {
  '1.2.840.10045.3.1.7': ['P-256', 32], '1.3.132.0.34': ['P-384', 48], '1.3.132.0.35': ['P-521', 66], '1.3.132.0.10': ['secp256k1', 32],
};
export const KEY_ALG = { rsa: '1.2.840.113549.1.1.1', ec: '1.2.840.10045.2.1', ed25519: '1.3.101.112' } as const;

/** The SPKI as a JWK when it is a plain RSA, named-curve EC or Ed25519 key; null otherwise. */
function jwkOf(alg: string, params: Asn | undefined, key: Buffer): JsonWebKey | null {
  if (alg === KEY_ALG.rsa) {
    const [n, e] = kids(parse(key));
    return isUniversal(n, 2) && isUniversal(e, 2) ? { kty: 'RSA', n: b64u(unsigned(bytes(n))), e: b64u(unsigned(bytes(e))) } : null;
  }
  if (alg === KEY_ALG.ec && isUniversal(params, 6)) {
    const curve = CURVES[oid(params)];
    if (!curve || key[0] !== 4 || key.length !== 1 + 2 * curve[1]) return null;
    return { kty: 'EC', crv: curve[0], x: b64u(key.subarray(1, 1 + curve[1])), y: b64u(key.subarray(1 + curve[1])) };
  }
  return alg === KEY_ALG.ed25519 && key.length === 32 ? { kty: 'OKP', crv: 'Ed25519', x: b64u(key) } : null;
}

/** Extensions OpenSSL decodes up front, with the universal tag each must have. */
const DECODED_BY_OPENSSL: Array<[string, number]> = [
  ['2.5.29.19', 16], ['2.5.29.15', 3], ['2.5.29.37', 16], ['2.5.29.14', 4], ['2.5.29.35', 16],
  ['2.5.29.17', 16], ['2.5.29.30', 16], ['2.5.29.31', 16], ['1.3.6.1.5.5.7.1.14', 16],
];

export class CertView {
  readonly der: Buffer;
  readonly tbs: Buffer;
  /** Outer signatureAlgorithm and the tbsCertificate's copy (X509_verify wants them equal). */
  readonly sigAlg: Asn;
  readonly tbsSigAlg: Buffer;
  readonly signatureBits: Buffer;
  /** INTEGER content octets. */
  readonly serial: Buffer;
  readonly issuerName: Asn;
  readonly subjectName: Asn;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly spki: Buffer;
  readonly keyAlg: string;
  private readonly keyParams: Asn | undefined;
  /** subjectPublicKey BIT STRING content without its unused-bits octet. */
  readonly keyBits: Buffer;
  private readonly exts = new Map<string, Asn>();
  private duplicateExt = false;
  private memo: { subject?: string; issuer?: string; publicKey?: KeyObject; sha256?: Buffer } = {};

  constructor(certDer: Buffer) {
    const top = parse(certDer);
    const [tbs, sigAlg, sig, extra] = kids(top);
    if (!isSequence(top) || !isSequence(tbs) || !isSequence(sigAlg) || !isUniversal(sig, 3) || extra) throw new Error('not an X.509 certificate');
    this.der = raw(top);
    this.tbs = raw(tbs!);
    this.sigAlg = sigAlg!;
    const sigBits = bytes(sig);
    this.signatureBits = sigBits[0] === 0 ? sigBits.subarray(1) : Buffer.alloc(0); // unused bits must be 0
    const f = kids(tbs);
    const o = isContext(f[0], 0) ? 1 : 0; // skip the optional [0] version
    const [serial, tbsSigAlg, issuer, validity, subject, spki] = f.slice(o, o + 6);
    if (!isUniversal(serial, 2) || !isSequence(tbsSigAlg) || !isSequence(validity) || !isSequence(spki)) throw new Error('malformed tbsCertificate');
    this.serial = bytes(serial);
    this.tbsSigAlg = raw(tbsSigAlg!);
    this.issuerName = issuer!;
    this.subjectName = subject!;
    const [nb, na] = kids(validity);
    this.notBefore = time(nb);
    this.notAfter = time(na);
    this.spki = raw(spki!);
    const [keyAlgId, keyBits] = kids(spki);
    const [algOid, params] = kids(keyAlgId);
    this.keyAlg = oid(algOid);
    this.keyParams = params;
    if (!isUniversal(keyBits, 3)) throw new Error('malformed subjectPublicKeyInfo');
    this.keyBits = bytes(keyBits).subarray(1);
    nameEntries(this.issuerName);
    nameEntries(this.subjectName);
    for (const e of kids(kids(f.slice(o + 6).find((n) => isContext(n, 3)))[0])) {
      const [id, ...rest] = kids(e);
      const value = rest[rest.length - 1];
      if (!isSequence(e) || !isUniversal(value, 4)) throw new Error('malformed extension');
      const key = oid(id);
      if (this.exts.has(key)) this.duplicateExt = true;
      else this.exts.set(key, value!); // the first one counts
    }
  }

  /** The parsed value of an extension (its OCTET STRING's content), or null when absent. */
  ext(id: string): Asn | null {
    const v = this.exts.get(id);
    return v ? parse(bytes(v)) : null;
  }
  hasExt(id: string): boolean {
    return this.exts.has(id);
  }

  /**
   * Something OpenSSL marks invalid when it caches a certificate's extensions (duplicates, or one
   * of those it decodes not decoding), which changes how it answers "issued by": chain.ts then
   * asks OpenSSL instead of deciding itself.
   */
  get unusual(): boolean {
    if (this.duplicateExt) return true;
    for (const [id, tag] of DECODED_BY_OPENSSL) {
      if (!this.exts.has(id)) continue;
      try {
        const v = this.ext(id)!;
        if (!isUniversal(v, tag)) return true;
        const pathLen = id === '2.5.29.19' ? kids(v).find((k) => isUniversal(k, 2)) : undefined;
        if (pathLen && pathLen.buf[pathLen.body]! & 0x80) return true; // negative pathLenConstraint
      } catch {
        return true;
      }
    }
    return false;
  }

  get subject(): string {
    return (this.memo.subject ??= formatName(this.subjectName));
  }
  get issuer(): string {
    return (this.memo.issuer ??= formatName(this.issuerName));
  }
  get sha256(): Buffer {
    return (this.memo.sha256 ??= createHash('sha256').update(this.der).digest());
  }
  /** KeyUsage bits of the first content byte (bit 0 = 0x80), or null without the extension. */
  get keyUsage(): number | null {
    const ku = this.ext('2.5.29.15');
    if (!ku) return null;
    if (!isUniversal(ku, 3)) throw new Error('malformed keyUsage');
    return bytes(ku)[1] ?? 0;
  }
  get isCa(): boolean {
    const bc = kids(this.ext('2.5.29.19') ?? undefined)[0];
    return isUniversal(bc, 1) && bytes(bc).some((b) => b !== 0);
  }
  get subjectKeyId(): Buffer | null {
    const ski = this.ext('2.5.29.14');
    return ski ? bytes(ski) : null;
  }
  /** Extended key usage OIDs; undefined without the extension (like X509Certificate.keyUsage). */
  get extendedKeyUsage(): string[] | undefined {
    const eku = this.ext('2.5.29.37');
    return eku ? kids(eku).map((k) => oid(k)) : undefined;
  }

  /** The public key, made once per view: from a JWK when possible (see the header), else the SPKI. */
  get publicKey(): KeyObject {
    if (!this.memo.publicKey) {
      let jwk: JsonWebKey | null = null;
      try {
        jwk = jwkOf(this.keyAlg, this.keyParams, this.keyBits);
      } catch {
        jwk = null;
      }
      this.memo.publicKey = jwk ? createPublicKey({ key: jwk, format: 'jwk' }) : createPublicKey({ key: this.spki, format: 'der', type: 'spki' });
    }
    return this.memo.publicKey;
  }

  /** Same subject and same key (what makes a certificate "be" a trust anchor). */
  sameKeyAs(o: CertView): boolean {
    return this.keyAlg === o.keyAlg && this.keyBits.equals(o.keyBits)
      && (raw(this.subjectName).equals(raw(o.subjectName)) || this.subject === o.subject);
  }

  describe(): CertificateInfo {
    const entries = nameEntries(this.subjectName);
    const first = (t: string) => {
      const e = entries.find(([k]) => k === t);
      return e ? attrValue(e[1]) : null;
    };
    const ku = this.keyUsage;
    return {
      subject: this.subject,
      commonName: first('2.5.4.3'),
      organization: first('2.5.4.10'),
      issuer: this.issuer,
      serialNumber: unsigned(this.serial).toString('hex').toUpperCase(),
      notBefore: this.notBefore,
      notAfter: this.notAfter,
      fingerprintSha256: this.sha256.toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:'),
      keyUsage: ku === null ? null : { digitalSignature: !!(ku & 0x80), nonRepudiation: !!(ku & 0x40), keyCertSign: !!(ku & 0x04) },
      isCa: this.isCa,
    };
  }
}
