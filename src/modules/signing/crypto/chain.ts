// Certificate paths: from the signer through the certificates a signature carries to a trust
// anchor, validated by pkijs' CertificateChainValidationEngine (RFC 5280 path processing: name
// chaining, CA flags and keyCertSign, certificate policies, name constraints), plus what that
// engine leaves out: basicConstraints pathLenConstraint, critical extensions nobody here
// understands (RFC 5280 §4.2: the certificate must then be rejected), and the time checks, made
// here so the problem names the certificate. "Is X issued by Y" is OpenSSL's answer
// (X509Certificate.checkIssued + verify), used by the engine as its findIssuer, so every key and
// signature algorithm OpenSSL knows works.
//
// Only the validity periods depend on the time a signature is checked at; the rest of a path's
// verdict depends only on the certificates and the anchors, so it is cached (keyed by their
// SHA-256s) and a repeated verification re-does only the date comparisons.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import * as pkijs from 'pkijs';
import { type Cert, certOf, certOrNull, EXT } from './x509.js';

const KU_KEY_CERT_SIGN = 0x04;

/** Extensions this code (or the pkijs engine it runs) processes; any other critical one fails the path. */
const UNDERSTOOD = new Set<string>([
  EXT.keyUsage, EXT.basicConstraints, EXT.extKeyUsage, EXT.subjectKeyId, EXT.authorityKeyId, EXT.nameConstraints,
  EXT.crlDistributionPoints, EXT.authorityInfoAccess,
  '2.5.29.17', '2.5.29.18', // subject / issuer alternative name
  '2.5.29.32', '2.5.29.33', '2.5.29.36', '2.5.29.54', // policies, policy mappings, policy constraints, inhibitAnyPolicy
  '2.5.29.46', // freshestCRL
  '1.3.6.1.5.5.7.48.1.5', // id-pkix-ocsp-nocheck
]);

const issuedMemo = new LRUCache<string, boolean>({ max: 4096 });

/** OpenSSL's `child.checkIssued(issuer) && child.verify(issuer.publicKey)`, remembered per pair. */
export function issuedBy(child: Cert, issuer: Cert): boolean {
  const key = `${child.sha256.toString('base64')}|${issuer.sha256.toString('base64')}`;
  let v = issuedMemo.get(key);
  if (v === undefined) {
    try {
      v = child.x509.checkIssued(issuer.x509) && child.x509.verify(issuer.x509.publicKey);
    } catch {
      v = false;
    }
    issuedMemo.set(key, v);
  }
  return v;
}

/** Same certificate, or same subject and key (what makes a certificate "be" a trust anchor). */
function isAnchor(c: Cert, a: Cert): boolean {
  return c.sha256.equals(a.sha256) || (c.subjectRaw.equals(a.subjectRaw) && c.spki.equals(a.spki));
}

/** Leaf first, anchor last; null when no path reaches an anchor. Shortest first, at most 10 long. */
function buildPath(leaf: Cert, pool: Cert[], anchors: Cert[]): Cert[] | null {
  const path = [leaf];
  while (path.length <= 10) {
    const cur = path[path.length - 1]!;
    const anchor = anchors.find((a) => isAnchor(cur, a)) ?? anchors.find((a) => issuedBy(cur, a));
    if (anchor) {
      if (!anchor.sha256.equals(cur.sha256)) path.push(anchor);
      return path;
    }
    const next = pool.find((p) => !path.some((c) => c.sha256.equals(p.sha256)) && issuedBy(cur, p));
    if (!next) return null;
    path.push(next);
  }
  return null;
}

interface Structural {
  path: Cert[] | null;
  problems: string[];
}

/** Everything but the dates: the engine's RFC 5280 processing and the checks it leaves out. */
async function structural(leaf: Cert, pool: Cert[], anchors: Cert[]): Promise<Structural> {
  const path = buildPath(leaf, pool, anchors);
  if (!path) return { path: null, problems: ['no chain to a trust anchor'] };
  const problems: string[] = [];
  const anchor = path[path.length - 1]!;
  if (path.length > 1) {
    // Run at a moment every certificate of the path is valid (the dates are checked by the caller).
    const checkDate = new Date(Math.max(...path.map((c) => c.notBefore.getTime())));
    const engine = new pkijs.CertificateChainValidationEngine({
      trustedCerts: [anchor.pkijs],
      certs: path.slice(0, -1).reverse().map((c) => c.pkijs), // the engine takes the leaf last
      checkDate,
      findIssuer: async (c, e) => {
        const child = certOf(c);
        if (!child) return [];
        return [...e.trustedCerts, ...e.certs].filter((p) => {
          const candidate = certOf(p);
          return !!candidate && issuedBy(child, candidate);
        });
      },
    });
    const r = await engine.verify();
    // resultCode 8 is the engine's own date check: the dates are ours (see above).
    if (!r.result && r.resultCode !== 8) problems.push(`certificate path rejected: ${r.resultMessage || 'unknown reason'}`);
  }
  path.forEach((c, i) => {
    if (i > 0) {
      if (!c.isCa) problems.push('issuer certificate is not a CA');
      const ku = c.keyUsage;
      if (ku !== null && !(ku & KU_KEY_CERT_SIGN)) problems.push('issuer certificate may not sign certificates');
      // RFC 5280 §4.2.1.9: at most pathLen non-self-issued intermediates may follow this CA.
      const limit = c.pathLenConstraint;
      const below = path.slice(1, i).filter((x) => !x.selfIssued).length;
      if (limit !== null && below > limit) problems.push(`path length constraint exceeded (${c.subject}: at most ${limit}, found ${below})`);
    }
    for (const e of c.pkijs.extensions ?? []) {
      if (e.critical && !UNDERSTOOD.has(e.extnID)) problems.push(`unknown critical extension ${e.extnID} in ${i === 0 ? 'certificate' : 'CA certificate'}`);
    }
  });
  return { path, problems: [...new Set(problems)] };
}

const structuralCache = new LRUCache<string, Structural>({ max: 1024 });
const digestOf = (cs: Cert[]) => cs.map((c) => c.sha256.toString('base64')).sort().join(',');

export interface ChainResult {
  /** Leaf first, anchor last; null when no path reaches an anchor. */
  path: Cert[] | null;
  problems: string[];
}

/** The path from `leaf` through `pool` to one of `anchors`, every certificate checked at `at`. */
export async function validateChain(leaf: Cert, pool: Cert[], anchors: Cert[], at: Date): Promise<ChainResult> {
  const key = createHash('sha256').update(`${leaf.sha256.toString('base64')}|${digestOf(pool)}|${digestOf(anchors)}`).digest('base64');
  let s = structuralCache.get(key);
  if (!s) {
    s = await structural(leaf, pool, anchors);
    structuralCache.set(key, s);
  }
  if (!s.path) return { path: null, problems: [...s.problems] };
  const problems: string[] = [];
  s.path.forEach((x, i) => {
    const who = i === 0 ? 'certificate' : 'CA certificate';
    if (at > x.notAfter) problems.push(`${who} expired at signing time`);
    if (at < x.notBefore) problems.push(`${who} not yet valid at signing time`);
  });
  return { path: s.path, problems: [...problems, ...s.problems] };
}

/** Trust anchors as Certs (parsed once per DER, see x509.ts); unreadable ones are left out. */
export function anchorCerts(anchors: Buffer[]): Cert[] {
  return anchors.map((a) => certOrNull(a)).filter((c): c is Cert => c !== null);
}
