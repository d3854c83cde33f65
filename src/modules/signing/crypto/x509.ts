// X.509 certificates, read with pkijs (asn1js underneath) and kept in a bounded cache keyed by the
// SHA-256 of their DER. A pkijs parse costs ~0.5–1 ms per certificate, more than the RSA
// verification a signature check needs; but the certificates a server sees are the same few over
// and over (each signer's, each CA's), so after the first sight a certificate costs one SHA-256 of
// ~1 KB (a few µs). Everything derived from it (names, public key, X509Certificate) is worked out
// on first use and kept on the same object.
import { createHash, createPublicKey, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import { LRUCache } from 'lru-cache';
import * as pkijs from 'pkijs';

// pkijs' own crypto operations (chain engine, OCSP/CRL checks, SignedData) run on Node's WebCrypto.
pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto }));

export interface CertificateInfo {
  subject: string; commonName: string | null; organization: string | null; issuer: string;
  serialNumber: string; notBefore: Date; notAfter: Date; fingerprintSha256: string;
  keyUsage: { digitalSignature: boolean; nonRepudiation: boolean; keyCertSign: boolean } | null;
  isCa: boolean;
}

export const ATTR_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.4': 'SN', '2.5.4.5': 'serialNumber', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST',
  '2.5.4.9': 'street', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.12': 'title', '2.5.4.42': 'GN',
  '1.2.840.113549.1.9.1': 'emailAddress', '0.9.2342.19200300.100.1.1': 'UID', '0.9.2342.19200300.100.1.25': 'DC',
};

/** An attribute value as asn1js decodes it; types without a string value as "#" + BER hex. */
function attrValue(v: asn1js.AsnType): string {
  const s = (v.valueBlock as { value?: unknown }).value;
  return typeof s === 'string' ? s : `#${Buffer.from(v.toBER()).toString('hex')}`;
}

/** RFC 4514-style string (most specific first: "CN=…, O=…, C=VN"), values as Unicode text. */
export function formatName(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => `${ATTR_NAMES[tv.type] ?? tv.type}=${attrValue(tv.value).replace(/([,+"\\<>;])/g, '\\$1')}`)
    .reverse()
    .join(', ');
}

const view = (b: ArrayBuffer | Uint8Array): Buffer => (b instanceof Uint8Array ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : Buffer.from(b));
const unsigned = (b: Buffer) => (b.length > 1 && b[0] === 0 ? b.subarray(1) : b);

export const EXT = {
  keyUsage: '2.5.29.15', basicConstraints: '2.5.29.19', extKeyUsage: '2.5.29.37', subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35', nameConstraints: '2.5.29.30', crlDistributionPoints: '2.5.29.31', authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
} as const;
const AIA_OCSP = '1.3.6.1.5.5.7.48.1';

export class Cert {
  readonly der: Buffer;
  readonly sha256: Buffer;
  readonly pkijs: pkijs.Certificate;
  private memo: {
    subject?: string; issuer?: string; publicKey?: KeyObject; x509?: X509Certificate; info?: CertificateInfo;
    ocsp?: string[]; crl?: string[];
  } = {};

  /** Use cert() (cached) rather than this. `der` must be a private copy. */
  constructor(der: Buffer, sha256: Buffer) {
    this.der = der;
    this.sha256 = sha256;
    this.pkijs = pkijs.Certificate.fromBER(der as Uint8Array<ArrayBuffer>); // throws on anything that is not a certificate
    certOfPkijs.set(this.pkijs, this);
  }

  /** Exact encodings from the certificate (views into `der`), for CMS identifiers. */
  get issuerRaw(): Buffer {
    return view(this.pkijs.issuer.valueBeforeDecode);
  }
  get subjectRaw(): Buffer {
    return view(this.pkijs.subject.valueBeforeDecode);
  }
  /** The serial number INTEGER, tag and length included. */
  get serialRaw(): Buffer {
    return view(this.pkijs.serialNumber.valueBeforeDecodeView);
  }
  /** INTEGER content octets. */
  get serial(): Buffer {
    return view(this.pkijs.serialNumber.valueBlock.valueHexView);
  }
  get serialHex(): string {
    return unsigned(this.serial).toString('hex').toUpperCase();
  }
  get keyAlgorithm(): string {
    return this.pkijs.subjectPublicKeyInfo.algorithm.algorithmId;
  }
  get spki(): Buffer {
    return Buffer.from(this.pkijs.subjectPublicKeyInfo.toSchema().toBER());
  }
  get notBefore(): Date {
    return this.pkijs.notBefore.value;
  }
  get notAfter(): Date {
    return this.pkijs.notAfter.value;
  }
  get subject(): string {
    return (this.memo.subject ??= formatName(this.pkijs.subject));
  }
  get issuer(): string {
    return (this.memo.issuer ??= formatName(this.pkijs.issuer));
  }
  /** OpenSSL's view of the same certificate (for "issued by" decisions, see chain.ts). */
  get x509(): X509Certificate {
    return (this.memo.x509 ??= new X509Certificate(this.der));
  }
  get publicKey(): KeyObject {
    return (this.memo.publicKey ??= createPublicKey({ key: this.spki, format: 'der', type: 'spki' }));
  }

