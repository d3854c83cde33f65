// @ts-check
// Văn bản đi: the unit's drafts (with where each stands in trình ký; a dead one deleted here) and
// issued documents, and per-recipient tracking that updates live.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.js';
import { fmtDate, getLang, t } from './i18n.js';
import { on, signal } from './live.js';
import { Search } from './search.js';
import { arrange, TrackSummary } from './trackfilter.js';
import { ErrorBox, html, Loading, StatusBadge, toast, UrgencyBadge, useAction, useResource } from './ui.js';
/** @import { AppEvents, Document, DocumentDetail, Page, TrackingRow, TransportState } from './types' */

/**
 * A recipient on another system: how far its package got on the axis ("đang chuyển", "đã chuyển",
 * "lỗi chuyển"), as a badge's colour.
 * @type {Record<TransportState, string>}
 */
const TRANSPORT_CSS = { queued: 'moving', sent: 'moving', delivered: 'done', failed: 'failed' };

/** Deletes a draft nobody will issue, after asking. @param {{ doc: Document, onDone: () => void }} props */
function DeleteDraft({ doc, onDone }) {
  const { busy, error, run } = useAction();
  const remove = () => run(async () => {
    if (!confirm(t('confirmDelete', { subject: doc.subject }))) return;
    await api(`/api/documents/${doc.id}`, { method: 'DELETE' });
    toast(t('deleted'));
    signal('drafts-changed', { documentId: doc.id });
    onDone();
  });
  return html`<button type="button" class="btn btn-small btn-delete" disabled=${busy} onClick=${remove}
    aria-label=${`${t('deleteDraft')}: ${doc.subject}`}>${t('deleteDraft')}</button><${ErrorBox} error=${error} />`;
}

