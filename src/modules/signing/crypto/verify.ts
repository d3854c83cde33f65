// Verification of a PAdES CMS signature (and its RFC 3161 timestamp token).
// The CMS is walked as raw ASN.1 (asn1js, BER-tolerant) instead of through pkijs' SignedData
// because the signature covers the signed attributes exactly as transmitted; every check is
// done with node:crypto, and nothing here throws: malformed input becomes a verdict.
import { constants, createHash, verify as nodeVerify, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import { der, OID } from './pades.js';
import * as pkijs from 'pkijs';
import { HASH_BY_OID, describeCertificate, formatName } from './certificates.js';
import { parseTimestampToken } from './timestamp.js';

export interface CmsVerdict {
  signer: { subject: string; commonName: string | null; organization: string | null; serialNumber: string; issuer: string } | null;
  integrity: 'valid' | 'invalid';
  trust: 'trusted' | 'untrusted';
  signedAt: Date | null;
  timestamped: boolean;
  timestampValid: boolean | null;
  problems: string[];
}

const RSA_SIG: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1', '1.2.840.113549.1.1.14': 'sha224', '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384', '1.2.840.113549.1.1.13': 'sha512',
};
const ECDSA_SIG: Record<string, string> = {
  '1.2.840.10045.4.1': 'sha1', '1.2.840.10045.4.3.1': 'sha224', '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384', '1.2.840.10045.4.3.4': 'sha512',
};
const EKU_TIMESTAMPING = '1.3.6.1.5.5.7.3.8';

/** Verifies `signature` over `data`; null when the algorithm is not supported. */
function checkSignature(sigAlg: asn1js.AsnType | undefined, digest: string, data: Buffer, cert: X509Certificate, signature: Buffer): boolean | null {
  const [oidNode, params] = der.kids(sigAlg);
  const oid = der.oidOf(oidNode);
  const key = cert.publicKey;
  try {
    if (oid === OID.rsaEncryption || oid === '1.2.840.10045.2.1') return nodeVerify(digest, data, key, signature);
    const hash = RSA_SIG[oid] ?? ECDSA_SIG[oid];
    if (hash) return nodeVerify(hash, data, key, signature);
    if (oid === '1.3.101.112') return nodeVerify(null, data, key, signature); // Ed25519
    if (oid === '1.2.840.113549.1.1.10') { // RSASSA-PSS: [0] hash (default SHA-1), [2] salt length (default 20)
      let hash = 'sha1';
      let saltLength = 20;
      for (const p of der.kids(params)) {
        if (der.isContext(p, 0)) hash = HASH_BY_OID[der.oidOf(der.kids(der.kids(p)[0])[0])] ?? 'unknown';
        if (der.isContext(p, 2)) saltLength = Number((der.kids(p)[0] as asn1js.Integer).toBigInt());
      }
      return nodeVerify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, signature);
    }
  } catch {
    return false; // key/algorithm mismatch or garbage signature
  }
  return null;
}

interface SignerResult {
  certificates: Buffer[];
  signerCert: Buffer | null;
  ok: boolean;
  problems: string[];
  signature: Buffer;
  unsigned: Map<string, asn1js.AsnType[]>;
  eContentType: string;
}

function attributes(node: asn1js.AsnType | undefined): Map<string, asn1js.AsnType[]> {
  const m = new Map<string, asn1js.AsnType[]>();
  for (const a of der.kids(node)) {
    const [t, values] = der.kids(a);
    m.set(der.oidOf(t), der.kids(values));
  }
  return m;
}

