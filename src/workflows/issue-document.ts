import type { Deps } from '../lib/deps.js';
import type { Actor } from '../lib/actor.js';
import type { StagedObject } from '../storage/object-store.js';
import { scheduleAlarms } from '../modules/dispatch/alarms.js';
import { insertDeliveries, recordDeliveriesCreated } from '../modules/dispatch/create-deliveries.js';
import { queueDocumentPackage } from '../modules/dispatch/outbound.js';
import { loadDocument, loadOwnDocument } from '../modules/documents/access.js';
import { forgetUnreferenced } from '../modules/documents/blobs.js';
import { listDocumentFiles, readFileBytes, replaceFileContents, stageBytes } from '../modules/documents/file-content.js';
import { checkIssuable, checkIssuableDraft, listStuckIssuing, markIssued, numberDraft } from '../modules/documents/issue-steps.js';
import { presentDocument, type DocumentRow, type FileRow } from '../modules/documents/present.js';
import { findActiveUnits, getUnit, isExternal, type Unit } from '../modules/orgs/units.js';
import { checkSealable, loadSealKey, sealPdfBytes } from '../modules/signing/seal.js';
import { fileSignatureVerdicts, summarise } from '../modules/signing/verdicts.js';
import { recallReplaced } from './recall-document.js';

/**
 * The secretary numbers and dispatches a draft.
 *
 * 1. Before anything is committed: the usual checks (clerk of the issuer, a draft, not secret,
 *    recipients, a main file), the seal key, and every file laid out for sealing — an encrypted or
 *    broken PDF is a 422 and nothing changes.
 * 2. A short transaction takes the number from the unit's register and makes the document
 *    `issuing`. Only this holds the unit's series lock, so a slow seal or time-stamp authority
 *    never stalls the unit's other issues. A committed number is never given back.
 * 3. Outside any lock the seal signs every file (B-T, or B-B with `timestamped: false` when the
 *    TSA does not answer within TSA_TIMEOUT_SECONDS).
 * 4. One transaction delivers: the sealed files replace the drafts, every recipient unit gets its
 *    delivery, the events are written, flash alarms start, a replaced document is recalled.
 * If the process dies between 2 and 4, `finishInterruptedIssues` completes the document later.
 * Secret documents are never sent over the network (QĐ 28/2018).
 */
export async function issueDocument(deps: Deps, actor: Actor, documentId: string) {
  const at = deps.clock();
  const draft = await loadOwnDocument(deps.db, actor, documentId);
  checkIssuableDraft(actor, draft);
  const issuer = (await getUnit(deps.db, draft.issuerUnitId))!;
  const seal = await loadSealKey(deps, deps.db, { userId: actor.userId, unitId: issuer.id }, at);
  const bytes = new Map<string, Buffer>();
  if (seal) {
    for (const f of await listDocumentFiles(deps.db, draft.id)) {
      const pdf = await readFileBytes(deps, f.sha256);
      bytes.set(f.sha256, pdf);
      await checkSealable(pdf, f, { issuerName: issuer.name, at, image: seal.image });
    }
  }
  const numbered = await deps.db.transaction(async (tx) => {
    const doc = await loadOwnDocument(tx, actor, documentId, { forUpdate: true });
    await checkIssuable(tx, actor, doc);
    return (await numberDraft(tx, actor, doc, at)).doc;
  });
  const done = await finishIssue(deps, numbered.id, { bytes, numbered: { doc: numbered, issuer, seal } });
  return { ...presentDocument(done.doc), timestamped: done.timestamped };
}

/** The clerk who numbered the document acts for the steps that follow (also when a job finishes them). */
const issuingClerk = (doc: DocumentRow): Actor => ({ userId: doc.issuedBy!, unitId: doc.issuerUnitId, roles: ['clerk'] });

/**
 * Steps 3 and 4 for a numbered (`issuing`) document; idempotent: whoever commits first delivers,
 * a second run finds it issued and discards its sealed copies.
 */
