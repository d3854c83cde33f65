import type { Tx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import { conflict } from '../../lib/errors.js';
import type { StagedObject } from '../../storage/object-store.js';
import type { Actor } from '../auth/actor.js';
import { listDocumentFiles, readFileBytes, replaceFileContents, stageBytes } from '../documents/file-content.js';
import { CertificateError, checkSigningCertificate } from './crypto/certificates.js';
import { signPdf } from './engine.js';
import { activeCertificate, activeImage } from './keys-service.js';
import { appendixAppearance, leaderRect, sealAppearance, sealRect, vnTimestamp } from './layout.js';
import { pageCount, pageSize } from './pdf/incremental.js';
import { fileSignatureVerdicts, summarise } from './verdicts.js';

/** What a sealing step left in the store, so the caller can clean up if its transaction fails. */
export interface StoreChanges {
  staged: StagedObject[];
  promoted: string[];
}

/** ISO 8601 in Vietnam time without the T: 2026-11-23 15:30:00 +07:00. */
function isoVn(at: Date): string {
  return `${new Date(at.getTime() + 7 * 3600 * 1000).toISOString().slice(0, 19).replace('T', ' ')} +07:00`;
}

/**
 * Inside the issuing transaction: the unit's seal signs the main file (the red seal overlapping
 * the leader's signature) and each appendix (text "number/notation — time" top right of page 1),
 * each as an incremental update; then every file's signatures are verified and the verdicts kept
 * with the delivery. A unit without a seal key issues unsigned files (the dashboard counts them).
 */
export async function sealAndVerifyForIssue(
  deps: Deps,
  tx: Tx,
  p: { documentId: string; issuer: { id: string; name: string }; notation: string; at: Date; actor: Actor; changes: StoreChanges },
): Promise<{ sealed: boolean; signature: ReturnType<typeof summarise> }> {
  const files = await listDocumentFiles(tx, p.documentId);
  const cert = await activeCertificate(tx, { userId: p.actor.userId, unitId: p.issuer.id }, 'unit');
  if (cert) {
    try {
      checkSigningCertificate(cert.certificate, p.at);
    } catch (err) {
      if (err instanceof CertificateError) throw conflict('Chứng thư số của đơn vị đã hết hạn, không thể đóng dấu', "The unit's seal certificate has expired");
      throw err;
    }
    // A cached KeyObject (keystore.ts), made once for all the files of this issue and the next ones.
    const key = { privateKey: deps.keys.privateKey(cert.encryptedKey, cert.id), certificate: cert.certificate, chain: cert.chain };
    const sealImage = await activeImage(tx, { userId: p.actor.userId, unitId: p.issuer.id }, 'unit');
    for (const f of files) {
      const pdf = await readFileBytes(deps, f.sha256);
      let appearance;
      if (f.role === 'main') {
        const page = f.leaderBox?.page ?? (await pageCount(pdf)) - 1;
        const leader = f.leaderBox?.rect ?? leaderRect(await pageSize(pdf, page));
        appearance = sealAppearance({ pageIndex: page, rect: sealRect(leader), image: sealImage, unitName: p.issuer.name, when: vnTimestamp(p.at) });
      } else {
        appearance = appendixAppearance(await pageSize(pdf, 0), `${p.notation} — ${isoVn(p.at)}`);
      }
      const signed = await signPdf(pdf, key, { fieldName: 'DonViKy', signingTime: p.at, name: p.issuer.name, reason: `Ban hành ${p.notation}`, location: p.issuer.name, appearance }, deps.config.tsaUrl);
      const staged = await stageBytes(deps, signed);
      p.changes.staged.push(staged);
      p.changes.promoted.push(...(await replaceFileContents(deps, tx, { fileId: f.id, expectedSha256: f.sha256, staged })));
    }
  }
  let mainSummary: ReturnType<typeof summarise> = 'unsigned';
  for (const f of await listDocumentFiles(tx, p.documentId)) {
    const verdicts = await fileSignatureVerdicts(deps, tx, f.sha256);
    if (f.role === 'main') mainSummary = summarise(verdicts);
  }
  return { sealed: Boolean(cert), signature: mainSummary };
}