/** Integrity of the first SignerInfo of a SignedData over `content` (or its own eContent). */
function checkSignedData(cms: Buffer, content: Buffer[] | null): SignerResult {
  const [ctype, wrapped] = der.kids(der.parse(cms));
  if (der.oidOf(ctype) !== OID.signedData) throw new Error('not a SignedData');
  const sd = der.kids(der.kids(wrapped)[0]);
  const [eType, eWrapped] = der.kids(sd[2]);
  const eContent = eWrapped ? der.bytes(der.kids(eWrapped)[0]) : null;
  const certificates = der.kids(sd.find((n) => der.isContext(n, 0))).filter((c) => c instanceof asn1js.Sequence).map(der.raw);
  const signerInfos = der.kids(sd[sd.length - 1]);
  const problems: string[] = [];
  const r: SignerResult = { certificates, signerCert: null, ok: false, problems, signature: Buffer.alloc(0), unsigned: new Map(), eContentType: der.oidOf(eType) };
  if (signerInfos.length !== 1) problems.push(signerInfos.length ? 'more than one signer; only the first was checked' : 'no signer');
  const si = der.kids(signerInfos[0]);
  if (!si.length) return r;
  const [, sid, digestAlg] = si;
  let i = 3;
  const signedAttrs = der.isContext(si[i], 0) ? si[i++] : undefined;
  const sigAlg = si[i++];
  r.signature = der.bytes(si[i++]);
  if (der.isContext(si[i], 1)) r.unsigned = attributes(si[i]);

  // Signer certificate: by issuer + serial (raw bytes, or same readable issuer), or by key id.
  const found = certificates.find((c) => {
    try {
      if (der.isContext(sid, 0)) return subjectKeyId(c)?.equals(der.bytes(sid)) ?? false;
      const [issuer, serial] = der.kids(sid);
      const x = new X509Certificate(c);
      const serialHex = der.bytes(serial).toString('hex').replace(/^(00)+(?=.)/, '').toUpperCase();
      return x.serialNumber.replace(/^(00)+(?=.)/, '').toUpperCase() === serialHex
        && (der.raw(issuer!).equals(certIssuer(c)) || describeCertificate(c).issuer === nameString(issuer!));
    } catch {
      return false;
    }
  });
  if (!found) return problems.push('signer certificate not found in the signature'), r;
  r.signerCert = found;
  const cert = new X509Certificate(found);

  const digest = HASH_BY_OID[der.oidOf(der.kids(digestAlg)[0])];
  if (!digest) return problems.push('unsupported digest algorithm'), r;
  const body = content ?? (eContent ? [eContent] : null);
  if (!body) return problems.push('no content to verify'), r;
  let signedBytes: Buffer;
  let digestOk = true;
  if (signedAttrs) {
    const attrs = attributes(signedAttrs);
    const h = createHash(digest);
    for (const c of body) h.update(c);
    const md = attrs.get(OID.messageDigest);
    if (md?.length !== 1 || !der.bytes(md[0]).equals(h.digest())) digestOk = false, problems.push('message digest mismatch');
    const ct = attrs.get(OID.contentType);
    if (ct?.length !== 1 || der.oidOf(ct[0]) !== r.eContentType) digestOk = false, problems.push('content type attribute mismatch');
    const essV2 = attrs.get(OID.signingCertificateV2)?.[0];
    const essV1 = attrs.get(OID.signingCertificate)?.[0];
    const ess = essV2 ?? essV1;
    if (ess) {
      // SigningCertificate(V2).certs[0] must be the certificate we verify with (no substitution).
      const id = der.kids(der.kids(der.kids(ess)[0])[0]);
      const hasAlg = essV2 && id[0] instanceof asn1js.Sequence;
      const hash = essV2 ? (hasAlg ? HASH_BY_OID[der.oidOf(der.kids(id[0])[0])] : 'sha256') : 'sha1';
      const certHash = der.bytes(id[hasAlg ? 1 : 0]);
      if (!hash || !createHash(hash).update(found).digest().equals(certHash)) digestOk = false, problems.push('signing certificate attribute mismatch');
    }
    signedBytes = Buffer.concat([Buffer.from([0x31]), der.raw(signedAttrs).subarray(1)]);
  } else {
    signedBytes = Buffer.concat(body); // no signed attributes: the signature is over the content itself
  }
  const sigOk = checkSignature(sigAlg, digest, signedBytes, cert, r.signature);
  if (sigOk === null) problems.push('unsupported signature algorithm');
  else if (!sigOk) problems.push('signature value invalid');
  r.ok = digestOk && sigOk === true;
  return r;
}

const certIssuer = (c: Buffer): Buffer => {
  const tbs = der.kids(der.kids(der.parse(c))[0]);
  return der.raw(tbs[der.isContext(tbs[0], 0) ? 3 : 2]!);
};
// Readable form of a raw Name: a fallback when the CMS re-encoded the issuer (e.g. other string types).
const nameString = (name: asn1js.AsnType): string => formatName(new pkijs.RelativeDistinguishedNames({ schema: name }));

function subjectKeyId(c: Buffer): Buffer | null {
  const tbs = der.kids(der.kids(der.parse(c))[0]);
  const exts = tbs.find((n) => der.isContext(n, 3));
  for (const e of der.kids(der.kids(exts)[0])) {
    const [id, ...rest] = der.kids(e);
    if (der.oidOf(id) === '2.5.29.14') return der.bytes(der.parse(der.bytes(rest[rest.length - 1])));
  }
  return null;
}

