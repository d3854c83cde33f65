import type { Deps } from '../lib/deps.js';
import type { Actor } from '../lib/actor.js';
import { badRequest } from '../lib/errors.js';
import type { StagedObject } from '../storage/object-store.js';
import { scheduleAlarms } from '../modules/dispatch/alarms.js';
import { insertDeliveries, recordDeliveriesCreated } from '../modules/dispatch/create-deliveries.js';
import { markRedirected, resolveRecipients } from '../modules/dispatch/redirect.js';
import { queueDocumentPackage } from '../modules/dispatch/outbound.js';
import { loadDocument, loadDraftFor, loadOwnDocument } from '../modules/documents/access.js';
import { forgetUnreferenced } from '../modules/documents/blobs.js';
import { listDocumentFiles, readFileBytes, replaceFileContents, stageBytes } from '../modules/documents/file-content.js';
import { checkIssuable, checkIssuableDraft, listStuckIssuing, markIssued, numberDraft } from '../modules/documents/issue-steps.js';
import { presentDocument, type DocumentRow, type FileRow } from '../modules/documents/present.js';
import { warmPreviews } from '../modules/documents/previews.js';
import { findActiveUnits, getUnit, isExternal, type Unit } from '../modules/orgs/units.js';
import { listDocumentEvents } from '../modules/events/service.js';
import { checkSealable, loadSealKey, sealPdfBytes, unsupportedPdf } from '../modules/signing/seal.js';
import { applyStamp, locateStamp, placeFromUnitName, type Placement, type StampLayout } from '../modules/signing/stamp.js';
import { fileSignatureVerdicts, summarise } from '../modules/signing/verdicts.js';
import { recallReplaced } from './recall-document.js';

/**
 * The secretary numbers and dispatches a draft.
 *
 * 1. Before anything is committed: the usual checks (clerk of the issuer, a draft, not secret,
 *    recipients, a main file), the seal key, where the number and date go on the main file (its
 *    text layer's "Số:" and "ngày … tháng … năm" lines, or the clerk's placements), and every
 *    file laid out for stamping and sealing — an encrypted or broken PDF, or a placement off the
 *    page, is a 422 and nothing changes.
 * 2. A short transaction takes the number from the unit's register and makes the document
 *    `issuing`; the stamp's layout is stored in its event, so finishing later does the same.
 *    Only this holds the unit's series lock, so a slow seal or time-stamp authority never
 *    stalls the unit's other issues. A committed number is never given back.
 * 3. Outside any lock the number and date are written onto the main file (annotations in an
 *    incremental update, after the leader's signature: signature-safe), then the seal signs
 *    every file (B-T, or B-B with `timestamped: false` when the TSA does not answer within
 *    TSA_TIMEOUT_SECONDS). A document whose page has no such lines (a scan) and no placements
 *    is issued unstamped: `stamped: false` in the issue event.
 * 4. One transaction delivers: the sealed files replace the drafts, every recipient unit gets its
 *    delivery, the events are written, flash alarms start, a replaced document is recalled.
 * If the process dies between 2 and 4, `finishInterruptedIssues` completes the document later.
 * Secret documents are never sent over the network (QĐ 28/2018).
 */
export interface IssueOptions {
  /** Where "Số: 01/QĐ-UBND" goes (baseline start); default: the blank after the page's own "Số:". */
  numberPlacement?: Placement | null;
  /** Where the date line goes; default: the blanks of the page's own "…, ngày … tháng … năm …". */
  datePlacement?: Placement | null;
}

