// X.509 / PKCS#12 handling for signing certificates.
//
// PKCS#12 is decoded here rather than with node-forge's pkcs12FromAsn1: forge reads OpenSSL 3's
// default files (PBES2/AES-256/HMAC-SHA256) only with ASCII passphrases — it feeds PBKDF2 the
// low byte of each UTF-16 unit while OpenSSL uses UTF-8, so "mật khẩu" fails — and it re-encodes
// certificates. Node's OpenSSL does AES, 3DES, PBKDF2 and HMAC; forge only supplies RC2, which
// OpenSSL 3 keeps in the (unloaded) legacy provider but `openssl pkcs12 -legacy` still uses.
//
// pkijs' PFX reader is not used: it decrypts PBES2 only (through WebCrypto), so the 3DES and RC2
// files older Windows/Java tools and `openssl pkcs12 -legacy` write would be refused. The ASN.1
// is read with asn1js (pades.ts `der`), the one stack used everywhere but the CMS hot path.
import {
  createHash, createHmac, createDecipheriv, createPrivateKey, createPublicKey, pbkdf2Sync,
  timingSafeEqual, X509Certificate, type KeyObject,
} from 'node:crypto';
import forge from 'node-forge';
import * as asn1js from 'asn1js';
import { der, HASH_BY_OID } from './pades.js';
import { type CertificateInfo, cert, formatName } from './x509.js';

export type { CertificateInfo };
export { HASH_BY_OID, formatName };

export type CertificateErrorCode =
  | 'wrong_passphrase' | 'no_private_key' | 'no_certificate' | 'key_mismatch' | 'malformed'
  | 'expired' | 'not_yet_valid' | 'no_signing_usage';

export class CertificateError extends Error {
  constructor(readonly code: CertificateErrorCode, message: string) {
    super(message);
    this.name = 'CertificateError';
  }
}

const P12 = {
  data: '1.2.840.113549.1.7.1', encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1', shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3', safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1', pbes2: '1.2.840.113549.1.5.13', pbkdf2: '1.2.840.113549.1.5.12',
};
const PRF_BY_OID: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1', '1.2.840.113549.2.8': 'sha224', '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384', '1.2.840.113549.2.11': 'sha512',
};
const PBES2_CIPHERS: Record<string, { name: string; keyLen: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLen: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLen: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLen: 32 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLen: 24 },
};
// RFC 7292 Appendix C PBE schemes (SHA-1 KDF). RC2 is done with forge, see the header comment.
const PKCS12_PBE: Record<string, { name: string; keyLen: number; rc2Bits?: number }> = {
  '1.2.840.113549.1.12.1.3': { name: 'des-ede3-cbc', keyLen: 24 },
  '1.2.840.113549.1.12.1.5': { name: 'rc2', keyLen: 16, rc2Bits: 128 },
  '1.2.840.113549.1.12.1.6': { name: 'rc2', keyLen: 5, rc2Bits: 40 },
};

/** PKCS#12 password bytes: BMPString (UTF-16BE) with a 0x0000 terminator (RFC 7292 B.1). */
export const bmpPassword = (p: string): Buffer => Buffer.concat([Buffer.from(p, 'utf16le').swap16(), Buffer.alloc(2)]);