/** Path from `leaf` through `pool` to one of `anchors`, every certificate checked at `at`. */
function checkChain(leaf: Buffer, pool: Buffer[], anchors: Buffer[], at: Date): string[] {
  const parse = (b: Buffer) => { try { return new X509Certificate(b); } catch { return null; } };
  const anchorX = anchors.map(parse).filter((x): x is X509Certificate => !!x);
  const poolX = pool.map(parse).filter((x): x is X509Certificate => !!x);
  const sameKey = (a: X509Certificate, b: X509Certificate) =>
    a.subject === b.subject && a.publicKey.export({ type: 'spki', format: 'der' }).equals(b.publicKey.export({ type: 'spki', format: 'der' }));
  const chain = [new X509Certificate(leaf)];
  let anchored = false;
  while (chain.length <= 10) {
    const cur = chain[chain.length - 1]!;
    if (anchorX.some((a) => sameKey(a, cur))) { anchored = true; break; }
    const issuedBy = (p: X509Certificate) => cur.checkIssued(p) && cur.verify(p.publicKey);
    const anchor = anchorX.find(issuedBy);
    if (anchor) { chain.push(anchor); anchored = true; break; }
    const next = poolX.find((p) => !chain.some((c) => c.raw.equals(p.raw)) && issuedBy(p));
    if (!next) break;
    chain.push(next);
  }
  if (!anchored) return ['no chain to a trust anchor'];
  const problems: string[] = [];
  chain.forEach((x, i) => {
    const info = describeCertificate(x.raw);
    const who = i === 0 ? 'certificate' : 'CA certificate';
    if (at > info.notAfter) problems.push(`${who} expired at signing time`);
    if (at < info.notBefore) problems.push(`${who} not yet valid at signing time`);
    if (i > 0 && !info.isCa) problems.push('issuer certificate is not a CA');
    if (i > 0 && info.keyUsage && !info.keyUsage.keyCertSign) problems.push('issuer certificate may not sign certificates');
  });
  return problems;
}

function checkTimestamp(token: Buffer, signature: Buffer, anchors: Buffer[], pool: Buffer[]) {
  const problems: string[] = [];
  const tsr = checkSignedData(token, null);
  const info = parseTimestampToken(token);
  let valid = tsr.ok;
  if (!tsr.ok) problems.push('timestamp signature invalid', ...tsr.problems.map((p) => `timestamp: ${p}`));
  if (tsr.eContentType !== OID.tstInfo) valid = false, problems.push('timestamp token has no TSTInfo');
  const hash = info.hashAlgorithm;
  if (!(hash in { sha1: 1, sha224: 1, sha256: 1, sha384: 1, sha512: 1 })
    || !createHash(hash).update(signature).digest().equals(info.messageImprint)) valid = false, problems.push('timestamp imprint mismatch');
  if (tsr.signerCert) {
    // The TSA need not be trusted for the token to count, but the user should know.
    const tsaProblems = checkChain(tsr.signerCert, [...tsr.certificates, ...pool], anchors, info.genTime);
    if (tsaProblems.length) problems.push(`timestamp authority not trusted (${tsaProblems.join('; ')})`);
    if (!new X509Certificate(tsr.signerCert).keyUsage?.includes(EKU_TIMESTAMPING)) problems.push('timestamp certificate lacks timeStamping usage');
  }
  return { valid, genTime: info.genTime, problems };
}

export async function verifyCms(args: {
  cms: Buffer; content: Buffer[]; trustAnchors: Buffer[]; pdfSigningTime?: Date | null;
}): Promise<CmsVerdict> {
  const verdict: CmsVerdict = {
    signer: null, integrity: 'invalid', trust: 'untrusted', signedAt: args.pdfSigningTime ?? null,
    timestamped: false, timestampValid: null, problems: [],
  };
  let r: SignerResult;
  try {
    r = checkSignedData(args.cms, args.content);
  } catch {
    verdict.problems.push('malformed CMS');
    return verdict;
  }
  verdict.problems.push(...r.problems);
  try {
    const d = r.signerCert ? describeCertificate(r.signerCert) : null;
    if (d) verdict.signer = { subject: d.subject, commonName: d.commonName, organization: d.organization, serialNumber: d.serialNumber, issuer: d.issuer };
  } catch {
    verdict.problems.push('malformed signer certificate');
  }
  if (r.eContentType !== OID.data) verdict.problems.push('unsupported content type');
  verdict.integrity = r.ok && r.eContentType === OID.data ? 'valid' : 'invalid';

  const tokens = r.unsigned.get(OID.signatureTimeStampToken) ?? [];
  if (tokens[0]) {
    verdict.timestamped = true;
    try {
      const ts = checkTimestamp(der.raw(tokens[0]), r.signature, args.trustAnchors, r.certificates);
      verdict.timestampValid = ts.valid;
      verdict.problems.push(...ts.problems);
      if (ts.valid) verdict.signedAt = ts.genTime;
    } catch {
      verdict.timestampValid = false;
      verdict.problems.push('malformed timestamp token');
    }
  }
  if (r.signerCert) {
    try {
      const chainProblems = checkChain(r.signerCert, r.certificates, args.trustAnchors, verdict.signedAt ?? new Date());
      const ku = describeCertificate(r.signerCert).keyUsage;
      if (ku && !ku.digitalSignature && !ku.nonRepudiation) chainProblems.push('certificate not allowed for signing');
      verdict.problems.push(...chainProblems);
      verdict.trust = chainProblems.length === 0 ? 'trusted' : 'untrusted';
    } catch {
      verdict.problems.push('malformed certificate');
    }
  }
  return verdict;
}
