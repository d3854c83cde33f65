// Certificate paths for verification, on CertViews (x509.ts) instead of node's X509Certificate.
//
// "Is `cur` issued by `p`" used to be X509Certificate.checkIssued + verify, i.e. OpenSSL's
// X509_check_issued and X509_verify, at ~0.15 ms to parse each certificate and ~0.4 ms per
// verify. issuedBy() makes the same decisions from the DER: issuer name = subject name,
// authorityKeyIdentifier.keyIdentifier = subjectKeyIdentifier when both are there, the issuer's
// keyUsage (if any) allows keyCertSign, the outer and inner signature algorithms are the same and
// match the issuer's key type, and the signature verifies. The rare cases where OpenSSL's rules
// are subtler (names equal only after its case/whitespace folding, AKIs naming issuer + serial,
// proxy certificates, other algorithms) are handed to OpenSSL itself, so the answer is its answer.
import { constants, createHash, verify as nodeVerify, X509Certificate, type KeyObject } from 'node:crypto';
import { TtlLru } from './cache.js';
import { type Asn, bytes, isContext, kids, oid, raw, smallInt } from './der-reader.js';
import { looseNameKey } from './names.js';
import { HASH_BY_OID } from './pades.js';
import { CertView, KEY_ALG } from './x509.js';

const RSA_SIG: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1', '1.2.840.113549.1.1.14': 'sha224', '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384', '1.2.840.113549.1.1.13': 'sha512',
};
const ECDSA_SIG: Record<string, string> = {
  '1.2.840.10045.4.1': 'sha1', '1.2.840.10045.4.3.1': 'sha224', '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384', '1.2.840.10045.4.3.4': 'sha512',
};
const RSA_PSS = '1.2.840.113549.1.1.10';
const KU_KEY_CERT_SIGN = 0x04;

/** Verifies `signature` over `data` (CMS SignerInfo rules); null when the algorithm is not supported. */
export function checkSignature(sigAlg: Asn | undefined, digest: string, data: Buffer, key: KeyObject, signature: Buffer): boolean | null {
  const [oidNode, params] = kids(sigAlg);
  const alg = oid(oidNode);
  try {
    if (alg === KEY_ALG.rsa || alg === KEY_ALG.ec) return nodeVerify(digest, data, key, signature);
    const hash = RSA_SIG[alg] ?? ECDSA_SIG[alg];
    if (hash) return nodeVerify(hash, data, key, signature);
    if (alg === KEY_ALG.ed25519) return nodeVerify(null, data, key, signature);
    if (alg === RSA_PSS) { // [0] hash (default SHA-1), [2] salt length (default 20)
      let pssHash = 'sha1';
      let saltLength = 20;
      for (const p of kids(params)) {
        if (isContext(p, 0)) pssHash = HASH_BY_OID[oid(kids(kids(p)[0])[0])] ?? 'unknown';
        if (isContext(p, 2)) saltLength = smallInt(kids(p)[0]);
      }
      return nodeVerify(pssHash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, signature);
    }
  } catch {
    return false; // key/algorithm mismatch or garbage signature
  }
  return null;
}

// OpenSSL's view of a certificate, made only for the cases described in the header.
const x509s = new WeakMap<CertView, X509Certificate | null>();
function openssl(v: CertView): X509Certificate | null {
  if (!x509s.has(v)) {
    let x: X509Certificate | null = null;
    try {
      x = new X509Certificate(v.der);
    } catch {
      x = null;
    }
    x509s.set(v, x);
  }
  return x509s.get(v)!;
}
function opensslIssued(cur: CertView, issuer: CertView): boolean {
  const [c, i] = [openssl(cur), openssl(issuer)];
  try {
    return !!c && !!i && c.checkIssued(i) && c.verify(i.publicKey);
  } catch {
    return false;
  }
}

