import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, isNull, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import { AppError, badRequest, forbidden } from '../../lib/errors.js';
import { type Actor, hasRole } from '../../lib/actor.js';
import { recordEvents } from '../events/service.js';
import { CertificateError, checkSigningCertificate, describeCertificate, parsePkcs12 } from './crypto/certificates.js';
import { pngInfo } from './png.js';
import { type CertOwner, certificates, signatureImages } from './tables.js';

export type CertificateRow = typeof certificates.$inferSelect;

export function presentCertificate(c: CertificateRow) {
  return {
    id: c.id, owner: c.owner, subject: c.subject, commonName: c.commonName, issuer: c.issuer, serialNumber: c.serialNumber,
    fingerprint: c.fingerprint, notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString(), active: c.active,
  };
}

const CERT_MESSAGES: Record<string, [string, string]> = {
  wrong_passphrase: ['Sai mật khẩu của tệp chứng thư số', 'Wrong passphrase for the PKCS#12 file'],
  no_private_key: ['Tệp không chứa khóa bí mật', 'The file holds no private key'],
  no_certificate: ['Tệp không chứa chứng thư số', 'The file holds no certificate'],
  key_mismatch: ['Khóa bí mật không khớp với chứng thư số', 'The private key does not match the certificate'],
  malformed: ['Tệp không phải PKCS#12 (.p12/.pfx) hợp lệ', 'Not a valid PKCS#12 (.p12/.pfx) file'],
  expired: ['Chứng thư số đã hết hạn', 'The certificate has expired'],
  not_yet_valid: ['Chứng thư số chưa có hiệu lực', 'The certificate is not valid yet'],
  no_signing_usage: ['Chứng thư số không được phép dùng để ký (keyUsage)', 'The certificate is not for signing (keyUsage)'],
};

function certError(err: unknown): AppError {
  if (err instanceof CertificateError) {
    const [vi, en] = CERT_MESSAGES[err.code] ?? CERT_MESSAGES.malformed!;
    return badRequest(vi, en);
  }
  return badRequest(CERT_MESSAGES.malformed![0], CERT_MESSAGES.malformed![1]);
}

/**
 * Stores a signing key from a PKCS#12 file: a person's own, or (clerk or leader) the unit's seal.
 * The key is kept only encrypted; a newer key for the same owner replaces the older one.
 */
export async function uploadCertificate(deps: Deps, actor: Actor, input: { p12: Buffer; passphrase: string; owner: CertOwner }) {
  if (input.owner === 'unit' && !hasRole(actor, 'clerk', 'leader')) {
    throw forbidden('Chỉ văn thư hoặc lãnh đạo được cài chứng thư số của đơn vị', 'Only a clerk or leader installs the unit seal');
  }
  let parsed;
  let info;
  try {
    parsed = parsePkcs12(input.p12, input.passphrase);
    checkSigningCertificate(parsed.certificate, deps.clock());
    info = describeCertificate(parsed.certificate);
  } catch (err) {
    throw certError(err);
  }
  const id = randomUUID();
  const encryptedKey = deps.keys.seal(parsed.privateKeyPem, id);
  const at = deps.clock();
  const row = await deps.db.transaction(async (tx) => {
    await tx.update(certificates).set({ active: false }).where(ownerFilter(actor, input.owner));
    const [c] = await tx
      .insert(certificates)
      .values({
        id, owner: input.owner, userId: input.owner === 'user' ? actor.userId : null, unitId: actor.unitId,
        subject: info.subject, commonName: info.commonName, issuer: info.issuer, serialNumber: info.serialNumber,
        fingerprint: info.fingerprintSha256, notBefore: info.notBefore, notAfter: info.notAfter,
        certificate: parsed.certificate, chain: parsed.chain, encryptedKey, createdBy: actor.userId, createdAt: at,
      })
      .returning();
    await recordEvents(tx, [{
      type: 'certificate.installed', at, actor, unitIds: [actor.unitId],
      data: { certificateId: id, owner: input.owner, subject: info.subject, notAfter: info.notAfter.toISOString() },
    }]);
    return c!;
  });
  return presentCertificate(row);
}

function ownerFilter(actor: { userId: string; unitId: string }, owner: CertOwner) {
  return owner === 'user'
    ? and(eq(certificates.owner, 'user'), eq(certificates.userId, actor.userId), eq(certificates.active, true))
    : and(eq(certificates.owner, 'unit'), eq(certificates.unitId, actor.unitId), eq(certificates.active, true));
}

