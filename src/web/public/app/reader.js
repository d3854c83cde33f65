// @ts-check
// One document: its header, the plain signature verdict, the PDF in the page and what the person
// may do with it (acknowledge, accept/refuse, direct and assign, sign, issue, track). Which buttons
// show is the server's `can` on the document and on the caller's delivery, never the app's own
// reading of roles (a deputy holding a delegation signs or assigns like the leader).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, hasRole, session, units } from './api.js';
import { fmtDate, t } from './i18n.js';
import { DraftFlow, DraftHistory, leaving } from './draft-view.js';
import { HandlingView } from './handling-view.js';
import { AssignForm, SignPanel } from './leader.js';
import { on, signal } from './live.js';
import { PdfViewer, prefetchFirstPage } from './pdfview.js';
import { ErrorBox, ExternalBadge, html, Loading, Meta, onValue, StatusBadge, toast, UrgencyBadge, useAction } from './ui.js';
/** @import { Delivery, Document, DocumentDetail, HeaderSignature, Unit } from './types' */

/** Issuers looked for again in a fresh unit list (once each). @type {Set<string>} */
const refetchedIssuers = new Set();

/**
 * "Chữ ký hợp lệ — <signers>", "Chữ ký không hợp lệ" or "Chưa được ký số", for the main file.
 * @param {{ signatures: DocumentDetail['signatures'] | undefined }} props
 */
export function Verdict({ signatures }) {
  const main = (signatures ?? []).filter((s) => s.role === 'main');
  if (main.length === 0) return html`<div class="verdict verdict-none" data-verdict="unsigned">${t('sigNone')}</div>`;
  const revoked = main.some((s) => s.revocation === 'revoked');
  const invalid = revoked || main.some((s) => s.integrity === 'invalid');
  const untrusted = !invalid && main.some((s) => s.trust !== 'trusted');
  const indeterminate = !invalid && !untrusted && main.some((s) => s.revocation === 'unknown');
  const signers = main.map((s) => s.signer ?? s.signerOrganization).filter(Boolean).join(', ');
  const kind = invalid ? 'invalid' : untrusted ? 'untrusted' : indeterminate ? 'indeterminate' : 'valid';
  const headline = revoked ? t('sigRevoked') : invalid ? t('sigInvalid') : untrusted ? t('sigUntrusted') : indeterminate ? `${t('sigIndeterminate')} — ${signers}` : `${t('sigValid')} — ${signers}`;
  return html`<div class=${`verdict verdict-${kind}`} data-verdict=${kind}>
    <p class="verdict-head">${kind === 'valid' ? '✔ ' : '⚠ '}${headline}</p>
    <details>
      <summary>${t('sigDetails')}</summary>
      <ul>${main.map((s) => html`<li>${s.signer ?? s.signerOrganization ?? '?'} — ${s.revocation === 'revoked' ? t('sigRevoked') : s.integrity === 'valid' && s.trust === 'trusted' ? (s.revocation === 'unknown' ? t('sigIndeterminate') : t('sigValid')) : s.integrity === 'invalid' ? t('sigInvalid') : t('sigUntrusted')}${s.signedAt ? ` (${t('sigAt')} ${fmtDate(s.signedAt)})` : ''}</li>`)}</ul>
    </details>
  </div>`;
}

/**
 * The seal on the edXML header of a document received from another system (its `document.received`
 * event): "Gói tin có chữ ký số của cơ quan gửi", "Gói tin không có chữ ký số", or what is wrong.
 * @param {{ events: DocumentDetail['events'] }} props
 */
export function HeaderSeal({ events }) {
  const received = events.find((e) => e.type === 'document.received');
  const sig = /** @type {HeaderSignature | null | undefined} */ (received?.data?.headerSignature);
  if (!sig) return null;
  const kind = !sig.signed ? 'unsigned' : sig.valid === false ? 'invalid' : sig.valid && sig.trusted ? 'valid' : 'untrusted';
  const words = { unsigned: 'headerUnsigned', invalid: 'headerInvalid', valid: 'headerSigned', untrusted: 'headerUntrusted' }[kind];
  const css = kind === 'unsigned' ? 'none' : kind;
  return html`<div class=${`verdict verdict-${css} verdict-header`} data-header-seal=${kind}>
    <p class="verdict-head">${kind === 'valid' ? '✔ ' : kind === 'unsigned' ? '' : '⚠ '}${t(words)}</p>
    ${kind !== 'valid' && sig.problems?.length > 0 && html`<ul class="verdict-problems">${sig.problems.map((p) => html`<li>${p}</li>`)}</ul>`}
  </div>`;
}

/**
 * A recipient's copy: its state, and the buttons its `can` allows.
 * @param {{ delivery: Delivery, doc: Document, onChange: () => void }} props
 */
