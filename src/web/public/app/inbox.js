// @ts-check
// Văn bản đến: unacknowledged flash first, then newest; live updates; pull down to refresh.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, hasRole, units } from './api.js';
import { fmtDate, t } from './i18n.js';
import { on } from './live.js';
import { Search } from './search.js';
import { docHref, ErrorBox, ExternalBadge, html, Loading, StatusBadge, toast, UrgencyBadge } from './ui.js';
/** @import { AppEventName, InboxItem as Item, Page, SignatureSummary, Unit } from './types' */

const PAGE = 30;

/** @type {Record<SignatureSummary, string>} every summary the server gives has its words */
const SIG = { valid: 'sigValid', invalid: 'sigInvalid', untrusted: 'sigUntrusted', indeterminate: 'sigIndeterminate', unsigned: 'sigNone' };

/** @param {{ item: Item, issuer?: Unit }} props `issuer`: the issuing unit from the unit list, when known */
function InboxItem({ item, issuer }) {
  const d = item.document;
  const pending = d.urgency === 'flash' && !item.acknowledgedAt;
  const cls = ['card', 'doc-item', pending ? 'card-flash' : '', item.readAt ? '' : 'unread'].join(' ');
  return html`<li>
    <a class=${cls} href=${docHref(d.id, item.deliveryId)} data-delivery=${item.deliveryId}>
      <span class="doc-badges">
        <${UrgencyBadge} urgency=${d.urgency} />
        <${StatusBadge} status=${item.status} />
        ${item.readAt ? null : html`<span class="badge badge-unread">${t('unread')}</span>`}
        ${item.acknowledgedAt && d.urgency === 'flash' ? html`<span class="badge badge-ack">${t('acknowledged')}</span>` : null}
        <${ExternalBadge} unit=${issuer} />
      </span>
      <span class="doc-subject">${d.subject}</span>
      <span class="doc-meta">${[d.notation, d.issuer?.name].filter(Boolean).join(' · ')}</span>
      <span class="doc-meta">${t('received')}: ${fmtDate(item.deliveredAt)}${item.incomingNumber ? ` · ${t('incomingNumber')}: ${item.incomingNumber}` : ''}</span>
      <span class=${`doc-sig sig-${item.signature}`}>${t(SIG[item.signature] ?? 'sigNone')}</span>
    </a>
  </li>`;
}

export function Inbox() {
  const [items, setItems] = useState(/** @type {Item[] | null} */ (null));
  const [cursor, setCursor] = useState(/** @type {string | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  const [pull, setPull] = useState(0);
  const touch = useRef(/** @type {number | null} */ (null));
  const timer = useRef(/** @type {number | undefined} */ (undefined));
  // The units (ours and other systems'), to tell which documents came over the exchange axis.
  const [unitById, setUnitById] = useState(/** @type {Map<string, Unit> | null} */ (null));
  const asked = useRef(false);
  const refetched = useRef(/** @type {Set<string>} */ (new Set()));
  useEffect(() => {
    if (!items) return;
    const keep = (/** @type {Unit[]} */ all) => setUnitById(new Map(all.map((u) => [u.id, u])));
    if (!unitById) {
      if (asked.current) return;
      asked.current = true;
      units().then(keep, () => (asked.current = false));
      return;
    }
    // A sender first seen after the list was fetched (a package registered by hand): fetch it again, once per sender.
    const unknown = items.map((i) => i.document.issuer?.id ?? '').filter((id) => id && !unitById.has(id) && !refetched.current.has(id));
    if (unknown.length === 0) return;
    for (const id of unknown) refetched.current.add(id);
    units(true).then(keep, () => {});
  }, [items, unitById]);

  const load = async () => {
    setBusy(true);
    try {
      /** @type {Page<Item>} */
      const r = await api(`/api/inbox?limit=${PAGE}`);
      setItems(r.items);
      setCursor(r.nextCursor);
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const more = async () => {
    if (!cursor) return;
    try {
      /** @type {Page<Item>} */
      const r = await api(`/api/inbox?limit=${PAGE}&cursor=${encodeURIComponent(cursor)}`);
      setItems((xs) => [...(xs ?? []), ...r.items]);
      setCursor(r.nextCursor);
    } catch (err) {
      setError(err);
    }
  };

  useEffect(() => {
    load();
    const soon = () => {
      clearTimeout(timer.current);
      timer.current = setTimeout(load, 120);
    };
    /** @type {AppEventName[]} */
    const names = ['delivery:new', 'urgent:alarm', 'inbox-changed', 'synced', 'assignment:new'];
    const offs = names.map((n) => on(n, soon));
    // Said out loud by screen readers too (the toast area is a polite live region).
    offs.push(on('delivery:new', (p) => p.live && p.urgency !== 'flash' && toast(t('newDelivery', { subject: p.subject }))));
    return () => {
      offs.forEach((off) => off());
      clearTimeout(timer.current);
    };
  }, []);

  const onTouchStart = (/** @type {TouchEvent} */ e) => {
    touch.current = window.scrollY <= 0 ? e.touches[0]?.clientY ?? null : null;
  };
  const onTouchMove = (/** @type {TouchEvent} */ e) => {
    const y = e.touches[0]?.clientY;
    if (touch.current === null || y === undefined) return;
    setPull(Math.max(0, Math.min(120, y - touch.current)));
  };
  const onTouchEnd = () => {
    if (pull > 70) load();
    touch.current = null;
    setPull(0);
  };

  return html`<section class="view" aria-labelledby="inbox-title" onTouchStart=${onTouchStart} onTouchMove=${onTouchMove} onTouchEnd=${onTouchEnd}>
    <div class="pull" style=${{ height: `${pull}px` }} aria-hidden="true">${pull > 0 ? t(pull > 70 ? 'releaseToRefresh' : 'pullToRefresh') : ''}</div>
    <div class="view-head">
      <h1 id="inbox-title">${t('navInbox')}</h1>
      <button type="button" class="btn btn-small" onClick=${load} disabled=${busy}>${t('refresh')}</button>
    </div>
    ${hasRole('clerk', 'leader') && html`<div class="row inbox-tools">
      ${hasRole('clerk') && html`<a class="btn" href="#/paper">${t('paperOpen')}</a>`}
      <a class="btn" href="#/secret">${t('secretOpen')}</a>
    </div>`}
    <${Search} direction="incoming">
    <${ErrorBox} error=${error} onRetry=${load} />
    ${items === null ? (error ? null : html`<${Loading} />`) : items.length === 0
      ? html`<p class="muted">${t('empty')}</p>`
      : html`<ul class="list">${items.map((i) => html`<${InboxItem} key=${i.deliveryId} item=${i} issuer=${i.document.issuer ? unitById?.get(i.document.issuer.id) : undefined} />`)}</ul>`}
    ${cursor && html`<button type="button" class="btn btn-block" onClick=${more}>${t('more')}</button>`}
    </${Search}>
  </section>`;
}
