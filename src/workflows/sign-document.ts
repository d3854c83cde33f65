import { and, asc, eq } from 'drizzle-orm';
import type { Deps } from '../lib/deps.js';
import type { Actor } from '../lib/actor.js';
import { leaderPower } from '../lib/actor.js';
import { badRequest, conflict, forbidden } from '../lib/errors.js';
import { loadDraftFor, loadOwnDocument } from '../modules/documents/access.js';
import { forgetUnreferenced } from '../modules/documents/blobs.js';
import { listDocumentFiles, readFileBytes, replaceFileContents, stageBytes } from '../modules/documents/file-content.js';
import { maySign } from '../modules/documents/policy.js';
import { recordSigner } from '../modules/documents/signer-record.js';
import type { Competence } from '../modules/documents/tables.js';
import { recordEvents } from '../modules/events/service.js';
import { withDelegations } from '../modules/orgs/delegations.js';
import { getUnit } from '../modules/orgs/units.js';
import { users } from '../modules/orgs/tables.js';
import { getUser } from '../modules/orgs/users.js';
import { CertificateError, checkSigningCertificate } from '../modules/signing/crypto/certificates.js';
import { activeCertificate, activeImage } from '../modules/signing/keys-service.js';
import { competenceLines, defaultCompetence, headTitleFor } from '../modules/signing/competence.js';
import {
  type Placement, type PrintedBlock, findSignatureBlock, imageOnlyAppearance, imageOnlyRect, leaderAppearance, leaderRect,
} from '../modules/signing/layout.js';
import { type AppearanceSpec, type Rect, pageCount, pageSize } from '../modules/signing/pdf/incremental.js';
import { TextLayerError, textLines } from '../modules/signing/pdf/text-layer.js';
import { signPdfBytes, unsupportedPdf } from '../modules/signing/seal.js';

/** The draft's main file, checked to be signable by this leader (or a deputy holding a "sign" delegation today). */
export async function signableMainFile(deps: Deps, actor: Actor, documentId: string) {
  const acting = await withDelegations(deps.db, actor, deps.clock());
  // A draft reaches the issuer's leaders when it is handed to them (trình ký), or when it was written
  // inside the issuer: a department's draft still under review is not theirs to sign yet (404).
  const doc = await loadDraftFor(deps.db, acting, documentId);
  if (!maySign(acting, doc)) {
    throw forbidden('Chỉ lãnh đạo của đơn vị ban hành (hoặc người được ủy quyền) được ký văn bản', 'Only a leader of the issuing unit (or a deputy) signs');
  }
  if (doc.status !== 'draft') throw conflict('Chỉ ký được văn bản chưa ban hành', 'Only a draft can be signed');
  const main = (await listDocumentFiles(deps.db, doc.id)).find((f) => f.role === 'main');
  if (!main) throw conflict('Văn bản chưa có tệp chính để ký', 'The document has no main file to sign');
  if (main.leaderBox || doc.signedBy) throw conflict('Văn bản đã được lãnh đạo ký', 'The document has already been signed by a leader');
  return { doc, main, onBehalfOf: leaderPower(acting, 'sign').onBehalfOf };
}

/** Where the TEXT mode's box goes: the given placement, or the bottom right of the last page. */
export async function leaderBoxFor(pdf: Buffer, placement?: Placement | null, lines = 1) {
  try {
    const pages = await pageCount(pdf);
    const page = placement ? placement.page : pages - 1;
    if (page < 0 || page >= pages) throw badRequest(`Trang ${page + 1} không có trong văn bản (${pages} trang)`, `Page ${page + 1} is not in the document (${pages} pages)`);
    const rect = leaderRect(await pageSize(pdf, page), placement, lines);
    return { page, rect };
  } catch (err) {
    throw unsupportedPdf(err);
  }
}

/** The printed signature block of the last page, or null (no text layer, a scan, an unreadable one: never an error). */
async function printedBlock(deps: Pick<Deps, 'log'>, pdf: Buffer, fullName: string): Promise<{ page: number; block: PrintedBlock } | null> {
  try {
    const lines = await textLines(pdf, { pages: [-1], maxPages: 1, timeoutMs: TEXT_LAYER_TIMEOUT_MS });
    const block = findSignatureBlock(lines, fullName);
    return block ? { page: lines[0]!.page, block } : null;
  } catch (err) {
    // Whatever pdf.js makes of a hostile or odd file, the signature still goes on (the signer reads the PDF itself).
    deps.log.warn({ err: err instanceof Error ? err.message : String(err), textLayer: err instanceof TextLayerError }, 'text layer unreadable: the leader signs in the TEXT mode');
    return null;
  }
}
/**
 * pdf.js's first read in a process loads its worker code (seconds on a busy machine): a short limit
 * would silently turn the first signature of the day into the TEXT mode. Hostile files are bounded
 * by the text layer's page and item caps as well.
 */
const TEXT_LAYER_TIMEOUT_MS = 30_000;

/** The title of the head a deputy signs for (KT./Q./TL./TUQ.): the delegating leader, else the unit's head. */
export async function headTitle(deps: Pick<Deps, 'db'>, unitId: string, onBehalfOf: string | null): Promise<string | null> {
  if (onBehalfOf) return (await getUser(deps.db, onBehalfOf))?.title || null;
  const [head] = await deps.db
    .select({ title: users.title })
    .from(users)
    .where(and(eq(users.unitId, unitId), eq(users.position, 'head'), eq(users.disabled, false)))
    .orderBy(asc(users.createdAt))
    .limit(1);
  return head?.title || null;
}

