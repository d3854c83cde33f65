// Development / test PKI: a throw-away CA, end-entity certificates, its CRL and PKCS#12 export.
// Certificates and CRLs are written with the DER writer and signed synchronously by node:crypto
// (pkijs can only sign asynchronously through WebCrypto, and these helpers are synchronous).
// NOT for production keys: private keys are returned as unencrypted PEM.
import {
  createCipheriv, createHash, createHmac, createPrivateKey, createPublicKey, generateKeyPair, generateKeyPairSync, pbkdf2Sync,
  randomBytes, sign,
} from 'node:crypto';
import { certificateIdentity, der } from './pades.js';
import { bmpPassword, pkcs12Kdf } from './certificates.js';

export interface KeyAndCertificate { certificate: Buffer; privateKeyPem: string }
export type KeyUsageName = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment';

const DAY = 86_400_000;
const KU_BITS = { digitalSignature: 0, nonRepudiation: 1, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;
const EKU_TIMESTAMPING = '1.3.6.1.5.5.7.3.8';

/** Name in X.500 order C, O, OU, CN; C as PrintableString, the rest UTF8String (Vietnamese). */
function name(parts: { C?: string; O?: string; OU?: string; CN: string }): Buffer {
  const rdn = (oid: string, tag: number, v: string) => der.tlv(0x31, der.seq(der.oid(oid), der.tlv(tag, Buffer.from(v, 'utf8'))));
  return der.seq(
    ...(parts.C ? [rdn('2.5.4.6', 0x13, parts.C)] : []),
    ...(parts.O ? [rdn('2.5.4.10', 0x0c, parts.O)] : []),
    ...(parts.OU ? [rdn('2.5.4.11', 0x0c, parts.OU)] : []),
    rdn('2.5.4.3', 0x0c, parts.CN),
  );
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime afterwards. */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  return d.getUTCFullYear() < 2050 ? der.tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : der.tlv(0x18, Buffer.from(`${iso}Z`));
}

/** KeyUsage BIT STRING, DER: trailing zero bits dropped and counted as "unused". */
function keyUsageValue(names: (keyof typeof KU_BITS)[]): Buffer {
  let bits = 0;
  for (const n of names) bits |= 1 << (15 - KU_BITS[n]);
  const bytes = bits & 0xff ? [bits >> 8, bits & 0xff] : [bits >> 8];
  const last = bytes[bytes.length - 1]!;
  const unused = last === 0 ? 0 : Math.log2(last & -last); // trailing zero bits of the last byte
  return der.tlv(0x03, Buffer.from([unused, ...bytes]));
}

const extension = (oid: string, critical: boolean, value: Buffer): Buffer =>
  der.seq(der.oid(oid), ...(critical ? [der.bool(true)] : []), der.octets(value));

/** subjectKeyIdentifier method 1 (RFC 5280 §4.2.1.2): SHA-1 of the subjectPublicKey bits. */
function keyId(spkiDer: Buffer): Buffer {
  const bits = der.kids(der.parse(spkiDer))[1];
  return createHash('sha1').update(der.bytes(bits)).digest(); // BIT STRING content minus the unused-bits octet
}

function issue(args: {
  subject: Buffer; issuer: Buffer; subjectSpki: Buffer; issuerSpki: Buffer; issuerKeyPem: string;
  notBefore: Date; notAfter: Date; extensions: Buffer[];
}): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40; // positive, minimal, never zero: RFC 5280 wants ≤ 20 octets
  const sha256WithRsa = der.algId('1.2.840.113549.1.1.11', der.null());
  const tbs = der.seq(
    der.tlv(0xa0, der.small(2)), // v3
    der.uint(serial),
    sha256WithRsa,
    args.issuer,
    der.seq(time(args.notBefore), time(args.notAfter)),
    args.subject,
    args.subjectSpki,
    der.tlv(0xa3, der.seq(
      ...args.extensions,
      extension('2.5.29.14', false, der.octets(keyId(args.subjectSpki))),
      extension('2.5.29.35', false, der.seq(der.tlv(0x80, keyId(args.issuerSpki)))),
    )),
  );
  const signature = sign('sha256', tbs, createPrivateKey(args.issuerKeyPem));
  return der.seq(tbs, sha256WithRsa, der.tlv(0x03, Buffer.from([0]), signature));
}

let keySource: (() => string | undefined) | null = null;

/**
 * Where new RSA keys come from: generated (the default), or — for the test runner only, whose files
 * make hundreds of throwaway certificates at ≈ 150 ms of CPU per key — a source of ready PKCS#8 PEM
 * keys; when it returns undefined a key is generated.
 */
export function setRsaKeySource(next: (() => string | undefined) | null): void {
  keySource = next;
}

/** A new RSA-2048 key (PKCS#8 PEM) made on libuv's thread pool: several at once use every core. */
export async function generateRsaKeyPem(): Promise<string> {
  const ready = keySource?.();
  if (ready) return ready;
  return new Promise((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }, (err, _pub, priv) =>
      err ? reject(err) : resolve(priv),
    ),
  );
}

