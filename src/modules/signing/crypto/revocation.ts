// Revocation of a certificate: OCSP (the responder named in its authorityInfoAccess) or else the
// CRL of its CRL distribution point, read and checked with pkijs (OCSPRequest, BasicOCSPResponse
// with responder authorisation, CertificateRevocationList). Answers are cached twice: in memory
// (lru-cache, per process) and, when the caller gives a store, in the database (verdicts.ts:
// table revocation_cache) so that replicas and restarts reuse them. Each answer keeps until:
//   good    the OCSP/CRL nextUpdate (1 hour when the source gives none, at most 24 hours);
//   revoked 30 days (a revocation is final; the entry only has to be refreshed eventually);
//   unknown UNKNOWN_RETRY_MS (5 minutes): a responder that was down is asked again soon.
// A CRL is also cached by URL and issuer until its nextUpdate, so one download serves every serial.
//
// Network: global fetch, http/https URLs only, a short timeout (3 s), bounded bodies. Nothing
// here throws: any failure is the answer 'unknown' with a reason.
//
// A CRL URL served by this very app (the dev CA's, pki-routes.ts) is answered from the local CRL
// without HTTP (registerLocalCrl): the app may not be listening (tests use app.inject), may listen
// on another address than PUBLIC_URL says, and a request to itself from inside a request would
// tie up a connection of its own server for nothing.
import * as asn1js from 'asn1js';
import { LRUCache } from 'lru-cache';
import * as pkijs from 'pkijs';
import type { Cert } from './x509.js';

export type RevocationStatus = 'good' | 'revoked' | 'unknown';

export interface RevocationAnswer {
  status: RevocationStatus;
  /** Where the answer came from; 'none' = the certificate names no OCSP responder and no CRL. */
  source: 'ocsp' | 'crl' | 'none';
  checkedAt: Date;
  /** Until when the answer may be reused (see the header). */
  expiresAt: Date;
  revokedAt?: Date | null;
  /** Why the answer is 'unknown', or which source said 'revoked'. */
  detail?: string;
}

/** A persistent cache of answers, keyed by revocationKey(). */
export interface RevocationStore {
  get(key: string, now: Date): Promise<RevocationAnswer | null>;
  put(key: string, answer: RevocationAnswer): Promise<void>;
}

export interface RevocationOptions {
  store?: RevocationStore | null;
  timeoutMs?: number;
  now?: () => Date;
}

export const UNKNOWN_RETRY_MS = 5 * 60_000;
const DEFAULT_GOOD_MS = 60 * 60_000;
const MAX_GOOD_MS = 24 * 60 * 60_000;
const REVOKED_MS = 30 * 24 * 60 * 60_000;
const DEFAULT_TIMEOUT_MS = 3000;
const MAX_BODY = 10 * 1024 * 1024;
const CLOCK_SKEW_MS = 5 * 60_000;

/** Issuer (SHA-256 of its certificate) + serial: one revocation status. */
export function revocationKey(certificate: Cert, issuer: Cert): string {
  return `${issuer.sha256.toString('hex')}:${certificate.serialHex}`;
}

// ---------------------------------------------------------------------------------------------
// CRLs served by this app (see the header).
// ---------------------------------------------------------------------------------------------
export type LocalCrl = () => Promise<Buffer | null>;
const localCrls = new Map<string, Set<LocalCrl>>();
const normUrl = (u: string) => {
  try {
    return new URL(u).href;
  } catch {
    return u;
  }
};

/** Serve `url` from `crl()` instead of HTTP; returns the unregister function. */
export function registerLocalCrl(url: string, crl: LocalCrl): () => void {
  const key = normUrl(url);
  const set = localCrls.get(key) ?? localCrls.set(key, new Set()).get(key)!;
  set.add(crl);
  return () => {
    set.delete(crl);
    if (set.size === 0) localCrls.delete(key);
  };
}

// ---------------------------------------------------------------------------------------------

const answers = new LRUCache<string, RevocationAnswer>({ max: 10_000 });
const crls = new LRUCache<string, { crl: pkijs.CertificateRevocationList; until: number }>({ max: 256 });
const inFlight = new Map<string, Promise<RevocationAnswer>>();

function remember(key: string, a: RevocationAnswer, now: Date) {
  const ttl = a.expiresAt.getTime() - now.getTime();
  if (ttl > 0) answers.set(key, a, { ttl });
}

async function fetchBytes(url: string, init: RequestInit, timeoutMs: number): Promise<Buffer> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const len = Number(res.headers.get('content-length') ?? 0);
  if (len > MAX_BODY) throw new Error('response too large');
  const body = Buffer.from(await res.arrayBuffer());
  if (body.length > MAX_BODY) throw new Error('response too large');
  return body;
}

