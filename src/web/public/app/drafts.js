// @ts-check
// "Chờ tôi xử lý": the drafts whose turn is the caller's — handed to them to review or sign
// (GET /api/documents?awaiting=me), their own drafts returned for rework, and for a clerk the signed
// drafts waiting for a number. One shared list feeds the screen and the count on the bottom
// navigation; it is fetched again on draft:awaiting / draft:updated pushes and after a catch-up.
import { useEffect, useState } from 'preact/hooks';
import { api, onSession, session } from './api.js';
import { fmtDate, t } from './i18n.js';
import { on } from './live.js';
import { ErrorBox, html, Loading, toast, UrgencyBadge } from './ui.js';
/** @import { AwaitingItem, Document, Page } from './types' */

/** @typedef {{ items: AwaitingItem[] | null, error: unknown }} AwaitingState */

/** @type {AwaitingState} */
let state = { items: null, error: null };
/** @type {Set<(s: AwaitingState) => void>} */
const listeners = new Set();
/** @type {number | undefined} */
let timer;
let generation = 0;

/** @param {AwaitingState} next */
function publish(next) {
  state = next;
  for (const fn of listeners) fn(state);
}

/** Fetches the list again (both sources at once; the newer answer wins). */
export async function refreshAwaiting() {
  if (!session.token) return;
  const mine = ++generation;
  try {
    const [waiting, outbox] = await Promise.all([
      /** @type {Promise<{ items: AwaitingItem[] }>} */ (api('/api/documents?awaiting=me')),
      /** @type {Promise<Page<Document>>} */ (api('/api/outbox?limit=100')).catch(() => ({ items: [], nextCursor: null })),
    ]);
    const me = session.user?.id;
    const seen = new Set(waiting.items.map((d) => d.id));
    // Not "awaiting" anyone on the server, but still someone's turn: the author's returned draft,
    // and a signed draft the clerk numbers and issues.
    const more = outbox.items.filter((d) => d.status === 'draft' && !seen.has(d.id)
      && ((d.flowState === 'returned' && d.authorId === me) || (d.flowState === 'signed' && d.can?.issue)));
    if (mine === generation) publish({ items: [...waiting.items, ...more], error: null });
  } catch (error) {
    if (mine === generation) publish({ items: state.items, error });
  }
}

const soon = () => {
  clearTimeout(timer);
  timer = setTimeout(refreshAwaiting, 150);
};

let wired = false;
/** Starts listening for the pushes that change the list (once per page). */
function wire() {
  if (wired) return;
  wired = true;
  for (const name of /** @type {const} */ (['draft:awaiting', 'draft:updated', 'synced', 'drafts-changed'])) on(name, soon);
  on('draft:awaiting', (p) => p.live && toast(t('newAwaiting', { subject: p.subject })));
  onSession((s) => {
    publish({ items: null, error: null });
    if (s.token) soon();
  });
}

/** The shared list, fetched on first use. @returns {AwaitingState} */
export function useAwaiting() {
  const [s, setS] = useState(state);
  useEffect(() => {
    wire();
    listeners.add(setS);
    if (state.items === null) refreshAwaiting();
    else setS(state);
    return () => void listeners.delete(setS);
  }, []);
  return s;
}

/** @param {AwaitingItem['from']} from */
const fromName = (from) => (typeof from === 'string' ? from : from?.fullName || from?.name || '');

/** The count on the bottom navigation (nothing when zero). */
export function AwaitingBadge() {
  const { items } = useAwaiting();
  const n = items?.length ?? 0;
  if (n === 0) return null;
  return html`<span class="nav-badge" data-awaiting=${n} aria-label=${t('awaitingCount', { n })}>${n}</span>`;
}

export function Awaiting() {
  const { items, error } = useAwaiting();
  return html`<section class="view" aria-labelledby="awaiting-title">
    <div class="view-head">
      <h1 id="awaiting-title">${t('awaitingTitle')}</h1>
      <button type="button" class="btn btn-small" onClick=${refreshAwaiting}>${t('refresh')}</button>
    </div>
    <${ErrorBox} error=${error} onRetry=${refreshAwaiting} />
    ${items === null ? (error ? null : html`<${Loading} />`) : items.length === 0 ? html`<p class="muted">${t('awaitingEmpty')}</p>` : html`<ul class="list" data-list="awaiting">
      ${items.map((d) => html`<li key=${d.id}>
        <a class="card doc-item" href=${`#/documents/${d.id}`} data-document=${d.id}>
          <span class="doc-badges"><${UrgencyBadge} urgency=${d.urgency} />
            <span class=${`badge badge-flow badge-flow-${d.flowState ?? 'drafting'}`}>${t(`flow.${d.flowState ?? 'drafting'}`)}</span></span>
          <span class="doc-subject">${d.subject}</span>
          <span class="doc-meta">${[fromName(d.from) && t('awaitingFrom', { name: fromName(d.from) }), fmtDate(d.since ?? d.createdAt)].filter(Boolean).join(' · ')}</span>
        </a>
      </li>`)}
    </ul>`}
  </section>`;
}
