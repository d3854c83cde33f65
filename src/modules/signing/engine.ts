import type { KeyObject } from 'node:crypto';
import { buildSignedAttributes, assembleCms, digestChunks, signSignedAttributes } from './crypto/pades.js';
import { checkRevocation, type RevocationAnswer, type RevocationOptions, type RevocationStatus } from './crypto/revocation.js';
import { requestTimestamp } from './crypto/timestamp.js';
import { verifyCms } from './crypto/verify.js';
import { lastRevisionProblem } from '../../lib/pdf/structure.js';
import { addSignaturePlaceholder, byteRangeChunks, embedSignature, findSignatures, fromHeader, type PlaceholderOptions, type Prepared } from './pdf/incremental.js';

/**
 * A key held by the server. `privateKey` is best a KeyObject kept across signatures (the server
 * gets one from `deps.keys.privateKey`, which caches them): a PEM string still works but is parsed
 * again on every call and its fresh key object signs slower (see signSignedAttributes).
 */
export type SigningKey = { certificate: Buffer; chain: Buffer[] } & (
  | { privateKey: KeyObject | string }
  /** The older spelling, still accepted. */
  | { privateKeyPem: string }
);

/** Room for the CMS: the certificates, the signature, and a timestamp token when one is asked for. */
export function signatureRoom(key: { certificate: Buffer; chain: Buffer[] }, timestamped: boolean): number {
  return 4096 + key.certificate.length + key.chain.reduce((n, c) => n + c.length, 0) + (timestamped ? 12288 : 0);
}

/** Step one of any signature: the placeholder as an incremental update, and the signed attributes over it. */
export async function prepareSignature(pdf: Buffer, certificate: Buffer, opts: PlaceholderOptions): Promise<{ prepared: Prepared; signedAttributes: Buffer }> {
  const prepared = await addSignaturePlaceholder(pdf, opts);
  const digest = digestChunks(byteRangeChunks(prepared.pdf, prepared.byteRange));
  return { prepared, signedAttributes: buildSignedAttributes({ contentDigest: digest, signerCertificate: certificate }) };
}

/** Step two: wrap a signature value (made here or by a token) into PAdES CMS, timestamped when a TSA is set. */
export async function completeSignature(p: {
  prepared: Prepared; signedAttributes: Buffer; signature: Buffer; certificates: Buffer[]; tsaUrl: string | null;
  /** How long to wait for the TSA (default 15 s). */
  tsaTimeoutMs?: number;
}): Promise<Buffer> {
  const timestampToken = p.tsaUrl ? await requestTimestamp(p.tsaUrl, p.signature, p.tsaTimeoutMs ? { timeoutMs: p.tsaTimeoutMs } : undefined) : undefined;
  const cms = assembleCms({ signedAttributes: p.signedAttributes, signature: p.signature, certificates: p.certificates, timestampToken });
  return embedSignature(p.prepared, cms);
}

/** A PAdES signature with a key held by the server: B-B, or B-T when a TSA is configured. */
export async function signPdf(pdf: Buffer, key: SigningKey, opts: Omit<PlaceholderOptions, 'signatureSize' | 'subFilter'>, tsaUrl: string | null): Promise<Buffer> {
  const { prepared, signedAttributes } = await prepareSignature(pdf, key.certificate, {
    ...opts, subFilter: 'ETSI.CAdES.detached', signatureSize: signatureRoom(key, Boolean(tsaUrl)),
  });
  const signature = signSignedAttributes(signedAttributes, 'privateKey' in key ? key.privateKey : key.privateKeyPem);
  return completeSignature({ prepared, signedAttributes, signature, certificates: [key.certificate, ...key.chain], tsaUrl });
}

export interface SignatureVerdict {
  fieldName: string | null;
  signer: string | null;
  signerOrganization: string | null;
  signedAt: string | null;
  integrity: 'valid' | 'invalid';
  trust: 'trusted' | 'untrusted';
  coversWholeDocument: boolean;
  timestamped: boolean;
  /**
   * Revocation of the signer's certificate (and its intermediate CAs): 'good' when its OCSP
   * responder or CRL says so (or it names neither: see revocationSource), 'revoked', or 'unknown'
   * when no answer could be had (no path to an issuer, responder down, stale or bad response).
   */
  revocation: RevocationStatus;
  /** Where the revocation answer came from; 'none' = the certificate names no OCSP responder or CRL. */
  revocationSource?: 'ocsp' | 'crl' | 'none';
  /** Until when the revocation answer holds (the cached verdict is re-checked after it; verdicts.ts). */
  revocationCheckUntil?: string;
  problems: string[];
}

