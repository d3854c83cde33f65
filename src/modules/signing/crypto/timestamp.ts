// RFC 3161 time-stamp client. The token turns a PAdES B-B signature into B-T: it proves the
// signature value existed at genTime, independent of the signer's (claimable) clock.
import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { der, OID } from './pades.js';
import { HASH_BY_OID, formatName } from './certificates.js';

export type TimestampErrorCode = 'timeout' | 'network' | 'http' | 'bad_response' | 'rejected' | 'mismatch';

export class TimestampError extends Error {
  constructor(readonly code: TimestampErrorCode, message: string) {
    super(message);
    this.name = 'TimestampError';
  }
}

const MAX_RESPONSE = 1 << 20; // a token is a few KB; refuse to buffer an endless body
const FAIL_INFO = ['badAlg', '', 'badRequest', '', '', 'badDataFormat', '', '', '', '', '', '', '', '', 'timeNotAvailable',
  'unacceptedPolicy', 'unacceptedExtension', 'addInfoNotAvailable', '', '', '', '', '', '', '', 'systemFailure'];

export interface TimestampInfo { genTime: Date; messageImprint: Buffer; hashAlgorithm: string; tsaName?: string }

function tstInfoOf(token: Buffer): pkijs.TSTInfo {
  const ci = pkijs.ContentInfo.fromBER(new Uint8Array(token));
  if (ci.contentType !== OID.signedData) throw new Error('not a SignedData');
  const sd = new pkijs.SignedData({ schema: ci.content });
  if (sd.encapContentInfo.eContentType !== OID.tstInfo || !sd.encapContentInfo.eContent) throw new Error('no TSTInfo content');
  return pkijs.TSTInfo.fromBER(new Uint8Array(der.bytes(sd.encapContentInfo.eContent)));
}

/** Reads a TimeStampToken (ContentInfo(SignedData(TSTInfo))). Does not check its signature. */
export function parseTimestampToken(token: Buffer): TimestampInfo {
  let tst: pkijs.TSTInfo;
  try {
    tst = tstInfoOf(token);
  } catch (e) {
    throw new TimestampError('bad_response', `malformed timestamp token: ${(e as Error).message}`);
  }
  const algOid = tst.messageImprint.hashAlgorithm.algorithmId;
  const tsa = tst.tsa?.type === 4 ? formatName(tst.tsa.value as pkijs.RelativeDistinguishedNames) : undefined;
  return {
    genTime: tst.genTime,
    messageImprint: Buffer.from(tst.messageImprint.hashedMessage.valueBlock.valueHexView),
    hashAlgorithm: HASH_BY_OID[algOid] ?? algOid,
    ...(tsa ? { tsaName: tsa } : {}),
  };
}

/**
 * Asks a TSA to timestamp `data` (in PAdES: the SignerInfo's signature value) and returns the
 * TimeStampToken DER, ready for the signatureTimeStampToken unsigned attribute.
 */
export async function requestTimestamp(url: string, data: Buffer, opts?: { timeoutMs?: number }): Promise<Buffer> {
  const imprint = createHash('sha256').update(data).digest();
  const nonce = randomBytes(8);
  nonce[0] = (nonce[0]! & 0x7f) | 0x40; // positive and minimally encoded, so it compares byte-exactly
  const request = der.seq(
    der.small(1),
    // NULL parameters, like `openssl ts -query`: some older TSAs reject absent parameters.
    der.seq(der.algId(OID.sha256, der.null()), der.octets(imprint)),
    der.uint(nonce),
    der.bool(true), // certReq: the TSA certificate must be in the token so it can be verified offline
  );
  const timeoutMs = opts?.timeoutMs ?? 15_000;
  let body: Buffer;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: new Uint8Array(request),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) throw new TimestampError('http', `TSA ${url} answered HTTP ${res.status} ${res.statusText}`.trim());
    body = Buffer.from(await res.arrayBuffer());
  } catch (e) {
    if (e instanceof TimestampError) throw e;
    const err = e as Error;
    if (err.name === 'TimeoutError' || err.name === 'AbortError') {
      throw new TimestampError('timeout', `TSA ${url} did not answer within ${timeoutMs} ms`);
    }
    const cause = (err as { cause?: Error }).cause;
    throw new TimestampError('network', `cannot reach TSA ${url}: ${cause?.message ?? err.message}`);
  }
  if (body.length > MAX_RESPONSE) throw new TimestampError('bad_response', 'TSA response is too large');
  return checkResponse(body, imprint, nonce);
}

function checkResponse(body: Buffer, imprint: Buffer, nonce: Buffer): Buffer {
  let status: number;
  let detail = '';
  let token: asn1js.AsnType | undefined;
  try {
    const [statusInfo, tokenNode] = der.kids(der.parse(body));
    const [statusNode, ...rest] = der.kids(statusInfo);
    status = Number((statusNode as asn1js.Integer).toBigInt());
    for (const r of rest) {
      if (r instanceof asn1js.Sequence) detail += der.kids(r).map((s) => (s.valueBlock as { value?: unknown }).value).join('; ');
      if (r instanceof asn1js.BitString) {
        const bits = r.valueBlock.valueHexView;
        detail += ` ${FAIL_INFO.filter((n, i) => n && ((bits[i >> 3] ?? 0) & (0x80 >> (i & 7)))).join(',')}`;
      }
    }
    token = tokenNode;
  } catch (e) {
    throw new TimestampError('bad_response', `TSA response is not a TimeStampResp: ${(e as Error).message}`);
  }
  // PKIStatus: 0 granted, 1 grantedWithMods; anything else carries no token.
  if (status !== 0 && status !== 1) {
    throw new TimestampError('rejected', `TSA refused the request (status ${status}${detail.trim() ? `: ${detail.trim()}` : ''})`);
  }
  if (!token) throw new TimestampError('bad_response', 'TSA granted the request but sent no token');
  const tokenDer = der.raw(token);
  let tst: pkijs.TSTInfo;
  try {
    tst = tstInfoOf(tokenDer);
  } catch (e) {
    throw new TimestampError('bad_response', `malformed timestamp token: ${(e as Error).message}`);
  }
  if (tst.nonce?.toBigInt() !== BigInt(`0x${nonce.toString('hex')}`)) {
    throw new TimestampError('mismatch', 'timestamp nonce does not match the request (replayed or foreign response)');
  }
  if (tst.messageImprint.hashAlgorithm.algorithmId !== OID.sha256
    || !Buffer.from(tst.messageImprint.hashedMessage.valueBlock.valueHexView).equals(imprint)) {
    throw new TimestampError('mismatch', 'timestamp message imprint does not match the signature');
  }
  return tokenDer;
}