export async function issueDocument(deps: Deps, actor: Actor, documentId: string, opts: IssueOptions = {}) {
  const at = deps.clock();
  // The clerk numbers what reached the issuer (a department's draft once handed on), as signing does.
  const draft = await loadDraftFor(deps.db, actor, documentId);
  checkIssuableDraft(actor, draft);
  const issuer = (await getUnit(deps.db, draft.issuerUnitId))!;
  const seal = await loadSealKey(deps, deps.db, { userId: actor.userId, unitId: issuer.id }, at);
  const bytes = new Map<string, Buffer>();
  let stamp: StampLayout | null = null;
  for (const f of await listDocumentFiles(deps.db, draft.id)) {
    if (f.role !== 'main' && !seal) continue;
    let pdf = await readFileBytes(deps, f.sha256);
    bytes.set(f.sha256, pdf);
    if (f.role === 'main') {
      stamp = await locateStamp(pdf, opts);
      // The dry run writes it too (with a number of the same shape), so a file that cannot take
      // the stamp fails here, before a number is taken; the seal is then laid out over the result.
      const sample = `00${stamp.number?.kind === 'line' && stamp.number.suffix ? stamp.number.suffix : '/XX-XXXX'}`;
      pdf = (await applyStamp(pdf, stamp, { notation: sample, at, placeName: placeOf(issuer) }).catch((err) => { throw unsupportedPdf(err, f.name); })).pdf;
    }
    if (seal) await checkSealable(pdf, f, { issuerName: issuer.name, at, image: seal.image });
  }
  const numbered = await deps.db.transaction(async (tx) => {
    const doc = await loadOwnDocument(tx, actor, documentId, { forUpdate: true });
    await checkIssuable(tx, actor, doc);
    return (await numberDraft(tx, actor, doc, at, stamp ? { stamp } : {})).doc;
  });
  const done = await finishIssue(deps, numbered.id, { bytes, numbered: { doc: numbered, issuer, seal, stamp } });
  // The readers' page images (issue 14), rendered once in the background before the first of them taps.
  void listDocumentFiles(deps.db, numbered.id).then((files) => {
    const main = files.find((f) => f.role === 'main');
    if (main) warmPreviews(deps, main);
  }, () => {});
  return { ...presentDocument(done.doc), timestamped: done.timestamped, stamped: done.stamped };
}

/** The optional body of an issue request: `{numberPlacement?, datePlacement?}`, each `{page, x, y}` (400 otherwise). */
export function issueOptionsOf(body: unknown): IssueOptions {
  if (body === undefined || body === null) return {};
  const bad = (what: string) => badRequest(
    `${what} phải là {page, x, y}: page là số nguyên (tính từ 0, âm tính từ cuối), x và y là số không âm (điểm PDF)`,
    `${what} must be {page, x, y}: page an integer (from 0, negative from the end), x and y non-negative numbers (PDF points)`,
  );
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('Nội dung yêu cầu phải là một đối tượng JSON', 'The request body must be a JSON object');
  const out: IssueOptions = {};
  for (const [key, p] of Object.entries(body)) {
    if (key !== 'numberPlacement' && key !== 'datePlacement') throw badRequest(`Trường không hợp lệ: ${key.slice(0, 40)}`, `Unknown field: ${key.slice(0, 40)}`);
    if (p === null || p === undefined) continue;
    const v = p as Record<string, unknown>;
    const finite = (k: string, min: number, max: number) => typeof v[k] === 'number' && Number.isFinite(v[k]) && (v[k] as number) >= min && (v[k] as number) <= max;
    if (typeof p !== 'object' || Object.keys(v).some((k) => !['page', 'x', 'y'].includes(k)) || !finite('page', -10_000, 10_000) || !Number.isInteger(v.page) || !finite('x', 0, 14_400) || !finite('y', 0, 14_400)) {
      throw bad(key);
    }
    out[key] = { page: v.page as number, x: v.x as number, y: v.y as number };
  }
  return out;
}

/** The place name in the date line: the unit's own, else derived from its name ("Xã Sơn Hà" → "Sơn Hà"). */
const placeOf = (unit: Unit) => unit.placeName?.trim() || placeFromUnitName(unit.name);