export interface VerifyOptions {
  /** Revocation checking (cache store, timeout); the default asks with a memory cache only. */
  revocation?: RevocationOptions;
}

/** The worst of the answers for a path: revoked over unknown over good; expiring with the earliest. */
function combine(answers: RevocationAnswer[]): RevocationAnswer {
  const worst = answers.find((a) => a.status === 'revoked') ?? answers.find((a) => a.status === 'unknown') ?? answers[0]!;
  const expiresAt = new Date(Math.min(...answers.map((a) => a.expiresAt.getTime())));
  return { ...worst, expiresAt };
}

/**
 * Checks every signature in a PDF: integrity over its byte range, CMS, chain to an anchor, time,
 * coverage, and revocation of the signer's certificate and its intermediate CAs (crypto/revocation.ts).
 */
export async function verifyPdf(pdf: Buffer, anchors: Buffer[], opts: VerifyOptions = {}): Promise<SignatureVerdict[]> {
  const out: SignatureVerdict[] = [];
  const found = findSignatures(pdf);
  // A file readers cannot open (its last cross-reference section unreadable or beyond the PDF
  // limits) shows them no signature at all: none of its signatures is called valid here either.
  // Cross-reference offsets count from "%PDF-" (bytes before it are skipped by readers), while a
  // /ByteRange counts from the first byte of the file, as poppler's pdfsig takes it.
  const unreadable = found.length ? lastRevisionProblem(fromHeader(pdf)) : null;
  for (const s of found) {
    if (!s.wellFormed) {
      out.push({
        fieldName: s.fieldName, signer: null, signerOrganization: null, signedAt: s.signingTime?.toISOString() ?? null, integrity: 'invalid',
        trust: 'untrusted', coversWholeDocument: false, timestamped: false, revocation: 'unknown', problems: ['malformed byte range'],
      });
      continue;
    }
    const v = await verifyCms({ cms: s.contents, content: byteRangeChunks(pdf, s.byteRange), trustAnchors: anchors, pdfSigningTime: s.signingTime });
    // Revocation needs the issuer, so it is checked along the path found to a trust anchor; without
    // one there is no issuer to trust an answer from, and the verdict is already 'untrusted'.
    let rev: RevocationAnswer | null = null;
    const path = v.path ?? null;
    if (path) {
      const checks: Promise<RevocationAnswer>[] = [];
      for (let i = 0; i < path.length - 1; i++) checks.push(checkRevocation(path[i]!, path[i + 1]!, opts.revocation));
      rev = checks.length ? combine(await Promise.all(checks)) : null;
    }
    const problems = [...v.problems];
    if (unreadable) problems.push(`PDF readers cannot open this file: ${unreadable}`);
    if (rev?.status === 'revoked') problems.push(`certificate revoked${rev.revokedAt ? ` on ${rev.revokedAt.toISOString()}` : ''} (${rev.detail ?? rev.source})`);
    if (path && rev?.status === 'unknown') problems.push(`revocation status unknown: ${rev.detail ?? 'no answer'}`);
    out.push({
      fieldName: s.fieldName,
      signer: v.signer?.commonName ?? v.signer?.subject ?? null,
      signerOrganization: v.signer?.organization ?? null,
      signedAt: v.signedAt?.toISOString() ?? null,
      integrity: unreadable ? 'invalid' : v.integrity,
      trust: v.trust,
      coversWholeDocument: s.coversWholeDocument,
      timestamped: v.timestamped && v.timestampValid === true,
      revocation: path ? rev?.status ?? 'good' : 'unknown',
      ...(path ? { revocationSource: rev?.source ?? 'none', revocationCheckUntil: (rev?.expiresAt ?? new Date(Date.now() + 24 * 3600_000)).toISOString() } : {}),
      problems,
    });
  }
  return out;
}

export { findSignatures };