function RecipientActions({ delivery, doc, onChange }) {
  const { busy, error, run } = useAction();
  const [refusing, setRefusing] = useState(false);
  const [reason, setReason] = useState('');
  /**
   * @param {string} path
   * @param {unknown} body
   * @param {string | ((answer: { incomingNumber?: number }) => string)} message
   */
  const post = (path, body, message) => run(async () => {
    /** @type {{ incomingNumber?: number }} */
    const r = await api(`/api/deliveries/${delivery.deliveryId}/${path}`, { method: 'POST', body });
    toast(typeof message === 'function' ? message(r) : message);
    setRefusing(false);
    setReason('');
    signal('inbox-changed', { deliveryId: delivery.deliveryId });
    onChange();
  });
  const can = delivery.can ?? {};
  // Not a button but a hint: why a leader sees no assignment form yet.
  const waitForClerk = !can.accept && delivery.status === 'delivered' && hasRole('leader');
  return html`<div class="actions">
    <p class="state-line"><${StatusBadge} status=${delivery.status} />
      ${delivery.acknowledgedAt && html`<span class="badge badge-ack">${t('acknowledged')}</span>`}
      ${delivery.incomingNumber && html`<span>${t('incomingNumber')}: ${delivery.incomingNumber}</span>`}</p>
    ${can.acknowledge && html`<button type="button" class="btn btn-primary btn-block" disabled=${busy}
      onClick=${() => post('acknowledge', undefined, t('acknowledged'))}>${t('ackButton')}</button>`}
    ${(can.accept || can.refuse) && html`<div class="row">
      ${can.accept && html`<button type="button" class="btn btn-primary" disabled=${busy} onClick=${() => post('accept', undefined, (r) => t('accepted', { n: r.incomingNumber }))}>${t('accept')}</button>`}
      ${can.refuse && html`<button type="button" class="btn" disabled=${busy} onClick=${() => setRefusing(!refusing)}>${t('refuse')}</button>`}
    </div>`}
    ${refusing && can.refuse && html`<form class="panel" onSubmit=${(/** @type {SubmitEvent} */ e) => { e.preventDefault(); post('refuse', { reason }, t('status.refused')); }}>
      <label class="field">${t('refuseReason')}<textarea required rows="2" value=${reason} onInput=${onValue(setReason)}></textarea></label>
      <button type="submit" class="btn btn-danger" disabled=${busy || !reason.trim()}>${t('refuse')}</button>
    </form>`}
    <${ErrorBox} error=${error} />
    ${can.assign && html`<${AssignForm} deliveryId=${delivery.deliveryId} dueDate=${doc.dueDate} onDone=${onChange} />`}
    ${waitForClerk && html`<p class="notice">${t('needAccept')}</p>`}
  </div>`;
}

/**
 * The issuing unit's view: sign and issue a draft as its `can` allows; track it once issued. A
 * draft no leader signed is issued only after the clerk confirms it ("Văn bản chưa được lãnh đạo ký
 * số …"); a number and date the server could not write onto the page (`stamped: false`) is said.
 * @param {{ doc: Document, signatures: DocumentDetail['signatures'], onChange: () => void }} props
 */
function IssuerActions({ doc, signatures, onChange }) {
  const { busy, error, run } = useAction();
  const can = doc.can ?? {};
  // Before issue every signature on the main file is a leader's (the seal comes with the number).
  const leaderSigned = Boolean(doc.signedBy) || signatures.some((s) => s.role === 'main');
  const issue = () => run(async () => {
    if (!confirm(leaderSigned ? t('confirmIssue', { n: doc.recipients.length }) : t('confirmUnsigned'))) return;
    /** @type {{ document: Document, stamped?: boolean }} */
    const r = await api(`/api/documents/${doc.id}/issue`, { method: 'POST', body: {} });
    toast(t('issued', { notation: r.document.notation }));
    if (r.stamped === false || r.document.stamped === false) toast(t('notStamped'));
    location.hash = `#/tracking/${doc.id}`;
  });
  return html`<div class="actions">
    ${can.sign && html`<${SignPanel} documentId=${doc.id} onDone=${onChange} />`}
    ${can.issue && !leaderSigned && html`<p class="notice" data-unsigned="1">${t('unsignedNote')}</p>`}
    ${can.issue && html`<button type="button" class="btn btn-primary btn-block" disabled=${busy} onClick=${issue}>${t('issue')}</button>`}
    ${doc.status !== 'draft' && html`<a class="btn btn-block" href=${`#/tracking/${doc.id}`}>${t('tracking')}</a>`}
    <${ErrorBox} error=${error} />
  </div>`;
}

