import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import type { Deps } from '../lib/deps.js';
import type { Actor } from '../lib/actor.js';
import { badRequest, conflict, notFound } from '../lib/errors.js';
import { loadOwnDocument } from '../modules/documents/access.js';
import { forgetUnreferenced } from '../modules/documents/blobs.js';
import { readFileBytes, replaceFileContents, stageBytes } from '../modules/documents/file-content.js';
import { recordSigner } from '../modules/documents/signer-record.js';
import type { Competence } from '../modules/documents/tables.js';
import { recordEvents } from '../modules/events/service.js';
import { getUser } from '../modules/orgs/users.js';
import { CertificateError, checkSigningCertificate, describeCertificate } from '../modules/signing/crypto/certificates.js';
import { TimestampError } from '../modules/signing/crypto/timestamp.js';
import { completeSignature, prepareSignature, signatureRoom } from '../modules/signing/engine.js';
import type { Placement } from '../modules/signing/layout.js';
import { deletePendingSignature, findPendingSignature, savePendingSignature } from '../modules/signing/pending.js';
import { unsupportedPdf } from '../modules/signing/seal.js';
import { certificateFromPem } from '../modules/signing/trust-service.js';
import { leaderLook, signableMainFile } from './sign-document.js';

const TTL_MS = 15 * 60 * 1000;
/** Room for intermediate certificates the token may send with its signature. */
const CHAIN_ALLOWANCE = 8192;

/**
 * Step 1 of signing with the user's own token (USB token, remote signing service): the server
 * prepares the signed PDF around a placeholder and returns the DER of the CMS signed attributes
 * (and their SHA-256) to be signed outside; the key never reaches the server.
 */
export async function prepareTokenSignature(
  deps: Deps, actor: Actor, documentId: string, input: { certificate: string; placement?: Placement | null; competence?: Competence | null },
) {
  const { doc, main, onBehalfOf } = await signableMainFile(deps, actor, documentId);
  const certificate = certificateFromPem(input.certificate);
  if (!certificate) throw badRequest('Chứng thư số không hợp lệ (PEM hoặc base64 DER)', 'Invalid certificate (PEM or base64 DER)');
  const at = deps.clock();
  try {
    checkSigningCertificate(certificate, at);
  } catch (err) {
    if (err instanceof CertificateError) throw badRequest('Chứng thư số đã hết hạn hoặc không dùng để ký được', 'The certificate has expired or cannot sign');
    throw err;
  }
  const user = (await getUser(deps.db, actor.userId))!;
  const pdf = await readFileBytes(deps, main.sha256);
  // The same look as with the server key: image only in a printed block, else the competence lines.
  const look = await leaderLook(deps, actor, pdf, { issuerUnitId: doc.issuerUnitId, placement: input.placement, competence: input.competence, onBehalfOf });
  const box = look.box;
  const { prepared, signedAttributes } = await prepareSignature(pdf, certificate, {
    fieldName: 'LanhDaoKy', signingTime: at, name: describeCertificate(certificate).commonName ?? user.fullName, reason: 'Ký ban hành văn bản',
    subFilter: 'ETSI.CAdES.detached', signatureSize: signatureRoom({ certificate, chain: [] }, Boolean(deps.config.tsaUrl)) + CHAIN_ALLOWANCE,
    appearance: look.appearance,
  }).catch((err) => { throw unsupportedPdf(err); });
  const row = await savePendingSignature(deps.db, {
    documentId: doc.id, fileId: main.id, baseSha256: main.sha256, userId: actor.userId, prepared: prepared.pdf,
    byteRange: [...prepared.byteRange], signedAttributes, certificate, leaderBox: { ...box, competence: look.competence, appearance: look.mode }, expiresAt: new Date(at.getTime() + TTL_MS), createdAt: at,
  });
  const key = new X509Certificate(certificate).publicKey;
  return {
    handle: row.id,
    signedAttributes: signedAttributes.toString('base64'),
    digest: createHash('sha256').update(signedAttributes).digest('base64'),
    digestAlgorithm: 'SHA-256',
    signatureAlgorithm: key.asymmetricKeyType === 'ec' ? 'ECDSA' : 'RSASSA-PKCS1-v1_5',
    expiresAt: row.expiresAt.toISOString(),
  };
}