export interface LeaderLook {
  box: { page: number; rect: Rect };
  appearance: AppearanceSpec;
  /** `image`: the page prints the position and the name, the signature is the image alone; `text`: the full block. */
  mode: 'image' | 'text';
  competence: Competence | null;
}

/**
 * How the leader's signature looks and where it goes (NĐ 30 appendix I), the same for the server
 * key and the signer's own token. The competence is the one asked for (null = none) or the
 * default from the signer's position and delegation. Without a placement, when the last page's text
 * layer prints the block ("CHỦ TỊCH" … "Nguyễn Văn An"), the image alone goes in its gap (IMAGE-ONLY);
 * otherwise the box carries the competence lines, the image and the name (TEXT).
 */
export async function leaderLook(
  deps: Deps, actor: Actor, pdf: Buffer, p: { issuerUnitId: string; placement?: Placement | null; competence?: Competence | null; onBehalfOf: string | null },
): Promise<LeaderLook> {
  const user = (await getUser(deps.db, actor.userId))!;
  const unit = (await getUnit(deps.db, p.issuerUnitId))!;
  const competence = p.competence === undefined ? defaultCompetence({ position: user.position, unitKind: unit.kind, onBehalfOf: p.onBehalfOf }) : p.competence;
  const image = await activeImage(deps.db, actor, 'user');
  const found = p.placement ? null : await printedBlock(deps, pdf, user.fullName);
  if (found) {
    const rect = imageOnlyRect(found.block, image);
    return { box: { page: found.page, rect }, appearance: imageOnlyAppearance({ pageIndex: found.page, rect, image }), mode: 'image', competence };
  }
  const lines = competenceLines({
    competence, unitKind: unit.kind, unitName: unit.name, signerTitle: user.title,
    headTitle: headTitleFor({ headTitle: await headTitle(deps, unit.id, p.onBehalfOf), signerTitle: user.title, unitKind: unit.kind }),
  });
  const box = await leaderBoxFor(pdf, p.placement, lines.length);
  return { box, appearance: leaderAppearance({ pageIndex: box.page, rect: box.rect, lines, fullName: user.fullName, image }), mode: 'text', competence };
}

/**
 * The leader signs the main file with the key kept on the server (PAdES, an incremental update;
 * its look: leaderLook). The signed bytes replace the file's contents in one transaction with the
 * signer of record (who signed, when, with which competence; the draft is then `signed`) and the
 * event; the unsigned version stays in the store. A TSA that does not answer in time gives a B-B
 * signature and `timestamped: false`; an encrypted or broken PDF is a 422; a second signature a 409.
 */
export async function signDocument(
  deps: Deps, actor: Actor, documentId: string, opts: { placement?: Placement | null; competence?: Competence | null } = {},
) {
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
  const look = await leaderLook(deps, actor, pdf, { issuerUnitId: doc.issuerUnitId, placement: opts.placement, competence: opts.competence, onBehalfOf });
  const signed = await signPdfBytes(
    pdf,
    // A cached KeyObject (keystore.ts): decrypting and parsing the key costs as much as signing.
    { privateKey: deps.keys.privateKey(cert.encryptedKey, cert.id), certificate: cert.certificate, chain: cert.chain },
    { fieldName: 'LanhDaoKy', signingTime: at, name: user.fullName, reason: 'Ký ban hành văn bản', location: unit.name, appearance: look.appearance },
    { url: deps.config.tsaUrl, timeoutMs: deps.config.tsaTimeoutMs },
    deps.log,
  );
  const staged = await stageBytes(deps, signed.bytes);
  let promoted: string[] = [];
  try {
    await deps.db.transaction(async (tx) => {
      const locked = await loadOwnDocument(tx, actor, doc.id, { forUpdate: true });
      if (locked.status !== 'draft') throw conflict('Chỉ ký được văn bản chưa ban hành', 'Only a draft can be signed');
      await recordSigner(tx, { documentId: doc.id, userId: actor.userId, at, competence: look.competence });
      promoted = await replaceFileContents(deps, tx, { fileId: main.id, expectedSha256: main.sha256, staged, leaderBox: look.box });
      await recordEvents(tx, [{
        type: 'document.signed', at, actor, documentId: doc.id, unitIds: [doc.issuerUnitId],
        data: {
          fileId: main.id, sha256: staged.sha256, previousSha256: main.sha256, certificate: cert.fingerprint, signer: user.fullName, mode: 'server', onBehalfOf,
          timestamped: signed.timestamped, competence: look.competence, appearance: look.mode,
        },
      }]);
    });
  } catch (err) {
    await deps.store.discard(staged);
    await forgetUnreferenced(deps, promoted);
    throw err;
  }
  return {
    documentId: doc.id, fileId: main.id, sha256: staged.sha256, timestamped: signed.timestamped,
    signer: { userId: user.id, fullName: user.fullName, title: user.title, competence: look.competence, appearance: look.mode, signedAt: at.toISOString() },
  };
}