const errText = (e: unknown) => {
  const err = e as Error & { cause?: Error };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return 'timed out';
  return err?.cause?.message ?? err?.message ?? String(e);
};
const u8 = (b: Uint8Array) => b as Uint8Array<ArrayBuffer>;

/** One OCSP responder's answer, or an Error when it gave none we can use. */
async function askOcsp(url: string, certificate: Cert, issuer: Cert, now: Date, timeoutMs: number): Promise<RevocationAnswer> {
  const req = new pkijs.OCSPRequest();
  await req.createForCertificate(certificate.pkijs, { hashAlgorithm: 'SHA-1', issuerCertificate: issuer.pkijs });
  const body = await fetchBytes(url, {
    method: 'POST', headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
    body: new Uint8Array(req.toSchema(true).toBER()),
  }, timeoutMs);
  const resp = pkijs.OCSPResponse.fromBER(u8(body));
  const status = resp.responseStatus.valueBlock.valueDec;
  if (status !== 0) throw new Error(`OCSP responder status ${status}`);
  if (!resp.responseBytes || resp.responseBytes.responseType !== '1.3.6.1.5.5.7.48.1.1') throw new Error('not a basic OCSP response');
  const basic = pkijs.BasicOCSPResponse.fromBER(u8(resp.responseBytes.response.valueBlock.valueHexView));
  // Signed by the CA itself or by a responder it authorised (id-kp-OCSPSigning); pkijs checks both.
  if (!(await basic.verify({ trustedCerts: [issuer.pkijs], issuerCerts: [issuer.pkijs] }))) throw new Error('OCSP response signature invalid');
  const single = basic.tbsResponseData.responses.find((r) =>
    Buffer.from(r.certID.serialNumber.valueBlock.valueHexView).equals(certificate.serial));
  const st = await basic.getCertificateStatus(certificate.pkijs, issuer.pkijs);
  if (!single || !st.isForCertificate) throw new Error('OCSP response is not about this certificate');
  if (single.thisUpdate.getTime() > now.getTime() + CLOCK_SKEW_MS) throw new Error('OCSP response is from the future');
  if (single.nextUpdate && single.nextUpdate.getTime() < now.getTime()) throw new Error('OCSP response is stale');
  if (st.status === 1) {
    const info = single.certStatus as { idBlock?: { tagNumber?: number }; valueBlock?: { value?: asn1js.AsnType[] } };
    const time = info.valueBlock?.value?.[0] as asn1js.GeneralizedTime | undefined;
    return {
      status: 'revoked', source: 'ocsp', checkedAt: now, expiresAt: new Date(now.getTime() + REVOKED_MS),
      revokedAt: time instanceof asn1js.GeneralizedTime ? time.toDate() : null, detail: `OCSP ${url}`,
    };
  }
  if (st.status !== 0) throw new Error('OCSP responder does not know the certificate');
  return { status: 'good', source: 'ocsp', checkedAt: now, expiresAt: goodUntil(now, single.nextUpdate ?? null) };
}

function goodUntil(now: Date, nextUpdate: Date | null): Date {
  const t = now.getTime();
  const until = nextUpdate ? nextUpdate.getTime() : t + DEFAULT_GOOD_MS;
  return new Date(Math.min(Math.max(until, t + 1000), t + MAX_GOOD_MS));
}

/** A CRL for `issuer` from `url`, verified; cached until its nextUpdate. */
async function loadCrl(url: string, issuer: Cert, now: Date, timeoutMs: number): Promise<pkijs.CertificateRevocationList> {
  const key = `${normUrl(url)}|${issuer.sha256.toString('base64')}`;
  const hit = crls.get(key);
  if (hit && hit.until > now.getTime()) return hit.crl;
  const local = localCrls.get(normUrl(url));
  const candidates: Buffer[] = [];
  if (local) {
    for (const get of local) {
      const der = await get().catch(() => null);
      if (der) candidates.push(der);
    }
    if (!candidates.length) throw new Error('local CRL not available');
  } else {
    candidates.push(await fetchBytes(url, { headers: { accept: 'application/pkix-crl' } }, timeoutMs));
  }
  let lastError = 'CRL not signed by the certificate issuer';
  for (const der of candidates) {
    let crl: pkijs.CertificateRevocationList;
    try {
      crl = pkijs.CertificateRevocationList.fromBER(u8(der));
    } catch {
      lastError = 'not a DER CRL';
      continue;
    }
    if (!crl.issuer.isEqual(issuer.pkijs.subject)) continue;
    if (!(await crl.verify({ issuerCertificate: issuer.pkijs }).catch(() => false))) continue;
    if (crl.thisUpdate.value.getTime() > now.getTime() + CLOCK_SKEW_MS) { lastError = 'CRL is from the future'; continue; }
    const next = crl.nextUpdate?.value ?? null;
    if (next && next.getTime() < now.getTime()) { lastError = 'CRL is stale (past its nextUpdate)'; continue; }
    crls.set(key, { crl, until: goodUntil(now, next).getTime() });
    return crl;
  }
  throw new Error(lastError);
}

