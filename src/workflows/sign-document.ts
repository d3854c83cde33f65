import type { Deps } from '../lib/deps.js';
import type { Actor } from '../lib/actor.js';
import { leaderPower } from '../lib/actor.js';
import { badRequest, conflict, forbidden } from '../lib/errors.js';
import { loadOwnDocument } from '../modules/documents/access.js';
import { forgetUnreferenced } from '../modules/documents/blobs.js';
import { listDocumentFiles, readFileBytes, replaceFileContents, stageBytes } from '../modules/documents/file-content.js';
import { maySign } from '../modules/documents/policy.js';
import { recordEvents } from '../modules/events/service.js';
import { withDelegations } from '../modules/orgs/delegations.js';
import { getUnit } from '../modules/orgs/units.js';
import { getUser } from '../modules/orgs/users.js';
import { CertificateError, checkSigningCertificate } from '../modules/signing/crypto/certificates.js';
import { activeCertificate, activeImage } from '../modules/signing/keys-service.js';
import { type Placement, leaderAppearance, leaderRect } from '../modules/signing/layout.js';
import { pageCount, pageSize } from '../modules/signing/pdf/incremental.js';
import { signPdfBytes, unsupportedPdf } from '../modules/signing/seal.js';

/** The draft's main file, checked to be signable by this leader (or a deputy holding a "sign" delegation today). */
export async function signableMainFile(deps: Deps, actor: Actor, documentId: string) {
  const doc = await loadOwnDocument(deps.db, actor, documentId);
  const acting = await withDelegations(deps.db, actor, deps.clock());
  if (!maySign(acting, doc)) {
    throw forbidden('Chỉ lãnh đạo của đơn vị ban hành (hoặc người được ủy quyền) được ký văn bản', 'Only a leader of the issuing unit (or a deputy) signs');
  }
  if (doc.status !== 'draft') throw conflict('Chỉ ký được văn bản chưa ban hành', 'Only a draft can be signed');
  const main = (await listDocumentFiles(deps.db, doc.id)).find((f) => f.role === 'main');
  if (!main) throw conflict('Văn bản chưa có tệp chính để ký', 'The document has no main file to sign');
  if (main.leaderBox) throw conflict('Văn bản đã được lãnh đạo ký', 'The document has already been signed by a leader');
  return { doc, main, onBehalfOf: leaderPower(acting, 'sign').onBehalfOf };
}

/** Where the leader's box goes: the given placement, or the bottom right of the last page. */
export async function leaderBoxFor(pdf: Buffer, placement?: Placement | null) {
  try {
    const pages = await pageCount(pdf);
    const page = placement ? placement.page : pages - 1;
    if (page < 0 || page >= pages) throw badRequest(`Trang ${page + 1} không có trong văn bản (${pages} trang)`, `Page ${page + 1} is not in the document (${pages} pages)`);
    const rect = leaderRect(await pageSize(pdf, page), placement);
    return { page, rect };
  } catch (err) {
    throw unsupportedPdf(err);
  }
}

/**
 * The leader signs the main file with the key kept on the server (PAdES, an incremental update
 * showing the signature image between position and name). The signed bytes replace the file's
 * contents in one transaction with the event; the unsigned version stays in the store. A TSA that
 * does not answer in time gives a B-B signature and `timestamped: false`; an encrypted or broken
 * PDF is a 422.
 */
export async function signDocument(deps: Deps, actor: Actor, documentId: string, opts: { placement?: Placement | null } = {}) {
  const { doc, main, onBehalfOf } = await signableMainFile(deps, actor, documentId);
  const cert = await activeCertificate(deps.db, actor, 'user');
  if (!cert) throw conflict('Bạn chưa cài chứng thư số để ký', 'You have no signing certificate installed');
  const at = deps.clock();
  try {
    checkSigningCertificate(cert.certificate, at);
  } catch (err) {
    if (err instanceof CertificateError) throw conflict('Chứng thư số của bạn đã hết hạn hoặc không dùng để ký được', 'Your certificate has expired or cannot sign');
    throw err;
  }
  const user = (await getUser(deps.db, actor.userId))!;
  const unit = (await getUnit(deps.db, actor.unitId))!;
  const pdf = await readFileBytes(deps, main.sha256);
  const box = await leaderBoxFor(pdf, opts.placement);
  const signed = await signPdfBytes(
    pdf,
    // A cached KeyObject (keystore.ts): decrypting and parsing the key costs as much as signing.
    { privateKey: deps.keys.privateKey(cert.encryptedKey, cert.id), certificate: cert.certificate, chain: cert.chain },
    {
      fieldName: 'LanhDaoKy', signingTime: at, name: user.fullName, reason: 'Ký ban hành văn bản', location: unit.name,
      appearance: leaderAppearance({ pageIndex: box.page, rect: box.rect, title: user.title || 'Lãnh đạo', fullName: user.fullName, image: await activeImage(deps.db, actor, 'user') }),
    },
    { url: deps.config.tsaUrl, timeoutMs: deps.config.tsaTimeoutMs },
    deps.log,
  );
  const staged = await stageBytes(deps, signed.bytes);
  let promoted: string[] = [];
  try {
    await deps.db.transaction(async (tx) => {
      const locked = await loadOwnDocument(tx, actor, doc.id, { forUpdate: true });
      if (locked.status !== 'draft') throw conflict('Chỉ ký được văn bản chưa ban hành', 'Only a draft can be signed');
      promoted = await replaceFileContents(deps, tx, { fileId: main.id, expectedSha256: main.sha256, staged, leaderBox: box });
      await recordEvents(tx, [{
        type: 'document.signed', at, actor, documentId: doc.id, unitIds: [doc.issuerUnitId],
        data: {
          fileId: main.id, sha256: staged.sha256, previousSha256: main.sha256, certificate: cert.fingerprint, signer: user.fullName, mode: 'server', onBehalfOf,
          timestamped: signed.timestamped,
        },
      }]);
    });
  } catch (err) {
    await deps.store.discard(staged);
    await forgetUnreferenced(deps, promoted);
    throw err;
  }
  return { documentId: doc.id, fileId: main.id, sha256: staged.sha256, timestamped: signed.timestamped };
}