export function Outbox() {
  const { data, error, reload } = useResource(() => /** @type {Promise<Page<Document>>} */ (api('/api/outbox?limit=50')), []);
  useEffect(() => {
    /** @type {number | undefined} */
    let timer;
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(reload, 150);
    };
    const offs = [on('synced', soon), on('draft:updated', soon)];
    return () => {
      offs.forEach((off) => off());
      clearTimeout(timer);
    };
  }, []);
  return html`<section class="view" aria-labelledby="outbox-title">
    <div class="view-head">
      <h1 id="outbox-title">${t('navOutbox')}</h1>
      <button type="button" class="btn btn-small" onClick=${reload}>${t('refresh')}</button>
    </div>
    <${Search} direction="outgoing">
    <${ErrorBox} error=${error} onRetry=${reload} />
    ${!data ? (error ? null : html`<${Loading} />`) : data.items.length === 0 ? html`<p class="muted">${t('outboxEmpty')}</p>` : html`<ul class="list">
      ${data.items.map((d) => html`<li key=${d.id} class="outbox-item" data-document=${d.id} data-flow=${d.status === 'draft' ? d.flowState ?? 'drafting' : undefined}>
        <a class="card doc-item" href=${d.status === 'draft' ? `#/documents/${d.id}` : `#/tracking/${d.id}`}>
          <span class="doc-badges"><${UrgencyBadge} urgency=${d.urgency} /><${StatusBadge} status=${d.status} prefix="doc" />
            ${d.status === 'draft' && d.flowState && html`<span class=${`badge badge-flow badge-flow-${d.flowState}`}>${t(`flow.${d.flowState}`)}</span>`}</span>
          <span class="doc-subject">${d.subject}</span>
          <span class="doc-meta">${[d.notation, fmtDate(d.issuedAt ?? d.createdAt)].filter(Boolean).join(' · ')}</span>
        </a>
        ${d.status === 'draft' && d.can?.delete && html`<${DeleteDraft} doc=${d} onDone=${reload} />`}
      </li>`)}
    </ul>`}
    </${Search}>
  </section>`;
}

/**
 * What a recipient has done, in words: the furthest step and its time.
 * @param {TrackingRow} d
 * @returns {Array<[key: string, at: string]>}
 */
function steps(d) {
  return /** @type {Array<[string, string | null]>} */ ([
    ['read', d.readAt], ['acknowledged', d.acknowledgedAt], ['status.accepted', d.acceptedAt], ['status.assigned', d.assignedAt],
    ['status.completed', d.completedAt], ['status.refused', d.refusedAt], ['status.recalled', d.recalledAt], ['escalated', d.escalatedAt],
  ]).filter(/** @returns {x is [string, string]} */ (x) => Boolean(x[1]));
}

/**
 * A unit the recipient opened the document to by naming it in its assignment (tracking `shares`).
 * @typedef {{ unitId: string, unitName: string, at: string, by: string | null, byUnitId: string }} Share
 * @typedef {TrackingRow & { shares?: Share[] }} TrackingRowWithShares
 */

/** "Also opened to …": the words, in the language on screen. @param {Share[]} shares */
function sharedWords(shares) {
  const list = shares.map((s) => `${s.unitName} (${fmtDate(s.at)})`).join('; ');
  return getLang() === 'en' ? `Opened by the recipient to: ${list}` : `Đơn vị nhận đã chia sẻ cho: ${list}`;
}

/** @param {{ id: string }} props */
export function Tracking({ id }) {
  const [doc, setDoc] = useState(/** @type {Document | null} */ (null));
  // Issued, but the number and date could not be written onto the page (no "Số:"/date line found).
  const [unstamped, setUnstamped] = useState(false);
  const tracking = useResource(() => /** @type {Promise<{ deliveries: TrackingRowWithShares[], dueDate?: string | null }>} */ (api(`/api/documents/${id}/tracking`)), [id]);
  // Which recipients are listed (a summary state, or all) and in what order ("chưa nhận" first).
  const [filter, setFilter] = useState('all');
  const [sort, setSort] = useState('pending');
  const timer = useRef(/** @type {number | undefined} */ (undefined));
  useEffect(() => {
    /** @type {Promise<DocumentDetail>} */ (api(`/api/documents/${id}`)).then((r) => {
      setDoc(r.document);
      setUnstamped(r.document.stamped === false || r.events.some((e) => e.type === 'document.issued' && e.data?.stamped === false));
    }, () => {});
    const soon = (/** @type {AppEvents['delivery:updated' | 'synced']} */ p) => {
      if (p.documentId && p.documentId !== id) return;
      clearTimeout(timer.current);
      timer.current = setTimeout(tracking.reload, 100);
    };
    const offs = [on('delivery:updated', soon), on('synced', soon)];
    return () => {
      offs.forEach((off) => off());
      clearTimeout(timer.current);
    };
  }, [id]);
  const rows = tracking.data?.deliveries ?? [];
  // A package still on its way to another system: its transport is looked at again every 30 s.
  const moving = rows.some((d) => d.transport === 'queued' || d.transport === 'sent');
  useEffect(() => {
    if (!moving) return undefined;
    const every = setInterval(tracking.reload, 30_000);
    return () => clearInterval(every);
  }, [moving, id]);
  const shown = arrange(rows, filter, sort);
  return html`<section class="view" aria-labelledby="tracking-title">
    <p class="back"><a class="btn btn-link" href="#/outbox">← ${t('back')}</a></p>
    <h1 id="tracking-title">${t('trackingTitle')}</h1>
    ${doc && html`<p class="doc-subject"><${UrgencyBadge} urgency=${doc.urgency} /> ${doc.notation ? `${doc.notation} — ` : ''}${doc.subject}</p>
      <p class="back"><a class="btn btn-link" href=${`#/documents/${id}`}>${t('mainFile')} →</a></p>`}
    ${unstamped && html`<p class="notice notice-error" data-stamped="0">${t('notStamped')}</p>`}
    <${ErrorBox} error=${tracking.error} onRetry=${tracking.reload} />
    ${!tracking.data && !tracking.error && html`<${Loading} />`}
    ${rows.length > 0 && html`<${TrackSummary} id=${id} rows=${rows} dueDate=${tracking.data?.dueDate} filter=${filter} setFilter=${setFilter}
      sort=${sort} setSort=${setSort} shown=${shown.length} />`}
    <ul class="list">
      ${shown.map((d) => html`<li key=${d.deliveryId} class="card track" data-unit=${d.unit.code} data-status=${d.status} data-read=${d.readAt ? '1' : '0'}
        data-transport=${d.transport} data-overdue=${d.overdue ? '1' : undefined}>
        <span class="track-unit">${d.unit.name}</span>
        ${d.redirectedFrom && html`<p class="muted track-redirected" data-from=${d.redirectedFrom.unitId}>${t('redirectedTo', { unit: d.unit.name, from: d.redirectedFrom.name })}</p>`}
        ${d.unit.external && html`<span class="doc-meta">${d.unit.systemName || d.unit.systemId} · ${t('otherSystem')}</span>`}
        <span class="doc-badges"><${StatusBadge} status=${d.status} />
          ${d.transport && html`<span class=${`badge badge-transport badge-transport-${TRANSPORT_CSS[d.transport] ?? 'moving'}`}
            title=${d.transport === 'failed' && d.transportReason ? t('transportReason', { reason: d.transportReason }) : t('transportLabel')}>
            ${t(`transport.${d.transport}`)}</span>`}
          ${d.readAt ? html`<span class="badge badge-ack">${t('read')}</span>` : html`<span class="badge badge-unread">${t('unread')}</span>`}
          ${d.incomingNumber && html`<span class="badge">${t('incomingNumber')}: ${d.incomingNumber}</span>`}
          ${d.overdue && html`<span class="badge badge-overdue">${t('tr.overdue')}</span>`}</span>
        <ul class="steps">${steps(d).map(([k, at]) => html`<li>${t(k)}: ${fmtDate(at)}</li>`)}</ul>
        ${d.shares && d.shares.length > 0 && html`<p class="muted track-shares" data-shares=${d.shares.length}>${sharedWords(d.shares)}</p>`}
        ${(d.notifications ?? []).filter((n) => n.status === 'sent' || n.status === 'failed').map((n) => html`<p class="muted track-notified" data-channel=${n.channel} data-status=${n.status}>
          ${n.status === 'failed' ? t('notifyFailed') : t(n.channel === 'sms' ? 'tr.messagedAt' : 'mailedAt', { at: fmtDate(n.at), time: fmtDate(n.at) })}${n.person ? ` · ${n.person}` : ''} (${n.to})</p>`)}
        ${d.refusalReason && html`<p class="muted">${t('refuseReason')}: ${d.refusalReason}</p>`}
        ${d.transport === 'failed' && d.transportReason && html`<p class="transport-reason">${t('transportReason', { reason: d.transportReason })}</p>`}
      </li>`)}
    </ul>
  </section>`;
}
