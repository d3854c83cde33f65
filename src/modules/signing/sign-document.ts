import type { Deps } from '../../lib/deps.js';
import { badRequest, conflict, forbidden } from '../../lib/errors.js';
import type { Actor } from '../auth/actor.js';
import { leaderAuthority } from '../handling/delegations.js';
import { loadReadableDocument } from '../documents/access.js';
import { listDocumentFiles, readFileBytes, replaceFileContents, stageBytes } from '../documents/file-content.js';
import { forgetUnreferenced } from '../documents/blobs.js';
import { isIssuerMember } from '../documents/policy.js';
import { recordEvents } from '../events/service.js';
import { getUnit } from '../orgs/units.js';
import { getUser } from '../orgs/users.js';
import { CertificateError, checkSigningCertificate } from './crypto/certificates.js';
import { signPdf } from './engine.js';
import { type Placement, leaderAppearance, leaderRect } from './layout.js';
import { activeCertificate, activeImage } from './keys-service.js';
import { pageCount, pageSize } from './pdf/incremental.js';

/** The draft's main file, checked to be signable by this leader. */
export async function signableMainFile(deps: Deps, actor: Actor, documentId: string) {
  const { doc } = await loadReadableDocument(deps.db, actor, documentId);
  // A leader signs; so does a deputy holding a "sign" delegation for today, on the leader's behalf.
  const authority = isIssuerMember(actor, doc) ? await leaderAuthority(deps.db, actor, doc.issuerUnitId, 'sign', deps.clock()) : { allowed: false, onBehalfOf: null };
  if (!authority.allowed) {
    throw forbidden('Chỉ lãnh đạo của đơn vị ban hành (hoặc người được ủy quyền) được ký văn bản', 'Only a leader of the issuing unit (or a deputy) signs');
  }
  if (doc.status !== 'draft') throw conflict('Chỉ ký được văn bản chưa ban hành', 'Only a draft can be signed');
  const main = (await listDocumentFiles(deps.db, doc.id)).find((f) => f.role === 'main');
  if (!main) throw conflict('Văn bản chưa có tệp chính để ký', 'The document has no main file to sign');
  if (main.leaderBox) throw conflict('Văn bản đã được lãnh đạo ký', 'The document has already been signed by a leader');
  return { doc, main, onBehalfOf: authority.onBehalfOf };
}

/** Where the leader's box goes: the given placement, or the bottom right of the last page. */
export async function leaderBoxFor(pdf: Buffer, placement?: Placement | null) {
  const pages = await pageCount(pdf);
  const page = placement ? placement.page : pages - 1;
  if (page < 0 || page >= pages) throw badRequest(`Trang ${page + 1} không có trong văn bản (${pages} trang)`, `Page ${page + 1} is not in the document (${pages} pages)`);
  const rect = leaderRect(await pageSize(pdf, page), placement);
  return { page, rect };
}

/**
 * The leader signs the main file with the key kept on the server (PAdES, an incremental update
 * showing the signature image between position and name). The signed bytes replace the file's
 * contents in one transaction with the event; the unsigned version stays in the store.
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
  const signed = await signPdf(
    pdf,
    // A cached KeyObject (keystore.ts): decrypting and parsing the key costs as much as signing.
    { privateKey: deps.keys.privateKey(cert.encryptedKey, cert.id), certificate: cert.certificate, chain: cert.chain },
    {
      fieldName: 'LanhDaoKy', signingTime: at, name: user.fullName, reason: 'Ký ban hành văn bản', location: unit.name,
      appearance: leaderAppearance({ pageIndex: box.page, rect: box.rect, title: user.title || 'Lãnh đạo', fullName: user.fullName, image: await activeImage(deps.db, actor, 'user') }),
    },
    deps.config.tsaUrl,
  );
  const staged = await stageBytes(deps, signed);
  let promoted: string[] = [];
  try {
    await deps.db.transaction(async (tx) => {
      const { doc: locked } = await loadReadableDocument(tx, actor, doc.id, { forUpdate: true });
      if (locked.status !== 'draft') throw conflict('Chỉ ký được văn bản chưa ban hành', 'Only a draft can be signed');
      promoted = await replaceFileContents(deps, tx, { fileId: main.id, expectedSha256: main.sha256, staged, leaderBox: box });
      await recordEvents(tx, [{
        type: 'document.signed', at, actor, documentId: doc.id, unitIds: [doc.issuerUnitId],
        data: { fileId: main.id, sha256: staged.sha256, previousSha256: main.sha256, certificate: cert.fingerprint, signer: user.fullName, mode: 'server', onBehalfOf },
      }]);
    });
  } catch (err) {
    await deps.store.discard(staged);
    await forgetUnreferenced(deps, promoted);
    throw err;
  }
  return { documentId: doc.id, fileId: main.id, sha256: staged.sha256 };
}