/** RFC 7292 Appendix B.2 key derivation (id 1 = key, 2 = IV, 3 = MAC key). */
export function pkcs12Kdf(hash: string, password: Buffer, salt: Buffer, id: number, iterations: number, n: number): Buffer {
  const v = hash === 'sha384' || hash === 'sha512' ? 128 : 64;
  const fill = (b: Buffer) => (b.length ? Buffer.alloc(v * Math.ceil(b.length / v), b) : Buffer.alloc(0));
  const I = Buffer.concat([fill(salt), fill(password)]);
  const out: Buffer[] = [];
  for (let got = 0; got < n; ) {
    let A = createHash(hash).update(Buffer.alloc(v, id)).update(I).digest();
    for (let i = 1; i < iterations; i++) A = createHash(hash).update(A).digest();
    out.push(A);
    got += A.length;
    const B = Buffer.alloc(v, A);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1; // I_j = (I_j + B + 1) mod 2^(8v)
      for (let k = v - 1; k >= 0; k--) {
        const s = I[j + k]! + B[k]! + carry;
        I[j + k] = s & 0xff;
        carry = s >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, n);
}

const intOf = (n: asn1js.AsnType | undefined): number => Number((n as asn1js.Integer).toBigInt());

function decipher(name: string, key: Buffer, iv: Buffer, data: Buffer, rc2Bits?: number): Buffer {
  try {
    if (name !== 'rc2') {
      const d = createDecipheriv(name, key, iv);
      return Buffer.concat([d.update(data), d.final()]);
    }
    const c = forge.rc2.createDecryptionCipher(forge.util.createBuffer(key.toString('binary')), rc2Bits);
    c.start(forge.util.createBuffer(iv.toString('binary')));
    c.update(forge.util.createBuffer(data.toString('binary')));
    if (!c.finish()) throw new Error('bad padding');
    return Buffer.from(c.output.getBytes(), 'binary');
  } catch {
    // Bad padding is what a wrong passphrase looks like when the file has no (or a passing) MAC.
    throw new CertificateError('wrong_passphrase', 'cannot decrypt PKCS#12 content: wrong passphrase?');
  }
}

function decrypt(alg: asn1js.AsnType | undefined, data: Buffer, pass: string, bmp: Buffer): Buffer {
  const [oidNode, params] = der.kids(alg);
  const oid = der.oidOf(oidNode);
  if (oid === P12.pbes2) {
    const [kdf, enc] = der.kids(params);
    const [kdfOid, kdfParams] = der.kids(kdf);
    if (der.oidOf(kdfOid) !== P12.pbkdf2) throw new CertificateError('malformed', 'unsupported PBES2 key derivation');
    const [salt, iter, ...rest] = der.kids(kdfParams); // rest: keyLength?, prf? (default hmacWithSHA1)
    const prfAlg = rest.find((r) => r instanceof asn1js.Sequence);
    const prf = prfAlg ? PRF_BY_OID[der.oidOf(der.kids(prfAlg)[0])] : 'sha1';
    const [encOid, iv] = der.kids(enc);
    const cipher = PBES2_CIPHERS[der.oidOf(encOid)];
    if (!prf || !cipher) throw new CertificateError('malformed', 'unsupported PBES2 cipher or PRF');
    // PBES2 takes the passphrase as UTF-8 bytes (what OpenSSL does), not as BMPString.
    const key = pbkdf2Sync(Buffer.from(pass, 'utf8'), der.bytes(salt), intOf(iter), cipher.keyLen, prf);
    return decipher(cipher.name, key, der.bytes(iv), data);
  }
  const pbe = PKCS12_PBE[oid];
  if (!pbe) throw new CertificateError('malformed', `unsupported PKCS#12 encryption algorithm ${oid}`);
  const [salt, iter] = der.kids(params).map((n, i) => (i ? intOf(n) : der.bytes(n))) as [Buffer, number];
  const [key, iv] = [pkcs12Kdf('sha1', bmp, salt, 1, iter, pbe.keyLen), pkcs12Kdf('sha1', bmp, salt, 2, iter, 8)];
  return decipher(pbe.name, key, iv, data, pbe.rc2Bits);
}

function collectBags(safeContents: asn1js.AsnType, pass: string, bmp: Buffer, out: { keys: Buffer[]; certs: Buffer[] }): void {
  for (const bag of der.kids(safeContents)) {
    const [id, wrapped] = der.kids(bag);
    const value = der.kids(wrapped)[0];
    switch (der.oidOf(id)) {
      case P12.keyBag: out.keys.push(der.raw(value!)); break;
      case P12.shroudedKeyBag: {
        const [alg, enc] = der.kids(value);
        out.keys.push(decrypt(alg, der.bytes(enc), pass, bmp));
        break;
      }
      case P12.certBag: {
        const [type, certValue] = der.kids(value);
        if (der.oidOf(type) === P12.x509Certificate) out.certs.push(der.bytes(der.kids(certValue)[0]));
        break;
      }
      case P12.safeContentsBag: collectBags(value!, pass, bmp, out); break;
      default: break; // CRL / secret bags are irrelevant for signing
    }
  }
}

/** Checks the PFX MAC; returns the BMP password variant that matched (OpenSSL quirk for ""). */
function verifyMac(authSafe: Buffer, macData: asn1js.AsnType, pass: string): Buffer {
  const [digestInfo, saltNode, iterNode] = der.kids(macData);
  const [alg, digest] = der.kids(digestInfo);
  const hash = HASH_BY_OID[der.oidOf(der.kids(alg)[0])];
  if (!hash) throw new CertificateError('malformed', 'unsupported PKCS#12 MAC algorithm (PBMAC1?)');
  const expected = der.bytes(digest);
  // OpenSSL writes an empty passphrase either as an empty BMPString or as no password at all.
  const candidates = pass === '' ? [bmpPassword(''), Buffer.alloc(0)] : [bmpPassword(pass)];
  for (const bmp of candidates) {
    const key = pkcs12Kdf(hash, bmp, der.bytes(saltNode), 3, iterNode ? intOf(iterNode) : 1, expected.length);
    const mac = createHmac(hash, key).update(authSafe).digest();
    if (mac.length === expected.length && timingSafeEqual(mac, expected)) return bmp;
  }
  throw new CertificateError('wrong_passphrase', 'PKCS#12 integrity check failed: wrong passphrase');
}

const spki = (k: KeyObject): Buffer => k.export({ type: 'spki', format: 'der' });

export function parsePkcs12(p12: Buffer, passphrase: string): { privateKeyPem: string; certificate: Buffer; chain: Buffer[] } {
  const out = { keys: [] as Buffer[], certs: [] as Buffer[] };
  try {
    const [, authSafe, macData] = der.kids(der.parse(p12));
    const [ctype, content] = der.kids(authSafe);
    if (der.oidOf(ctype) !== P12.data) throw new CertificateError('malformed', 'public-key protected PKCS#12 is not supported');
    const authBytes = der.bytes(der.kids(content)[0]);
    const bmp = macData ? verifyMac(authBytes, macData, passphrase) : bmpPassword(passphrase);
    for (const info of der.kids(der.parse(authBytes))) {
      const [type, body] = der.kids(info);
      const t = der.oidOf(type);
      if (t === P12.data) collectBags(der.parse(der.bytes(der.kids(body)[0])), passphrase, bmp, out);
      else if (t === P12.encryptedData) {
        const [, eci] = der.kids(der.kids(body)[0]); // EncryptedData { version, EncryptedContentInfo }
        const [, alg, encrypted] = der.kids(eci); // encryptedContent is [0] IMPLICIT (maybe BER-chunked)
        collectBags(der.parse(decrypt(alg, der.bytes(encrypted), passphrase, bmp)), passphrase, bmp, out);
      } else throw new CertificateError('malformed', `unsupported PKCS#12 content type ${t}`);
    }
  } catch (e) {
    if (e instanceof CertificateError) throw e;
    throw new CertificateError('malformed', `not a readable PKCS#12 file: ${(e as Error).message}`);
  }
  if (out.keys.length === 0) throw new CertificateError('no_private_key', 'PKCS#12 contains no private key');
  if (out.certs.length === 0) throw new CertificateError('no_certificate', 'PKCS#12 contains no certificate');
  const [certs, keys] = ((): [X509Certificate[], KeyObject[]] => {
    try {
      return [out.certs.map((c) => new X509Certificate(c)), out.keys.map((k) => createPrivateKey({ key: k, format: 'der', type: 'pkcs8' }))];
    } catch (e) {
      throw new CertificateError('malformed', `unreadable key or certificate in PKCS#12: ${(e as Error).message}`);
    }
  })();
  // The leaf is the certificate whose public key matches a private key (not e.g. the first bag:
  // Windows exports often put the CA certificates first).
  for (const key of keys) {
    const pub = spki(createPublicKey(key));
    const leafIdx = certs.findIndex((c) => spki(c.publicKey).equals(pub));
    if (leafIdx < 0) continue;
    const chain: number[] = [];
    for (let cur = leafIdx; chain.length < certs.length; ) {
      const c = certs[cur]!;
      if (c.checkIssued(c)) break; // self-signed: the root
      const next = certs.findIndex((p, i) => i !== leafIdx && !chain.includes(i) && c.checkIssued(p) && c.verify(p.publicKey));
      if (next < 0) break;
      chain.push(next);
      cur = next;
    }
    // Unrelated extra certificates are kept (after the chain) rather than silently dropped.
    const rest = out.certs.filter((_, i) => i !== leafIdx && !chain.includes(i));
    return {
      privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
      certificate: out.certs[leafIdx]!,
      chain: [...chain.map((i) => out.certs[i]!), ...rest],
    };
  }
  throw new CertificateError('key_mismatch', 'no certificate in the PKCS#12 matches its private key');
}

/**
 * serialNumber: uppercase hex; fingerprintSha256: uppercase hex pairs joined by ':' (as OpenSSL).
 * Read with pkijs, once per distinct certificate (x509.ts); anything that does not read as a
 * certificate is CertificateError 'malformed'.
 */
export function describeCertificate(certDer: Buffer): CertificateInfo {
  try {
    return cert(certDer).describe();
  } catch (e) {
    throw new CertificateError('malformed', `not a DER X.509 certificate: ${(e as Error).message}`);
  }
}

/** Can this certificate sign documents at `at`? (Vietnamese CAs issue digitalSignature+nonRepudiation.) */
export function checkSigningCertificate(certDer: Buffer, at: Date): void {
  const info = describeCertificate(certDer);
  if (at > info.notAfter) throw new CertificateError('expired', `certificate expired on ${info.notAfter.toISOString()}`);
  if (at < info.notBefore) throw new CertificateError('not_yet_valid', `certificate is valid from ${info.notBefore.toISOString()}`);
  if (!info.keyUsage || !(info.keyUsage.digitalSignature || info.keyUsage.nonRepudiation)) {
    throw new CertificateError('no_signing_usage', 'certificate key usage does not allow digital signatures');
  }
}