  ext(id: string): pkijs.Extension | undefined {
    return this.pkijs.extensions?.find((e) => e.extnID === id);
  }
  /** KeyUsage bits of the first content byte (bit 0 = 0x80), or null without the extension. */
  get keyUsage(): number | null {
    const ku = this.ext(EXT.keyUsage)?.parsedValue as asn1js.BitString | undefined;
    if (!ku) return this.ext(EXT.keyUsage) ? 0 : null;
    return ku.valueBlock.valueHexView[0] ?? 0;
  }
  get isCa(): boolean {
    const bc = this.ext(EXT.basicConstraints)?.parsedValue as pkijs.BasicConstraints | undefined;
    return bc?.cA === true;
  }
  /** basicConstraints pathLenConstraint, or null when there is none. */
  get pathLenConstraint(): number | null {
    const bc = this.ext(EXT.basicConstraints)?.parsedValue as pkijs.BasicConstraints | undefined;
    if (!bc || bc.pathLenConstraint === undefined) return null;
    const p = bc.pathLenConstraint;
    return typeof p === 'number' ? p : Number(p.toBigInt());
  }
  get subjectKeyId(): Buffer | null {
    const ski = this.ext(EXT.subjectKeyId)?.parsedValue as asn1js.OctetString | undefined;
    return ski ? view(ski.valueBlock.valueHexView) : null;
  }
  /** Extended key usage OIDs; undefined without the extension (like X509Certificate.keyUsage). */
  get extendedKeyUsage(): string[] | undefined {
    const eku = this.ext(EXT.extKeyUsage)?.parsedValue as pkijs.ExtKeyUsage | undefined;
    return eku ? eku.keyPurposes : undefined;
  }
  get selfIssued(): boolean {
    return this.issuerRaw.equals(this.subjectRaw);
  }

  /** OCSP responder URLs from authorityInfoAccess (http and https only). */
  get ocspUrls(): string[] {
    if (!this.memo.ocsp) {
      const aia = this.ext(EXT.authorityInfoAccess)?.parsedValue as pkijs.InfoAccess | undefined;
      this.memo.ocsp = (aia?.accessDescriptions ?? [])
        .filter((d) => d.accessMethod === AIA_OCSP && d.accessLocation.type === 6)
        .map((d) => String(d.accessLocation.value)).filter(httpUrl);
    }
    return this.memo.ocsp;
  }
  /** CRL URLs from the distribution points' fullName (http and https only). */
  get crlUrls(): string[] {
    if (!this.memo.crl) {
      const dps = this.ext(EXT.crlDistributionPoints)?.parsedValue as pkijs.CRLDistributionPoints | undefined;
      const urls: string[] = [];
      for (const dp of dps?.distributionPoints ?? []) {
        const names = Array.isArray(dp.distributionPoint) ? dp.distributionPoint : [];
        for (const n of names) if (n instanceof pkijs.GeneralName && n.type === 6) urls.push(String(n.value));
      }
      this.memo.crl = urls.filter(httpUrl);
    }
    return this.memo.crl;
  }

  describe(): CertificateInfo {
    if (!this.memo.info) {
      const first = (t: string) => {
        const tv = this.pkijs.subject.typesAndValues.find((x) => x.type === t);
        return tv ? attrValue(tv.value) : null;
      };
      const ku = this.keyUsage;
      this.memo.info = {
        subject: this.subject,
        commonName: first('2.5.4.3'),
        organization: first('2.5.4.10'),
        issuer: this.issuer,
        serialNumber: this.serialHex,
        notBefore: this.notBefore,
        notAfter: this.notAfter,
        fingerprintSha256: this.sha256.toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:'),
        keyUsage: ku === null ? null : { digitalSignature: !!(ku & 0x80), nonRepudiation: !!(ku & 0x40), keyCertSign: !!(ku & 0x04) },
        isCa: this.isCa,
      };
    }
    return { ...this.memo.info };
  }
}

function httpUrl(u: string): boolean {
  try {
    const p = new URL(u).protocol;
    return p === 'http:' || p === 'https:';
  } catch {
    return false;
  }
}

const certOfPkijs = new WeakMap<pkijs.Certificate, Cert>();
/** The Cert a pkijs.Certificate was made for (the chain engine hands back pkijs objects). */
export const certOf = (c: pkijs.Certificate): Cert | undefined => certOfPkijs.get(c);

/** Parsed certificates by SHA-256 of their DER; unreadable ones are remembered as null. */
const cache = new LRUCache<string, Cert | { bad: string }>({ max: 512 });

/** The certificate in `der`, parsed once per distinct DER (see the header). Throws when it is not one. */
export function cert(der: Buffer | Uint8Array): Cert {
  const sha = createHash('sha256').update(der).digest();
  const key = sha.toString('base64');
  let c = cache.get(key);
  if (!c) {
    try {
      c = new Cert(Buffer.from(der), sha); // a private copy: the caller may reuse its buffer
    } catch (e) {
      c = { bad: (e as Error).message || 'not an X.509 certificate' };
    }
    cache.set(key, c);
  }
  if (!(c instanceof Cert)) throw new Error(c.bad);
  return c;
}

export function certOrNull(der: Buffer | Uint8Array): Cert | null {
  try {
    return cert(der);
  } catch {
    return null;
  }
}