/** X509_verify for the plain algorithms; null = leave it to OpenSSL. */
function certSignatureOk(cur: CertView, issuer: CertView): boolean | null {
  if (!raw(cur.sigAlg).equals(cur.tbsSigAlg)) return false;
  const alg = oid(kids(cur.sigAlg)[0]);
  const rsa = RSA_SIG[alg];
  const ec = ECDSA_SIG[alg];
  const ed = alg === KEY_ALG.ed25519;
  if (!((rsa && issuer.keyAlg === KEY_ALG.rsa) || (ec && issuer.keyAlg === KEY_ALG.ec) || (ed && issuer.keyAlg === KEY_ALG.ed25519))) return null;
  if (cur.signatureBits.length === 0) return false;
  return nodeVerify(rsa ?? ec ?? null, cur.tbs, issuer.publicKey, cur.signatureBits);
}

/** Node's `cur.checkIssued(issuer) && cur.verify(issuer.publicKey)`, mostly without OpenSSL (see the header). */
export function issuedBy(cur: CertView, issuer: CertView): boolean {
  try {
    if (!raw(cur.issuerName).equals(raw(issuer.subjectName))) {
      return looseNameKey(cur.issuerName) === looseNameKey(issuer.subjectName) && opensslIssued(cur, issuer);
    }
    // Proxy certificates, and extensions OpenSSL would flag, change its answer: let it give it.
    if (cur.hasExt('1.3.6.1.5.5.7.1.14') || cur.unusual || issuer.unusual) return opensslIssued(cur, issuer);
    const aki = cur.ext('2.5.29.35');
    if (aki) {
      const [keyId, ...more] = kids(aki);
      if (more.length || (keyId && !isContext(keyId, 0))) return opensslIssued(cur, issuer);
      const ski = issuer.subjectKeyId;
      if (keyId && ski && !bytes(keyId).equals(ski)) return false;
    }
    const ku = issuer.keyUsage;
    if (ku !== null && !(ku & KU_KEY_CERT_SIGN)) return false;
    return certSignatureOk(cur, issuer) ?? opensslIssued(cur, issuer);
  } catch {
    return false;
  }
}

/** Path from `leaf` through `pool` to one of `anchors`, every certificate checked at `at`. */
export function checkChain(leaf: CertView, pool: CertView[], anchors: CertView[], at: Date): string[] {
  const chain = [leaf];
  let anchored = false;
  while (chain.length <= 10) {
    const cur = chain[chain.length - 1]!;
    if (anchors.some((a) => a.sameKeyAs(cur))) { anchored = true; break; }
    const anchor = anchors.find((a) => issuedBy(cur, a));
    if (anchor) { chain.push(anchor); anchored = true; break; }
    const next = pool.find((p) => !chain.some((c) => c.der.equals(p.der)) && issuedBy(cur, p));
    if (!next) break;
    chain.push(next);
  }
  if (!anchored) return ['no chain to a trust anchor'];
  const problems: string[] = [];
  chain.forEach((x, i) => {
    const who = i === 0 ? 'certificate' : 'CA certificate';
    if (at > x.notAfter) problems.push(`${who} expired at signing time`);
    if (at < x.notBefore) problems.push(`${who} not yet valid at signing time`);
    if (i > 0 && !x.isCa) problems.push('issuer certificate is not a CA');
    const ku = x.keyUsage;
    if (i > 0 && ku !== null && !(ku & KU_KEY_CERT_SIGN)) problems.push('issuer certificate may not sign certificates');
  });
  return problems;
}

/** A view of `der`, or null when it is not a certificate we can read (it is then left out). */
export function viewOrNull(der: Buffer): CertView | null {
  try {
    return new CertView(der);
  } catch {
    return null;
  }
}

/**
 * Trust anchors are the same few certificates on every verification, so their views (with the
 * names, key usage and public key worked out on first use) are kept, keyed by the SHA-256 of the
 * DER; a view is built from a private copy, so a caller reusing its buffer cannot change it.
 */
const anchorCache = new TtlLru<string, CertView | null>({ maxEntries: 256 });

export function anchorViews(anchors: Buffer[]): CertView[] {
  const out: CertView[] = [];
  for (const a of anchors) {
    const key = createHash('sha256').update(a).digest('base64');
    let v = anchorCache.get(key);
    if (v === undefined) {
      v = viewOrNull(Buffer.from(a));
      anchorCache.set(key, v);
    }
    if (v) out.push(v);
  }
  return out;
}