/** The stamp layout stored with the number (null for documents numbered before stamping existed). */
async function storedStamp(deps: Deps, doc: DocumentRow): Promise<StampLayout | null> {
  const events = await listDocumentEvents(deps.db, { documentId: doc.id, unitId: doc.issuerUnitId });
  const numbered = events.filter((e) => e.type === 'document.numbered').at(-1);
  const stamp = (numbered?.data as { stamp?: StampLayout } | null)?.stamp;
  return stamp && typeof stamp === 'object' ? stamp : null;
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
    numbered?: { doc: DocumentRow; issuer: Unit; seal: Awaited<ReturnType<typeof loadSealKey>>; stamp: StampLayout | null };
  } = {},
) {
  const doc = opts.numbered?.doc ?? (await loadDocument(deps.db, documentId));
  if (doc.status !== 'issuing') return { doc, timestamped: false, stamped: false, finished: false };
  const at = doc.issuedAt!;
  const actor = issuingClerk(doc);
  const issuer = opts.numbered?.issuer ?? (await getUnit(deps.db, doc.issuerUnitId))!;
  const seal = opts.numbered ? opts.numbered.seal : await loadSealKey(deps, deps.db, { userId: actor.userId, unitId: issuer.id }, at);
  const stamp = opts.numbered ? opts.numbered.stamp : await storedStamp(deps, doc);
  const files = await listDocumentFiles(deps.db, doc.id);
  const sealed: Array<{ file: FileRow; staged: StagedObject }> = [];
  let stamped = false;
  // B-T only when there is a seal, a TSA, and every file got its timestamp in time.
  let timestamped = Boolean(seal && deps.config.tsaUrl);
  let promoted: string[] = [];
  try {
    for (const f of files) {
      const stamping = f.role === 'main' && stamp;
      if (!seal && !stamping) continue;
      const original = opts.bytes?.get(f.sha256) ?? (await readFileBytes(deps, f.sha256));
      let pdf = original;
      if (stamping) {
        // The number and date before the seal, so the seal covers them. The dry run wrote the
        // same layout; should this still fail, the document is issued unstamped, never stuck.
        try {
          const out = await applyStamp(pdf, stamping, { notation: doc.notation!, at, placeName: placeOf(issuer) });
          if (out.pieces > 0) pdf = out.pdf;
          stamped = out.stamped;
        } catch (err) {
          deps.log.warn({ err, documentId: doc.id }, 'could not write the number and date onto the main file; issuing it unstamped');
        }
      }
      if (seal) {
        const out = await sealPdfBytes(pdf, seal.key, f, { issuerName: issuer.name, notation: doc.notation!, at, image: seal.image }, { url: deps.config.tsaUrl, timeoutMs: deps.config.tsaTimeoutMs }, deps.log);
        if (!out.timestamped) timestamped = false;
        pdf = out.bytes;
      }
      if (pdf !== original) sealed.push({ file: f, staged: await stageBytes(deps, pdf) });
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
      // A recipient merged or dissolved since the draft named it: its successor gets the document,
      // and the delivery says whom it was addressed to (the issuer's tracking shows it).
      const recipients = await resolveRecipients(tx, doc.recipients, doc.issuerUnitId);
      const delivered = await insertDeliveries(tx, { documentId: doc.id, recipientUnitIds: recipients.ids, at: deps.clock() });
      await markRedirected(tx, doc.id, recipients.redirectedFrom);
      // Recipients served by other systems get the document as one edXML package through the axis,
      // sent after commit by the exchange worker; their systems ring their own flash alarms.
      const remote = new Map((await findActiveUnits(tx, recipients.ids)).filter(isExternal).map((u) => [u.id, u.code]));
      const row = await markIssued(tx, actor, locked, deps.clock(), { sealed: Boolean(seal), signature, timestamped, stamped });
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
      return { doc: await loadDocument(deps.db, doc.id), timestamped: false, stamped: false, finished: false };
    }
    return { doc: issued, timestamped, stamped, finished: true };
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
