// CMS (RFC 5652) construction for PAdES baseline B-B / B-T signatures (ETSI EN 319 122-1).
//
// Signing is split in three steps so that the private key never has to be on the server:
//   buildSignedAttributes → (server key OR the user's USB token signs the bytes) → assembleCms.
// The CMS is written with a tiny DER writer instead of pkijs classes because the signed
// attributes must be embedded byte-for-byte as they were signed; re-encoding through an ASN.1
// object model risks changing them and silently breaking every signature.
import { createHash, sign as nodeSign, createPrivateKey, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import { cert } from './x509.js';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
} as const;

export const HASH_BY_OID: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1', '2.16.840.1.101.3.4.2.4': 'sha224', '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512',
};

// ---------------------------------------------------------------------------------------------
// Minimal DER toolkit, shared with the sibling modules (timestamp, verify, dev-ca, certificates).
// Writing: definite-length DER only. Reading: asn1js (tolerates BER, e.g. indefinite lengths from
// Windows/Java tools) with raised node limits, because CMS blobs may carry large CRLs; only
// verifyCms walks the CMS with the zero-copy der-reader.ts (see verify.ts for why).
// ---------------------------------------------------------------------------------------------
/** OID → DER content bytes. */
export function encodeOid(dotted: string): Buffer {
  const parts = dotted.split('.');
  if (parts.length < 2 || !parts.every((p) => /^\d+$/.test(p))) throw new Error(`bad OID ${dotted}`);
  const arcs = [BigInt(parts[0]!) * 40n + BigInt(parts[1]!), ...parts.slice(2).map((p) => BigInt(p))];
  const out: number[] = [];
  for (const arc of arcs) {
    const chunk: number[] = [];
    for (let a = arc; chunk.length === 0 || a > 0n; a >>= 7n) chunk.unshift(Number(a & 0x7fn) | (chunk.length ? 0x80 : 0));
    out.push(...chunk);
  }
  return Buffer.from(out);
}

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export const der = {
  tlv(tag: number, ...parts: Buffer[]): Buffer {
    const body = Buffer.concat(parts);
    return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
  },
  seq: (...parts: Buffer[]): Buffer => der.tlv(0x30, ...parts),
  /** DER SET OF: elements sorted by their encodings (X.690 §11.6). */
  setOf: (...parts: Buffer[]): Buffer => der.tlv(0x31, ...[...parts].sort(Buffer.compare)),
  oid: (value: string): Buffer => der.tlv(0x06, encodeOid(value)),
  /** INTEGER from unsigned big-endian magnitude (adds the 0x00 sign byte when needed). */
  uint(magnitude: Buffer): Buffer {
    let i = 0;
    while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
    const m = magnitude.subarray(i);
    return der.tlv(0x02, (m[0] ?? 0) & 0x80 ? Buffer.from([0]) : Buffer.alloc(0), m.length ? m : Buffer.from([0]));
  },
  small(n: number): Buffer {
    if (!Number.isSafeInteger(n) || n < 0) return Buffer.from(new asn1js.Integer({ value: n }).toBER());
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
    return der.uint(Buffer.from(bytes));
  },
  octets: (b: Buffer): Buffer => der.tlv(0x04, b),
  null: (): Buffer => Buffer.from([0x05, 0x00]),
  bool: (v: boolean): Buffer => Buffer.from([0x01, 0x01, v ? 0xff : 0x00]),
  algId: (oid: string, params?: Buffer): Buffer => der.seq(der.oid(oid), ...(params ? [params] : [])),

  parse(buf: Uint8Array): asn1js.AsnType {
    const r = asn1js.fromBER(buf, { maxNodes: 1_000_000, maxDepth: 200 });
    if (r.offset === -1 || r.result.error) throw new Error(`ASN.1 parse error: ${r.result.error || 'invalid'}`);
    return r.result;
  },
  /** The exact encoded bytes of a parsed node (never re-encoded). */
  raw: (node: asn1js.AsnType): Buffer => Buffer.from(node.valueBeforeDecodeView),
  kids(node: asn1js.AsnType | undefined): asn1js.AsnType[] {
    const v = (node?.valueBlock as { value?: unknown } | undefined)?.value;
    return node?.idBlock.isConstructed && Array.isArray(v) ? (v as asn1js.AsnType[]) : [];
  },
  /** Content octets of a primitive node, or of a BER constructed string (concatenated). */
  bytes(node: asn1js.AsnType | undefined): Buffer {
    if (!node) throw new Error('missing ASN.1 element');
    if (node.idBlock.isConstructed) return Buffer.concat(der.kids(node).map((k) => der.bytes(k)));
    return Buffer.from((node.valueBlock as unknown as { valueHexView: Uint8Array }).valueHexView);
  },
  oidOf(node: asn1js.AsnType | undefined): string {
    if (!(node instanceof asn1js.ObjectIdentifier)) throw new Error('expected OBJECT IDENTIFIER');
    return node.valueBlock.toString();
  },
  isContext: (node: asn1js.AsnType | undefined, n: number): boolean =>
    !!node && node.idBlock.tagClass === 3 && node.idBlock.tagNumber === n,
};

/**
 * Raw issuer Name, serial INTEGER and subject Name of a DER certificate (exact bytes, copied).
 * The certificate is parsed by pkijs once and cached (x509.ts): a signer signs with the same one
 * again and again.
 */