/** The active key of a person or of a unit's seal, if any. */
export async function activeCertificate(db: DbOrTx, who: { userId: string; unitId: string }, owner: CertOwner): Promise<CertificateRow | undefined> {
  const [c] = await db.select().from(certificates).where(ownerFilter(who, owner)).orderBy(desc(certificates.createdAt)).limit(1);
  return c;
}

/**
 * For many owners at once — people (`user`: user ids) or units' seals (`unit`: unit ids) — the active
 * key, as `activeCertificate` gives it, and whether an active image is installed: two queries.
 */
export async function activeKeysOf(db: DbOrTx, owner: CertOwner, ids: string[]): Promise<Map<string, { certificate?: CertificateRow; image: boolean }>> {
  const out = new Map<string, { certificate?: CertificateRow; image: boolean }>(ids.map((id) => [id, { image: false }]));
  if (ids.length === 0) return out;
  const col = owner === 'user' ? certificates.userId : certificates.unitId;
  const certs = await db.selectDistinctOn([col]).from(certificates)
    .where(and(eq(certificates.owner, owner), eq(certificates.active, true), inArray(col, ids)))
    .orderBy(col, desc(certificates.createdAt));
  for (const c of certs) {
    const entry = out.get((owner === 'user' ? c.userId : c.unitId) ?? '');
    if (entry) entry.certificate = c;
  }
  const imageCol = owner === 'user' ? signatureImages.userId : signatureImages.unitId;
  const images = await db.selectDistinct({ id: imageCol }).from(signatureImages)
    .where(and(eq(signatureImages.owner, owner), eq(signatureImages.active, true), inArray(imageCol, ids)));
  for (const i of images) {
    const entry = out.get(i.id ?? '');
    if (entry) entry.image = true;
  }
  return out;
}

/** The caller's own keys and the seal of the caller's unit (no key material). */
export async function listCertificates(deps: Pick<Deps, 'db'>, actor: Actor) {
  const rows = await deps.db
    .select()
    .from(certificates)
    .where(or(eq(certificates.userId, actor.userId), and(eq(certificates.owner, 'unit'), eq(certificates.unitId, actor.unitId))))
    .orderBy(desc(certificates.createdAt));
  return rows.map(presentCertificate);
}

/** A transparent PNG: a person's handwritten signature, or (clerk or leader) the unit's red seal. */
export async function uploadSignatureImage(deps: Deps, actor: Actor, input: { png: Buffer; owner: CertOwner }) {
  if (input.owner === 'unit' && !hasRole(actor, 'clerk', 'leader')) {
    throw forbidden('Chỉ văn thư hoặc lãnh đạo được cài hình con dấu', 'Only a clerk or leader installs the seal image');
  }
  const info = pngInfo(input.png);
  if (!info) throw new AppError('unsupported_media_type', { vi: 'Hình phải là tệp PNG', en: 'The image must be a PNG file' });
  if (!info.transparent) throw badRequest('Hình chữ ký/con dấu phải có nền trong suốt', 'The image must have a transparent background');
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const mine = input.owner === 'user'
      ? and(eq(signatureImages.owner, 'user'), eq(signatureImages.userId, actor.userId))
      : and(eq(signatureImages.owner, 'unit'), eq(signatureImages.unitId, actor.unitId), isNull(signatureImages.userId));
    await tx.update(signatureImages).set({ active: false }).where(mine);
    const [img] = await tx
      .insert(signatureImages)
      .values({ owner: input.owner, userId: input.owner === 'user' ? actor.userId : null, unitId: actor.unitId, png: input.png, width: info.width, height: info.height, createdAt: at })
      .returning({ id: signatureImages.id, owner: signatureImages.owner, width: signatureImages.width, height: signatureImages.height });
    await recordEvents(tx, [{ type: 'signature_image.installed', at, actor, unitIds: [actor.unitId], data: { imageId: img!.id, owner: input.owner } }]);
    return img!;
  });
}

export async function activeImage(db: DbOrTx, who: { userId: string; unitId: string }, owner: CertOwner): Promise<Buffer | null> {
  const mine = owner === 'user'
    ? and(eq(signatureImages.owner, 'user'), eq(signatureImages.userId, who.userId), eq(signatureImages.active, true))
    : and(eq(signatureImages.owner, 'unit'), eq(signatureImages.unitId, who.unitId), eq(signatureImages.active, true));
  const [img] = await db.select({ png: signatureImages.png }).from(signatureImages).where(mine).orderBy(desc(signatureImages.createdAt)).limit(1);
  return img?.png ?? null;
}
