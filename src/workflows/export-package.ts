import type { Readable } from 'node:stream';
import type { Deps } from '../lib/deps.js';
import type { Actor } from '../lib/actor.js';
import { conflict } from '../lib/errors.js';
import { loadDocument, loadOwnDocument } from '../modules/documents/access.js';
import { listDocumentFiles } from '../modules/documents/file-content.js';
import { writeDocumentPackage } from '../modules/exchange/edxml/index.js';
import { documentHeader } from '../modules/exchange/mapping.js';
import { findActiveUnits, getUnit, getUnitsByIds } from '../modules/orgs/units.js';
import { getUser } from '../modules/orgs/users.js';
import { competenceText, headTitleFor } from '../modules/signing/competence.js';
import { loadSealKey } from '../modules/signing/seal.js';
import { headTitle } from './sign-document.js';

/**
 * The edXML document package of an issued document (its issuing unit only): the header signed
 * with the unit's seal when it has one, the files as they were issued (sealed), streamed. Secret
 * documents never leave electronically (409); a draft has no number yet (409).
 */
export async function exportDocumentPackage(
  deps: Deps, actor: Actor, documentId: string, opts: { businessDocType?: 0 | 1 | 2 | 3; reason?: string | null; toUnitIds?: string[] } = {},
): Promise<{ filename: string; stream: Readable }> {
  const doc = await loadOwnDocument(deps.db, actor, documentId);
  if (doc.secrecy !== 'none') throw conflict('Văn bản mật không được gửi qua mạng (QĐ 28/2018/QĐ-TTg)', 'Secret documents never leave electronically');
  if (doc.status !== 'issued' && doc.status !== 'recalled') throw conflict('Văn bản chưa được ban hành', 'The document has not been issued');
  return buildPackage(deps, doc.id, opts);
}

/** The package, for the exchange worker (no caller check: it sends what the issuing transaction queued). */
export async function buildPackage(deps: Deps, documentId: string, opts: { businessDocType?: 0 | 1 | 2 | 3; reason?: string | null; toUnitIds?: string[]; toOrganIds?: string[] } = {}) {
  const doc = await loadDocument(deps.db, documentId);
  if (doc.secrecy !== 'none') throw conflict('Văn bản mật không được gửi qua mạng (QĐ 28/2018/QĐ-TTg)', 'Secret documents never leave electronically');
  const issuer = (await getUnit(deps.db, doc.issuerUnitId))!;
  const recipients = opts.toUnitIds ? await getUnitsByIds(deps.db, opts.toUnitIds) : await findActiveUnits(deps.db, doc.recipients);
  const to = opts.toOrganIds ? recipients.filter((u) => opts.toOrganIds!.includes(u.code)) : recipients;
  const files = await listDocumentFiles(deps.db, doc.id);
  // SignerInfo: the signer of record (who signed, with the competence used), else the signer named on the draft.
  const signer = doc.signedBy ?? doc.signerId ? await getUser(deps.db, (doc.signedBy ?? doc.signerId)!) : undefined;
  const competence = doc.signedBy && doc.signerCompetence && signer
    ? competenceText({
      competence: doc.signerCompetence, unitKind: issuer.kind, unitName: issuer.name, signerTitle: signer.title,
      headTitle: headTitleFor({ headTitle: await headTitle(deps, issuer.id, null), signerTitle: signer.title, unitKind: issuer.kind }),
    })
    : null;
  const seal = await loadSealKey(deps, deps.db, { userId: doc.issuedBy ?? doc.createdBy, unitId: issuer.id }, deps.clock()).catch(() => null);
  const header = documentHeader({
    doc, issuer, to, signer: signer ? { fullName: signer.fullName, position: signer.title, competence } : null,
    businessDocType: opts.businessDocType ?? 0, reason: opts.reason ?? null, at: deps.clock(),
  });
  const stream = writeDocumentPackage(header, files.map((f, i) => ({
    contentId: `file-${i + 1}`, name: f.name, contentType: f.contentType, description: f.role === 'main' ? 'Văn bản chính' : 'Phụ lục',
    open: () => storeStream(deps, f.sha256),
  })), seal ? { seal: { privateKey: seal.key.privateKey, certificate: seal.key.certificate, chain: seal.key.chain } } : {});
  const safe = (doc.notation ?? doc.id).replace(/[^\p{L}\p{N}.-]+/gu, '_');
  return { filename: `${safe}.edxml`, stream };
}

/** The store hands a stream asynchronously; the writer asks for one synchronously when it reaches the file. */
function storeStream(deps: Pick<Deps, 'store'>, sha256: string): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      for await (const chunk of await deps.store.get(sha256)) yield chunk as Uint8Array;
    },
  };
}