function rsaKey(given?: string): { spki: Buffer; pem: string } {
  const ready = given ?? keySource?.();
  if (ready) return { spki: createPublicKey(ready).export({ type: 'spki', format: 'der' }), pem: ready };
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { spki: publicKey.export({ type: 'spki', format: 'der' }), pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

// Back-date by a minute so a certificate made "now" is already valid on a machine whose clock lags.
const startOfValidity = (d?: Date) => new Date(Math.floor(((d?.getTime() ?? Date.now() - 60_000)) / 1000) * 1000);

export function createCa(opts: { commonName: string; organization?: string; validDays?: number }): KeyAndCertificate {
  const key = rsaKey();
  const subject = name({ C: 'VN', O: opts.organization, CN: opts.commonName });
  const notBefore = startOfValidity();
  const certificate = issue({
    subject, issuer: subject, subjectSpki: key.spki, issuerSpki: key.spki, issuerKeyPem: key.pem,
    notBefore, notAfter: new Date(notBefore.getTime() + (opts.validDays ?? 3650) * DAY),
    extensions: [
      extension('2.5.29.19', true, der.seq(der.bool(true))),
      extension('2.5.29.15', true, keyUsageValue(['keyCertSign', 'cRLSign'])),
    ],
  });
  return { certificate, privateKeyPem: key.pem };
}

export function issueCertificate(
  ca: KeyAndCertificate,
  opts: {
    commonName: string; organization?: string; organizationalUnit?: string; validFrom?: Date; validTo?: Date;
    keyUsage?: KeyUsageName[]; extendedKeyUsage?: string[];
    /** CRL distribution point (an http/https URL where the CA's CRL is published). */
    crlUrl?: string;
    /** OCSP responder, written into authorityInfoAccess. */
    ocspUrl?: string;
    /** The subject's key (PKCS#8 PEM, e.g. from generateRsaKeyPem); default: a new one. */
    privateKeyPem?: string;
  },
): KeyAndCertificate {
  const key = rsaKey(opts.privateKeyPem);
  const caSpki = createPublicKey(ca.privateKeyPem).export({ type: 'spki', format: 'der' });
  const notBefore = startOfValidity(opts.validFrom);
  const eku = opts.extendedKeyUsage ?? [];
  const certificate = issue({
    subject: name({ C: 'VN', O: opts.organization, OU: opts.organizationalUnit, CN: opts.commonName }),
    issuer: certificateIdentity(ca.certificate).subject,
    subjectSpki: key.spki, issuerSpki: caSpki, issuerKeyPem: ca.privateKeyPem,
    notBefore, notAfter: opts.validTo ?? new Date(notBefore.getTime() + 365 * DAY),
    extensions: [
      extension('2.5.29.19', true, der.seq()), // cA FALSE (DEFAULT, so omitted)
      extension('2.5.29.15', true, keyUsageValue(opts.keyUsage ?? ['digitalSignature', 'nonRepudiation'])),
      // RFC 3161 §2.3: a TSA certificate's EKU must be critical and contain timeStamping.
      ...(eku.length ? [extension('2.5.29.37', eku.includes(EKU_TIMESTAMPING), der.seq(...eku.map(der.oid)))] : []),
      // DistributionPoint { distributionPoint [0] { fullName [0] { uniformResourceIdentifier [6] } } }
      ...(opts.crlUrl ? [extension('2.5.29.31', false, der.seq(der.seq(der.tlv(0xa0, der.tlv(0xa0, der.tlv(0x86, Buffer.from(opts.crlUrl, 'ascii')))))))] : []),
      ...(opts.ocspUrl ? [extension('1.3.6.1.5.5.7.1.1', false, der.seq(der.seq(der.oid('1.3.6.1.5.5.7.48.1'), der.tlv(0x86, Buffer.from(opts.ocspUrl, 'ascii')))))] : []),
    ],
  });
  return { certificate, privateKeyPem: key.pem };
}

/**
 * A v2 CRL signed by `ca` (RFC 5280 §5): the revoked serials (uppercase hex, as
 * describeCertificate gives them) with their revocation dates, a CRL number and the CA's key id.
 */
export function createCrl(ca: KeyAndCertificate, opts: {
  thisUpdate: Date; nextUpdate: Date; crlNumber: number; revoked?: Array<{ serialNumber: string; revokedAt: Date }>;
}): Buffer {
  const sha256WithRsa = der.algId('1.2.840.113549.1.1.11', der.null());
  const caSpki = createPublicKey(ca.privateKeyPem).export({ type: 'spki', format: 'der' });
  const revoked = opts.revoked ?? [];
  const tbs = der.seq(
    der.small(1), // v2
    sha256WithRsa,
    certificateIdentity(ca.certificate).subject,
    time(opts.thisUpdate),
    time(opts.nextUpdate),
    ...(revoked.length ? [der.seq(...revoked.map((r) => der.seq(der.uint(Buffer.from(r.serialNumber, 'hex')), time(r.revokedAt))))] : []),
    der.tlv(0xa0, der.seq(
      extension('2.5.29.35', false, der.seq(der.tlv(0x80, keyId(caSpki)))),
      extension('2.5.29.20', false, der.small(opts.crlNumber)),
    )),
  );
  const signature = sign('sha256', tbs, createPrivateKey(ca.privateKeyPem));
  return der.seq(tbs, sha256WithRsa, der.tlv(0x03, Buffer.from([0]), signature));
}

// ---------------------------------------------------------------------------------------------
// PKCS#12 export. Modern = what `openssl pkcs12 -export` writes by default (PBES2: PBKDF2-HMAC-
// SHA256 + AES-256-CBC, MAC HMAC-SHA256); legacy = 3DES (pbeWithSHAAnd3-KeyTripleDES-CBC) with
// a SHA-1 MAC, readable by old Windows/Java. (OpenSSL's -legacy uses RC2-40 for the certificate
// bag; 3DES is used here because Node's OpenSSL no longer offers RC2 by default.)
// ---------------------------------------------------------------------------------------------
const ITERATIONS = 2048; // OpenSSL's default for both the PBE and the MAC

function encrypt(data: Buffer, passphrase: string, legacy: boolean): { alg: Buffer; ciphertext: Buffer } {
  const salt = randomBytes(legacy ? 8 : 16);
  if (legacy) {
    const bmp = bmpPassword(passphrase);
    const key = pkcs12Kdf('sha1', bmp, salt, 1, ITERATIONS, 24);
    const iv = pkcs12Kdf('sha1', bmp, salt, 2, ITERATIONS, 8);
    const c = createCipheriv('des-ede3-cbc', key, iv);
    return {
      alg: der.algId('1.2.840.113549.1.12.1.3', der.seq(der.octets(salt), der.small(ITERATIONS))),
      ciphertext: Buffer.concat([c.update(data), c.final()]),
    };
  }
  const iv = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(passphrase, 'utf8'), salt, ITERATIONS, 32, 'sha256');
  const c = createCipheriv('aes-256-cbc', key, iv);
  const kdf = der.algId('1.2.840.113549.1.5.12', der.seq(der.octets(salt), der.small(ITERATIONS), der.algId('1.2.840.113549.2.9', der.null())));
  return {
    alg: der.algId('1.2.840.113549.1.5.13', der.seq(kdf, der.algId('2.16.840.1.101.3.4.1.42', der.octets(iv)))),
    ciphertext: Buffer.concat([c.update(data), c.final()]),
  };
}

export function toPkcs12(args: {
  privateKeyPem: string; certificate: Buffer; chain: Buffer[]; passphrase: string; legacy?: boolean;
}): Buffer {
  const legacy = args.legacy ?? false;
  // localKeyId ties the key bag to the leaf certificate bag (Windows and OpenSSL both use it).
  const localKeyId = der.tlv(0x31, der.seq(der.oid('1.2.840.113549.1.9.21'),
    der.tlv(0x31, der.octets(createHash('sha1').update(args.certificate).digest()))));
  const certBag = (c: Buffer, attrs?: Buffer) => der.seq(
    der.oid('1.2.840.113549.1.12.10.1.3'),
    der.tlv(0xa0, der.seq(der.oid('1.2.840.113549.1.9.22.1'), der.tlv(0xa0, der.octets(c)))),
    ...(attrs ? [attrs] : []),
  );
  const certs = encrypt(der.seq(certBag(args.certificate, localKeyId), ...args.chain.map((c) => certBag(c))), args.passphrase, legacy);
  const pkcs8 = createPrivateKey(args.privateKeyPem).export({ type: 'pkcs8', format: 'der' });
  const key = encrypt(pkcs8, args.passphrase, legacy);
  const keyBag = der.seq(
    der.oid('1.2.840.113549.1.12.10.1.2'),
    der.tlv(0xa0, der.seq(key.alg, der.octets(key.ciphertext))),
    localKeyId,
  );
  const authSafe = der.seq(
    der.seq(der.oid('1.2.840.113549.1.7.6'), der.tlv(0xa0, der.seq(der.small(0),
      der.seq(der.oid('1.2.840.113549.1.7.1'), certs.alg, der.tlv(0x80, certs.ciphertext))))),
    der.seq(der.oid('1.2.840.113549.1.7.1'), der.tlv(0xa0, der.octets(der.seq(keyBag)))),
  );
  const [hash, hashOid, len] = legacy ? ['sha1', '1.3.14.3.2.26', 20] as const : ['sha256', '2.16.840.1.101.3.4.2.1', 32] as const;
  const macSalt = randomBytes(8);
  const macKey = pkcs12Kdf(hash, bmpPassword(args.passphrase), macSalt, 3, ITERATIONS, len);
  const mac = createHmac(hash, macKey).update(authSafe).digest();
  return der.seq(
    der.small(3),
    der.seq(der.oid('1.2.840.113549.1.7.1'), der.tlv(0xa0, der.octets(authSafe))),
    der.seq(der.seq(der.algId(hashOid, der.null()), der.octets(mac)), der.octets(macSalt), der.small(ITERATIONS)),
  );
}