async function askCrl(url: string, certificate: Cert, issuer: Cert, now: Date, timeoutMs: number): Promise<RevocationAnswer> {
  const crl = await loadCrl(url, issuer, now, timeoutMs);
  const entry = crl.revokedCertificates?.find((r) =>
    Buffer.from(r.userCertificate.valueBlock.valueHexView).equals(certificate.serial));
  if (entry) {
    return {
      status: 'revoked', source: 'crl', checkedAt: now, expiresAt: new Date(now.getTime() + REVOKED_MS),
      revokedAt: entry.revocationDate.value, detail: `CRL ${url}`,
    };
  }
  return { status: 'good', source: 'crl', checkedAt: now, expiresAt: goodUntil(now, crl.nextUpdate?.value ?? null) };
}

async function lookUp(certificate: Cert, issuer: Cert, now: Date, timeoutMs: number): Promise<RevocationAnswer> {
  const reasons: string[] = [];
  for (const url of certificate.ocspUrls) {
    try {
      return await askOcsp(url, certificate, issuer, now, timeoutMs);
    } catch (e) {
      reasons.push(`OCSP ${url}: ${errText(e)}`);
    }
  }
  for (const url of certificate.crlUrls) {
    try {
      return await askCrl(url, certificate, issuer, now, timeoutMs);
    } catch (e) {
      reasons.push(`CRL ${url}: ${errText(e)}`);
    }
  }
  return { status: 'unknown', source: certificate.ocspUrls.length ? 'ocsp' : 'crl', checkedAt: now, expiresAt: new Date(now.getTime() + UNKNOWN_RETRY_MS), detail: reasons.join('; ') };
}

/**
 * Is `certificate` (issued by `issuer`) revoked? From the memory cache, else the store, else its
 * OCSP responder, else its CRL (see the header). A certificate that names neither cannot be
 * checked: 'unknown' with source 'none' (RFC 5280 §6.3 leaves it to local policy; we do not call
 * "good" what nobody was asked — the summary is then 'indeterminate', never 'valid').
 */
export async function checkRevocation(certificate: Cert, issuer: Cert | null, opts: RevocationOptions = {}): Promise<RevocationAnswer> {
  const now = (opts.now ?? (() => new Date()))();
  if (!certificate.ocspUrls.length && !certificate.crlUrls.length) {
    return {
      status: 'unknown', source: 'none', checkedAt: now, expiresAt: new Date(now.getTime() + MAX_GOOD_MS),
      detail: 'the certificate names no OCSP responder and no CRL distribution point',
    };
  }
  if (!issuer) {
    return { status: 'unknown', source: 'none', checkedAt: now, expiresAt: new Date(now.getTime() + UNKNOWN_RETRY_MS), detail: 'issuer certificate not known' };
  }
  const key = revocationKey(certificate, issuer);
  const mem = answers.get(key);
  if (mem && mem.expiresAt > now) return mem;
  try {
    const stored = await opts.store?.get(key, now);
    if (stored && stored.expiresAt > now) {
      remember(key, stored, now);
      return stored;
    }
  } catch {
    // a store that fails is only a cache miss
  }
  let p = inFlight.get(key);
  if (!p) {
    p = lookUp(certificate, issuer, now, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS).catch((e: unknown): RevocationAnswer => ({
      status: 'unknown', source: 'none', checkedAt: now, expiresAt: new Date(now.getTime() + UNKNOWN_RETRY_MS), detail: errText(e),
    }));
    inFlight.set(key, p);
    void p.finally(() => inFlight.delete(key));
  }
  const a = await p;
  remember(key, a, now);
  try {
    await opts.store?.put(key, a);
  } catch {
    // not kept: asked again next time
  }
  return a;
}

/** Forget every cached answer and CRL (tests; an operator who revoked something locally). */
export function clearRevocationCaches(): void {
  answers.clear();
  crls.clear();
}