export async function finishIssue(
  deps: Deps, documentId: string,
  opts: {
    bytes?: Map<string, Buffer>;
    /** What the issuing request already knows, so it is not read again. */
    numbered?: { doc: DocumentRow; issuer: Unit; seal: Awaited<ReturnType<typeof loadSealKey>> };
  } = {},
) {
  const doc = opts.numbered?.doc ?? (await loadDocument(deps.db, documentId));
  if (doc.status !== 'issuing') return { doc, timestamped: false, finished: false };
  const at = doc.issuedAt!;
  const actor = issuingClerk(doc);
  const issuer = opts.numbered?.issuer ?? (await getUnit(deps.db, doc.issuerUnitId))!;
  const seal = opts.numbered ? opts.numbered.seal : await loadSealKey(deps, deps.db, { userId: actor.userId, unitId: issuer.id }, at);
  const files = await listDocumentFiles(deps.db, doc.id);
  const sealed: Array<{ file: FileRow; staged: StagedObject }> = [];
  // B-T only when there is a seal, a TSA, and every file got its timestamp in time.
  let timestamped = Boolean(seal && deps.config.tsaUrl);
  let promoted: string[] = [];
  try {
    if (seal) {
      for (const f of files) {
        const pdf = opts.bytes?.get(f.sha256) ?? (await readFileBytes(deps, f.sha256));
        const out = await sealPdfBytes(pdf, seal.key, f, { issuerName: issuer.name, notation: doc.notation!, at, image: seal.image }, { url: deps.config.tsaUrl, timeoutMs: deps.config.tsaTimeoutMs }, deps.log);
        if (!out.timestamped) timestamped = false;
        sealed.push({ file: f, staged: await stageBytes(deps, out.bytes) });
      }
    }
    const issued = await deps.db.transaction(async (tx) => {
      const locked = await loadDocument(tx, doc.id, { forUpdate: true });
      if (locked.status !== 'issuing') return null;
      for (const s of sealed) {
        promoted.push(...(await replaceFileContents(deps, tx, { fileId: s.file.id, expectedSha256: s.file.sha256, staged: s.staged })));
      }
      let signature: ReturnType<typeof summarise> = 'unsigned';
      const now = new Map(sealed.map((x) => [x.file.id, x.staged.sha256]));
      for (const f of files) {
        const sha = now.get(f.id) ?? f.sha256;
        const verdicts = await fileSignatureVerdicts(deps, tx, sha, () => readFileBytes(deps, sha));
        if (f.role === 'main') signature = summarise(verdicts);
      }
      const delivered = await insertDeliveries(tx, { documentId: doc.id, recipientUnitIds: doc.recipients, at: deps.clock() });
      // Recipients served by other systems get the document as one edXML package through the axis,
      // sent after commit by the exchange worker; their systems ring their own flash alarms.
      const remote = new Map((await findActiveUnits(tx, doc.recipients)).filter(isExternal).map((u) => [u.id, u.code]));
      const row = await markIssued(tx, actor, locked, deps.clock(), { sealed: Boolean(seal), signature, timestamped });
      await recordDeliveriesCreated(tx, {
        documentId: doc.id, issuerUnitId: issuer.id, at: deps.clock(), actor, deliveries: delivered,
        document: { subject: doc.subject, urgency: doc.urgency, issuerName: issuer.name },
      });
      if (doc.urgency === 'flash') await scheduleAlarms(deps, tx, delivered.filter((d) => !remote.has(d.recipientUnitId)).map((d) => d.id), deps.clock());
      await queueDocumentPackage(tx, { documentId: doc.id, toOrganIds: [...remote.values()], businessDocType: doc.replaces ? 3 : 0, at: deps.clock() });
      if (doc.replaces) await recallReplaced(tx, { oldId: doc.replaces, by: { id: doc.id, notation: doc.notation! }, issuerUnitId: issuer.id, at, actor });
      return row;
    });
    if (!issued) {
      await Promise.all(sealed.map((s) => deps.store.discard(s.staged)));
      return { doc: await loadDocument(deps.db, doc.id), timestamped: false, finished: false };
    }
    return { doc: issued, timestamped, finished: true };
  } catch (err) {
    await Promise.all(sealed.map((s) => deps.store.discard(s.staged).catch(() => {})));
    await forgetUnreferenced(deps, promoted);
    promoted = [];
    throw err;
  }
}

/**
 * Documents numbered more than `graceMs` ago and still `issuing` — their request died between
 * numbering and delivery — are sealed and delivered now. Run at start and periodically; safe on
 * several replicas at once (finishIssue is idempotent).
 */
export async function finishInterruptedIssues(deps: Deps, graceMs = 2 * 60_000): Promise<number> {
  const stuck = await listStuckIssuing(deps.db, new Date(deps.clock().getTime() - graceMs), 20);
  let n = 0;
  for (const d of stuck) {
    try {
      if ((await finishIssue(deps, d.id)).finished) n++;
    } catch (err) {
      deps.log.error({ err, documentId: d.id }, 'could not finish an interrupted issue; will retry');
    }
  }
  return n;
}
