import { X509Certificate } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import { badRequest, conflict, forbidden } from '../../lib/errors.js';
import { type Actor, hasRole } from '../../lib/actor.js';
import { recordEvents } from '../events/service.js';
import { describeCertificate } from './crypto/certificates.js';
import { trustAnchors } from './tables.js';

/** Reads one certificate from PEM (or base64 DER); null when it is not one. */
export function certificateFromPem(text: string): Buffer | null {
  try {
    const body = text.includes('-----BEGIN') ? text : `-----BEGIN CERTIFICATE-----\n${text.trim()}\n-----END CERTIFICATE-----`;
    return new X509Certificate(body).raw;
  } catch {
    return null;
  }
}

/**
 * An admin names a root (or intermediate) CA whose certificates count as trusted: a signature is
 * "trusted" only if its chain ends at one of these.
 */
export async function addTrustAnchor(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, pem: string) {
  if (!hasRole(actor, 'admin')) throw forbidden('Chỉ quản trị viên được thêm chứng thư gốc tin cậy', 'Only an admin adds trust anchors');
  const der = certificateFromPem(pem);
  if (!der) throw badRequest('Nội dung không phải chứng thư số PEM hợp lệ', 'Not a valid PEM certificate');
  const info = describeCertificate(der);
  if (!info.isCa) throw badRequest('Chứng thư gốc phải là chứng thư của tổ chức cấp (CA)', 'A trust anchor must be a CA certificate');
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const [dup] = await tx.select({ id: trustAnchors.id }).from(trustAnchors).where(eq(trustAnchors.fingerprint, info.fingerprintSha256));
    if (dup) throw conflict('Chứng thư gốc này đã có', 'This trust anchor is already installed');
    const [row] = await tx
      .insert(trustAnchors)
      .values({ subject: info.subject, fingerprint: info.fingerprintSha256, certificate: der, notAfter: info.notAfter, createdBy: actor.userId, createdAt: at })
      .returning();
    await recordEvents(tx, [{ type: 'trust_anchor.added', at, actor, unitIds: [actor.unitId], data: { subject: info.subject, fingerprint: info.fingerprintSha256 } }]);
    return presentAnchor(row!);
  });
}

export function presentAnchor(a: typeof trustAnchors.$inferSelect) {
  return { id: a.id, subject: a.subject, fingerprint: a.fingerprint, notAfter: a.notAfter.toISOString() };
}

export async function listTrustAnchors(db: DbOrTx) {
  return (await db.select().from(trustAnchors).orderBy(asc(trustAnchors.createdAt))).map(presentAnchor);
}

/** DER of every anchor, for verification. */
export async function trustAnchorCertificates(db: DbOrTx): Promise<Buffer[]> {
  return (await db.select({ c: trustAnchors.certificate }).from(trustAnchors)).map((r) => r.c);
}