export function certificateIdentity(certDer: Buffer): { issuer: Buffer; serial: Buffer; subject: Buffer } {
  const c = cert(certDer);
  return { issuer: Buffer.from(c.issuerRaw), serial: Buffer.from(c.serialRaw), subject: Buffer.from(c.subjectRaw) };
}

const attribute = (oid: string, ...values: Buffer[]): Buffer => der.seq(der.oid(oid), der.setOf(...values));

export function digestChunks(chunks: Buffer[]): Buffer {
  const h = createHash('sha256');
  for (const c of chunks) h.update(c);
  return h.digest();
}

/**
 * DER of the signed attributes as they are signed (SET OF, tag 0x31). No signingTime:
 * PAdES baseline forbids it; the claimed time lives in the signature dictionary's /M.
 */
export function buildSignedAttributes(args: { contentDigest: Buffer; signerCertificate: Buffer }): Buffer {
  if (args.contentDigest.length !== 32) throw new Error('contentDigest must be a SHA-256 digest (32 bytes)');
  const { issuer, serial } = certificateIdentity(args.signerCertificate);
  // ESSCertIDv2: hashAlgorithm is omitted because SHA-256 is its DEFAULT (DER forbids encoding
  // defaults). IssuerSerial.issuer is GeneralNames → directoryName [4] EXPLICIT Name.
  const essCertIdV2 = der.seq(
    der.octets(createHash('sha256').update(args.signerCertificate).digest()),
    der.seq(der.seq(der.tlv(0xa4, issuer)), serial),
  );
  return der.setOf(
    attribute(OID.contentType, der.oid(OID.data)),
    attribute(OID.messageDigest, der.octets(args.contentDigest)),
    attribute(OID.signingCertificateV2, der.seq(der.seq(essCertIdV2))),
  );
}

/**
 * Signs the DER signed attributes: RSA PKCS#1 v1.5 / SHA-256, or ECDSA (DER r,s) / SHA-256.
 * Pass a KeyObject that lives as long as the key is in use (keystore.ts caches them): a PEM is
 * parsed on every call (~0.35 ms), and a new key object's first RSA signature costs about twice a
 * later one (OpenSSL sets up per-key Montgomery and blinding state on first use).
 */
export function signSignedAttributes(signedAttrs: Buffer, privateKey: KeyObject | string): Buffer {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  if (key.type !== 'private') throw new Error('signing needs a private key');
  if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec') {
    throw new Error(`unsupported signing key type: ${key.asymmetricKeyType}`);
  }
  return nodeSign('sha256', asSignedForm(signedAttrs), key);
}

/** Accept the [0] IMPLICIT form too: the signature is always over the SET OF (0x31) encoding. */
function asSignedForm(attrs: Buffer): Buffer {
  if (attrs[0] === 0x31) return attrs;
  if (attrs[0] === 0xa0) return Buffer.concat([Buffer.from([0x31]), attrs.subarray(1)]);
  throw new Error('signed attributes must be a DER SET (tag 0x31)');
}

const KEY_TYPES: Record<string, string> = {
  '1.2.840.113549.1.1.10': 'rsa-pss', '1.3.101.112': 'ed25519', '1.3.101.113': 'ed448', '1.2.840.10040.4.1': 'dsa', '1.2.840.10046.2.1': 'dh',
};

/** From the certificate's subjectPublicKeyInfo algorithm (what X509Certificate.publicKey reported). */
function signatureAlgorithmFor(certDer: Buffer): Buffer {
  const type = cert(certDer).keyAlgorithm;
  if (type === OID.rsaEncryption) return der.algId(OID.rsaEncryption, der.null());
  if (type === '1.2.840.10045.2.1') return der.algId(OID.ecdsaWithSha256);
  throw new Error(`unsupported signer key type: ${KEY_TYPES[type] ?? type}`);
}

/**
 * ContentInfo(SignedData), detached (no eContent) — the PDF byte ranges are the content.
 * certificates: leaf first; kept in the given order (verifiers do not depend on it, but some
 * naive ones take the first certificate as the signer).
 */
export function assembleCms(args: {
  signedAttributes: Buffer;
  signature: Buffer;
  certificates: Buffer[];
  timestampToken?: Buffer;
}): Buffer {
  const leaf = args.certificates[0];
  if (!leaf) throw new Error('assembleCms needs at least the signer certificate');
  const signed = asSignedForm(args.signedAttributes);
  const { issuer, serial } = certificateIdentity(leaf);
  const sha256 = der.algId(OID.sha256); // RFC 5754: generate SHA-2 AlgorithmIdentifiers without params
  const unsigned = args.timestampToken
    ? [der.tlv(0xa1, attribute(OID.signatureTimeStampToken, args.timestampToken))]
    : [];
  const signerInfo = der.seq(
    der.small(1), // version 1: sid is issuerAndSerialNumber
    der.seq(issuer, serial),
    sha256,
    Buffer.concat([Buffer.from([0xa0]), signed.subarray(1)]), // signedAttrs [0] IMPLICIT, same bytes
    signatureAlgorithmFor(leaf),
    der.octets(args.signature),
    ...unsigned,
  );
  const signedData = der.seq(
    der.small(1),
    der.tlv(0x31, sha256),
    der.seq(der.oid(OID.data)), // detached: eContent absent
    der.tlv(0xa0, ...args.certificates),
    der.tlv(0x31, signerInfo),
  );
  return der.seq(der.oid(OID.signedData), der.tlv(0xa0, signedData));
}
