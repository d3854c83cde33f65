import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import type { DbOrTx } from '../../db/client.js';
import { AppError, conflict, unprocessable } from '../../lib/errors.js';
import { CertificateError, checkSigningCertificate } from './crypto/certificates.js';
import { signSignedAttributes } from './crypto/pades.js';
import { TimestampError } from './crypto/timestamp.js';
import { completeSignature, prepareSignature, signatureRoom } from './engine.js';
import { activeCertificate, activeImage } from './keys-service.js';
import { appendixAppearance, leaderRect, sealAppearance, sealRect, vnTimestamp } from './layout.js';
import { type PlaceholderOptions, addSignaturePlaceholder, pageCount, pageSize } from './pdf/incremental.js';

/** A key ready to sign with: the decrypted key object and its certificate chain. */
export interface ReadyKey {
  privateKey: KeyObject;
  certificate: Buffer;
  chain: Buffer[];
}

/** Where a time-stamp authority is asked, and how long a signature waits for it. */
export interface TsaSettings {
  url: string | null;
  timeoutMs: number;
}

/**
 * A PDF we cannot sign (encrypted, broken, certified "no changes") is the client's problem: 422
 * naming it. Called around steps that only read the PDF, so any error from our reader or pdf-lib
 * there means the file cannot be read; an AppError (e.g. a page out of range) passes unchanged.
 */
export function unsupportedPdf(err: unknown, fileName?: string): Error {
  if (err instanceof AppError || !(err instanceof Error)) return err as Error;
  const which = fileName ? ` "${fileName}"` : '';
  const encrypted = /encrypt/i.test(err.message);
  return encrypted
    ? unprocessable(
      `Tệp PDF${which} được mã hóa (đặt mật khẩu) nên không ký số được; hãy lưu một bản không mã hóa rồi tải lên lại`,
      `The PDF${which} is encrypted and cannot be signed; save an unencrypted copy and upload it again`,
    )
    : unprocessable(
      `Tệp PDF${which} bị hỏng hoặc có cấu trúc không ký số được (${err.message}); hãy lưu lại tệp rồi tải lên`,
      `The PDF${which} is broken or cannot be signed (${err.message}); save it again and re-upload`,
    );
}

/**
 * Signs with a server-held key: PAdES B-T when a TSA is set and answers within its timeout, else
 * B-B — a TSA that is down or slow delays a signature by at most `timeoutMs`, never fails it, and
 * `timestamped` says which it got.
 */
export async function signPdfBytes(
  pdf: Buffer, key: ReadyKey, opts: Omit<PlaceholderOptions, 'signatureSize' | 'subFilter'>, tsa: TsaSettings, log?: Logger,
): Promise<{ bytes: Buffer; timestamped: boolean }> {
  const { prepared, signedAttributes } = await prepareSignature(pdf, key.certificate, {
    ...opts, subFilter: 'ETSI.CAdES.detached', signatureSize: signatureRoom(key, Boolean(tsa.url)),
  }).catch((err) => { throw unsupportedPdf(err); });
  const signature = signSignedAttributes(signedAttributes, key.privateKey);
  const certificates = [key.certificate, ...key.chain];
  if (tsa.url) {
    try {
      return { bytes: await completeSignature({ prepared, signedAttributes, signature, certificates, tsaUrl: tsa.url, tsaTimeoutMs: tsa.timeoutMs }), timestamped: true };
    } catch (err) {
      if (!(err instanceof TimestampError)) throw err;
      log?.warn({ err: err.message, code: err.code }, 'TSA unavailable: signing without a timestamp (B-B)');
    }
  }
  return { bytes: await completeSignature({ prepared, signedAttributes, signature, certificates, tsaUrl: null }), timestamped: false };
}

/** The unit's seal key, checked usable at `at` (409 when its certificate has expired); null when the unit has none. */
export async function loadSealKey(
  deps: { keys: { privateKey(sealed: Buffer, id: string): KeyObject } }, db: DbOrTx, who: { userId: string; unitId: string }, at: Date,
): Promise<{ key: ReadyKey; image: Buffer | null } | null> {
  const cert = await activeCertificate(db, who, 'unit');
  if (!cert) return null;
  try {
    checkSigningCertificate(cert.certificate, at);
  } catch (err) {
    if (err instanceof CertificateError) throw conflict('Chứng thư số của đơn vị đã hết hạn, không thể đóng dấu', "The unit's seal certificate has expired");
    throw err;
  }
  // A cached KeyObject (keystore.ts), made once for all the files of this issue and the next ones.
  const key = { privateKey: deps.keys.privateKey(cert.encryptedKey, cert.id), certificate: cert.certificate, chain: cert.chain };
  return { key, image: await activeImage(db, who, 'unit') };
}

/** ISO 8601 in Vietnam time without the T: 2026-11-23 15:30:00 +07:00. */
function isoVn(at: Date): string {
  return `${new Date(at.getTime() + 7 * 3600 * 1000).toISOString().slice(0, 19).replace('T', ' ')} +07:00`;
}

export interface SealTarget {
  role: 'main' | 'appendix';
  leaderBox: { page: number; rect: [number, number, number, number] } | null;
  name?: string;
}

/**
 * What the seal writes on one file (NĐ 30, appendix I): on the main file the red seal overlapping
 * the left third of the leader's signature; on an appendix the text "number/notation — time" top
 * right of page 1, no image.
 */
export async function sealOptions(pdf: Buffer, f: SealTarget, p: { issuerName: string; notation: string; at: Date; image: Buffer | null }) {
  let appearance;
  if (f.role === 'main') {
    const page = f.leaderBox?.page ?? (await pageCount(pdf)) - 1;
    const leader = f.leaderBox?.rect ?? leaderRect(await pageSize(pdf, page));
    appearance = sealAppearance({ pageIndex: page, rect: sealRect(leader), image: p.image, unitName: p.issuerName, when: vnTimestamp(p.at) });
  } else {
    appearance = appendixAppearance(await pageSize(pdf, 0), `${p.notation} — ${isoVn(p.at)}`);
  }
  return { fieldName: 'DonViKy', signingTime: p.at, name: p.issuerName, reason: `Ban hành ${p.notation}`, location: p.issuerName, appearance };
}

/**
 * Before a number is taken: would the seal go onto this file? Parses it and lays out the update
 * exactly as sealing will (no key needed), so an encrypted or broken PDF is a 422 with nothing
 * committed rather than a numbered document that cannot be sealed.
 */
export async function checkSealable(pdf: Buffer, f: SealTarget, p: { issuerName: string; at: Date; image: Buffer | null }): Promise<void> {
  try {
    const opts = await sealOptions(pdf, f, { ...p, notation: '0000/XXXX-XXXXXX' });
    await addSignaturePlaceholder(pdf, { ...opts, subFilter: 'ETSI.CAdES.detached', signatureSize: 8192 });
  } catch (err) {
    throw unsupportedPdf(err, f.name);
  }
}

/** The seal on one file: bytes in, signed bytes out (B-T, or B-B when the TSA does not answer in time). */
export async function sealPdfBytes(
  pdf: Buffer, key: ReadyKey, f: SealTarget, p: { issuerName: string; notation: string; at: Date; image: Buffer | null }, tsa: TsaSettings, log?: Logger,
) {
  const opts = await sealOptions(pdf, f, p).catch((err) => { throw unsupportedPdf(err, f.name); });
  return signPdfBytes(pdf, key, opts, tsa, log);
}