/** Step 2: the signature value made outside is checked against the certificate, wrapped as PAdES and embedded. */
export async function completeTokenSignature(deps: Deps, actor: Actor, documentId: string, input: { handle: string; signature: string; chain?: string[] }) {
  await loadOwnDocument(deps.db, actor, documentId);
  const p = await findPendingSignature(deps.db, { id: input.handle, documentId, userId: actor.userId });
  if (!p) throw notFound('Không tìm thấy phiên ký (handle)', 'No such signing session (handle)');
  const at = deps.clock();
  if (p.expiresAt < at) throw conflict('Phiên ký đã hết hạn, hãy chuẩn bị lại', 'The signing session expired; prepare again');
  const signature = Buffer.from(input.signature, 'base64');
  const cert = new X509Certificate(p.certificate);
  const ok = verifySignature('sha256', p.signedAttributes, cert.publicKey, signature);
  if (!ok) throw badRequest('Chữ ký không khớp với dữ liệu cần ký và chứng thư số', 'The signature does not match the prepared data and certificate');
  const chain: Buffer[] = [];
  for (const c of input.chain ?? []) {
    const der = certificateFromPem(c);
    if (!der) throw badRequest('Chuỗi chứng thư không hợp lệ', 'Invalid certificate in the chain');
    chain.push(der);
  }
  const embed = (tsaUrl: string | null) => completeSignature({
    prepared: { pdf: p.prepared, byteRange: p.byteRange as [number, number, number, number] },
    signedAttributes: p.signedAttributes, signature, certificates: [p.certificate, ...chain], tsaUrl, tsaTimeoutMs: deps.config.tsaTimeoutMs,
  });
  let timestamped = Boolean(deps.config.tsaUrl);
  // A TSA that is down or slow gives a B-B signature (timestamped: false), never a failure.
  const signed = await embed(deps.config.tsaUrl)
    .catch((err: Error) => {
      if (!(err instanceof TimestampError)) throw err;
      deps.log.warn({ err: err.message }, 'TSA unavailable: two-step signature without a timestamp (B-B)');
      timestamped = false;
      return embed(null);
    })
    .catch((err: Error) => {
      throw badRequest(`Không nhúng được chữ ký: ${err.message}`, `Could not embed the signature: ${err.message}`);
    });
  const staged = await stageBytes(deps, signed);
  let promoted: string[] = [];
  try {
    await deps.db.transaction(async (tx) => {
      const doc = await loadOwnDocument(tx, actor, documentId, { forUpdate: true });
      if (doc.status !== 'draft') throw conflict('Chỉ ký được văn bản chưa ban hành', 'Only a draft can be signed');
      const { competence = null, appearance: _mode, ...leaderBox } = p.leaderBox;
      await recordSigner(tx, { documentId, userId: actor.userId, at, competence });
      promoted = await replaceFileContents(deps, tx, { fileId: p.fileId, expectedSha256: p.baseSha256, staged, leaderBox });
      await deletePendingSignature(tx, p.id);
      await recordEvents(tx, [{
        type: 'document.signed', at, actor, documentId, unitIds: [doc.issuerUnitId],
        data: {
          fileId: p.fileId, sha256: staged.sha256, previousSha256: p.baseSha256, certificate: describeCertificate(p.certificate).fingerprintSha256, mode: 'token', timestamped,
          competence,
        },
      }]);
    });
  } catch (err) {
    await deps.store.discard(staged);
    await forgetUnreferenced(deps, promoted);
    throw err;
  }
  const user = (await getUser(deps.db, actor.userId))!;
  return {
    documentId, fileId: p.fileId, sha256: staged.sha256, timestamped,
    signer: { userId: user.id, fullName: user.fullName, title: user.title, competence: p.leaderBox.competence ?? null, appearance: p.leaderBox.appearance ?? 'text', signedAt: at.toISOString() },
  };
}