/** @param {{ id: string, deliveryId?: string }} props `deliveryId`: the link's (the server sends the caller's own) */
export function Reader({ id }) {
  const [data, setData] = useState(/** @type {DocumentDetail | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [fileId, setFileId] = useState(/** @type {string | null} */ (null));
  const [issuerUnit, setIssuerUnit] = useState(/** @type {Unit | null} */ (null));
  // The document on screen now: an answer (or failure) for one left meanwhile is dropped, so a slow
  // reload of the previous document cannot replace the one just opened.
  const current = useRef(id);
  current.current = id;
  const load = async () => {
    const asked = id;
    try {
      /** @type {DocumentDetail} */
      const r = await api(`/api/documents/${id}`);
      if (current.current !== asked) return;
      setData(r);
      setError(null);
      setFileId((f) => f ?? r.files.find((x) => x.role === 'main')?.id ?? r.files[0]?.id ?? null);
      // On a slow link page 1's image is the wait: ask for it now, not once the viewer is drawn.
      const first = r.files.find((x) => x.role === 'main') ?? r.files[0];
      if (first && !data) prefetchFirstPage(`/api/documents/${id}/files/${first.id}/pages`, `/api/documents/${id}/files/${first.id}?v=${first.sha256}`);
      // The issuer, ours or another system's (a sender first seen after the list was fetched: fetch it again, once).
      const issuerId = r.document.issuerUnitId;
      const find = (/** @type {Unit[]} */ all) => all.find((u) => u.id === issuerId);
      units().then(async (all) => {
        let unit = find(all);
        if (!unit && !refetchedIssuers.has(issuerId)) {
          refetchedIssuers.add(issuerId);
          unit = find(await units(true));
        }
        setIssuerUnit(unit ?? null);
      }).catch(() => {});
    } catch (err) {
      if (current.current === asked) setError(err);
    }
  };
  useEffect(() => {
    setData(null);
    setError(null);
    setFileId(null);
    setIssuerUnit(null);
    leaving.delete(id); // opened again: follow it again
    load();
    /** @type {Array<'delivery:updated' | 'draft:updated' | 'synced'>} */
    const events = ['delivery:updated', 'draft:updated', 'synced'];
    const offs = events.map((n) => on(n, (p) => (!p.documentId || p.documentId === id) && !leaving.has(id) && load()));
    return () => offs.forEach((off) => off());
  }, [id]);

  if (error && !data) return html`<section class="view"><${ErrorBox} error=${error} onRetry=${load} offlineText=${t('notCachedOffline')} /></section>`;
  if (!data) return html`<section class="view"><${Loading} /></section>`;
  const doc = data.document;
  // A draft is shown only to the people of its flow (author, reviewer, the issuer's leaders and clerks).
  const issuer = doc.issuerUnitId === session.user?.unitId || doc.status === 'draft';
  const delivery = issuer ? null : data.delivery;
  const file = data.files.find((f) => f.id === fileId);
  return html`<article class="view reader" aria-labelledby="doc-title">
    <p class="back"><a class="btn btn-link" href=${issuer ? '#/outbox' : '#/inbox'}>← ${t('back')}</a></p>
    <p class="doc-badges"><${UrgencyBadge} urgency=${doc.urgency} />
      ${doc.secrecy !== 'none' && html`<span class="badge badge-flash">${t(`secrecy.${doc.secrecy}`)}</span>`}
      ${issuer && html`<${StatusBadge} status=${doc.status} prefix="doc" />`}
      <${ExternalBadge} unit=${issuerUnit} /></p>
    <h1 id="doc-title" class="doc-title">${doc.subject}</h1>
    <div class="metas">
      <${Meta} label=${t('notation')} value=${doc.notation} />
      <${Meta} label=${t('from')} value=${doc.senderName ?? doc.issuer?.name ?? issuerUnit?.name} />
      <${Meta} label=${t('issuedAt')} value=${doc.issuedAt} date="day" />
      <${Meta} label=${t('dueDate')} value=${doc.dueDate} date="day" />
    </div>
    ${issuerUnit?.external && html`<${HeaderSeal} events=${data.events} />`}
    <${Verdict} signatures=${data.signatures} />
    ${delivery && html`<${RecipientActions} delivery=${delivery} doc=${doc} onChange=${load} />`}
    ${!issuer && html`<${HandlingView} documentId=${doc.id} stamp=${data.events.length} />`}
    ${doc.status === 'draft' && html`<${DraftFlow} data=${data} onChange=${load} />`}
    ${issuer && html`<${IssuerActions} doc=${doc} signatures=${data.signatures} onChange=${load} />`}
    ${data.files.length > 1 && html`<div class="tabs" role="group" aria-label=${t('files')}>
      ${data.files.map((f) => html`<button type="button" class=${`tab ${f.id === fileId ? 'tab-on' : ''}`} aria-pressed=${f.id === fileId}
        onClick=${() => setFileId(f.id)}>${f.role === 'main' ? t('mainFile') : t('appendix')}: ${f.name}</button>`)}
    </div>`}
    ${file && html`<${PdfViewer} key=${file.id} url=${`/api/documents/${doc.id}/files/${file.id}?v=${file.sha256}`} name=${file.name} size=${file.size}
      pages=${`/api/documents/${doc.id}/files/${file.id}/pages`} textUrl=${`/api/documents/${doc.id}/files/${file.id}/text`} />`}
    ${issuer && html`<${DraftHistory} data=${data} onChange=${load} />`}
  </article>`;
}
