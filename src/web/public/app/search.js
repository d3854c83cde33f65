// @ts-check
// Tìm văn bản: the search box of the inbox and the outbox (GET /api/search). Results as you type —
// 250 ms after the last key, the request in flight aborted when the words change, and an answer
// that is no longer the latest never shown; the direction is the screen's and can be switched to
// "Tất cả"; filters in a collapsible panel; the snippet's matches drawn as <mark> from text nodes
// (the server sends plain text and offsets, never HTML). Search needs the network: offline it says so.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, authHeaders, onSession, session, setSession, units } from './api.js';
import { ALL_DOC_TYPES, docTypeName, docTypesFor, fmtDate, getLang, t } from './i18n.js';
import { docHref, ErrorBox, html, onValue, UrgencyBadge } from './ui.js';
/** @import { ComponentChildren } from 'preact' */
/** @import { Page, SearchDirection, SearchItem, Unit, Urgency } from './types' */

const LIMIT = 20;
const DEBOUNCE_MS = 250;
/** @type {Urgency[]} */
const URGENCIES = ['normal', 'urgent', 'very_urgent', 'flash'];
/** Incoming: the status of the unit's own copy; otherwise the document's. */
/** @type {Record<'incoming' | 'other', Array<[code: string, key: string]>>} */
const STATUSES = {
  incoming: ['delivered', 'accepted', 'assigned', 'in_progress', 'completed', 'refused'].map((s) => [s, `status.${s}`]),
  other: [['issued', 'doc.issued'], ['recalled', 'doc.recalled']],
};
/** Text states meaning the files' words cannot be found (yet): "chưa nhận dạng chữ". */
const NOT_READ = new Set(['pending', 'no_ocr', 'failed']);

/** @typedef {{ type: string, urgency: string, status: string, from: string, to: string }} Filters */
/** @type {Filters} */
const NO_FILTERS = { type: '', urgency: '', status: '', from: '', to: '' };

/** What each screen's box held, so coming back from a document finds the same search; forgotten at log-in/out. */
/** @type {Map<string, { q: string, dir: SearchDirection | '', filters: Filters }>} */
const remembered = new Map();
onSession(() => remembered.clear());

/** The query string, or '' when there is nothing to search for (the server needs a letter or digit). */
/** @param {string} q @param {SearchDirection | ''} dir @param {Filters} f */
function searchParams(q, dir, f) {
  if (!/[\p{L}\p{N}]/u.test(q)) return '';
  const p = new URLSearchParams({ q: q.trim(), limit: String(LIMIT) });
  if (dir) p.set('direction', dir);
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
  return p.toString();
}

/**
 * One page of results. Throws ApiError (status 0 when offline, or when only the service worker's
 * saved copy answered: old results would mislead) or the fetch's AbortError.
 * @param {string} query @param {AbortSignal} signal
 * @returns {Promise<Page<SearchItem>>}
 */
async function fetchPage(query, signal) {
  let res;
  try {
    res = await fetch(`/api/search?${query}`, { headers: { ...authHeaders(), 'accept-language': getLang() }, signal });
  } catch (err) {
    if (signal.aborted) throw err;
    throw new ApiError(0, 'offline', t('searchOffline'));
  }
  if (res.headers.get('x-lt-offline') === '1') throw new ApiError(0, 'offline', t('searchOffline'));
  if (res.ok) return res.json();
  /** @type {{ error?: { code?: string, message?: string } } | null} */
  const body = await res.json().catch(() => null);
  if (res.status === 401 && session.token) setSession(null, null);
  throw new ApiError(res.status, body?.error?.code ?? 'error', body?.error?.message ?? `HTTP ${res.status}`);
}

/**
 * `text` with the ranges [start, end) marked: strings and <mark> elements, i.e. text nodes only.
 * @param {{ text: string, ranges: Array<[number, number]> }} props
 */
export function Marked({ text, ranges }) {
  /** @type {unknown[]} */
  const parts = [];
  let at = 0;
  const sorted = ranges.map(([a, b]) => /** @type {[number, number]} */ ([Math.max(0, a), Math.min(text.length, b)])).sort((x, y) => x[0] - y[0]);
  for (const [a, b] of sorted) {
    const start = Math.max(a, at);
    if (b <= start) continue;
    if (start > at) parts.push(text.slice(at, start));
    parts.push(html`<mark>${text.slice(start, b)}</mark>`);
    at = b;
  }
  if (at < text.length) parts.push(text.slice(at));
  return html`${parts}`;
}

/** @param {{ item: SearchItem, unitById: Map<string, Unit>, showDirection: boolean }} props */
function Result({ item, unitById, showDirection }) {
  const d = item.document;
  const snippet = item.snippet ?? '';
  const ranges = item.highlights ?? [];
  const issuer = d.issuer?.name ?? d.senderName ?? (d.issuerUnitId ? unitById.get(d.issuerUnitId)?.name : '') ?? '';
  // The field the snippet is (subject, number, issuer) is drawn marked in place; any other snippet on its own line.
  const shown = (/** @type {string} */ text) => (text && text === snippet ? html`<${Marked} text=${text} ranges=${ranges} />` : text);
  const inPlace = [d.subject, d.notation ?? '', issuer].includes(snippet);
  const textState = item.textState ?? d.textState;
  const meta = [d.notation ? shown(d.notation) : d.number ? String(d.number) : '', shown(issuer), fmtDate(d.issuedAt ?? d.createdAt, false)].filter(Boolean);
  return html`<li>
    <a class="card doc-item search-item" href=${docHref(d.id, item.deliveryId)} data-document=${d.id} data-matched=${item.matchedIn}>
      <span class="doc-badges">
        <${UrgencyBadge} urgency=${d.urgency} />
        ${showDirection && html`<span class="badge">${t(`searchDir.${item.direction}`)}</span>`}
        ${item.matchedIn && html`<span class="badge badge-match">${t(`matched.${item.matchedIn}`)}</span>`}
        ${textState && NOT_READ.has(textState) && html`<span class="badge badge-notext" title=${t('textNotReadHint')} data-text-state=${textState}>${t('textNotRead')}</span>`}
      </span>
      <span class="doc-subject">${shown(d.subject)}</span>
      <span class="doc-meta">${meta.map((m, i) => html`${i ? ' · ' : ''}${m}`)}</span>
      ${snippet && !inPlace && html`<span class="snippet"><${Marked} text=${snippet} ranges=${ranges} /></span>`}
    </a>
  </li>`;
}

/** @param {{ dir: SearchDirection | '', filters: Filters, set: (f: Filters) => void, types: Array<[string, string]> }} props */
function FilterPanel({ dir, filters, set, types }) {
  const count = Object.values(filters).filter(Boolean).length;
  const field = (/** @type {keyof Filters} */ k) => onValue((v) => set({ ...filters, [k]: v }));
  const statuses = dir === 'incoming' ? STATUSES.incoming : STATUSES.other;
  return html`<details class="panel search-filters">
    <summary>${count ? t('searchFiltersOn', { n: count }) : t('searchFilters')}</summary>
    <div class="search-grid">
      <label class="field">${t('type')}
        <select value=${filters.type} onChange=${field('type')}>
          <option value="">${t('anyType')}</option>
          ${types.map(([code]) => html`<option value=${code}>${docTypeName(code, true)}${code === 'CV' ? '' : ` (${code})`}</option>`)}
        </select>
      </label>
      <label class="field">${t('urgency')}
        <select value=${filters.urgency} onChange=${field('urgency')}>
          <option value="">${t('anyUrgency')}</option>
          ${URGENCIES.map((u) => html`<option value=${u}>${t(`urgency.${u}`)}</option>`)}
        </select>
      </label>
      <label class="field">${t('searchStatus')}
        <select value=${filters.status} onChange=${field('status')}>
          <option value="">${t('anyStatus')}</option>
          ${statuses.map(([code, key]) => html`<option value=${code}>${t(key)}</option>`)}
        </select>
      </label>
      <label class="field field-date">${t('dateFrom')}<input type="date" value=${filters.from} max=${filters.to || undefined} onChange=${field('from')} /></label>
      <label class="field field-date">${t('dateTo')}<input type="date" value=${filters.to} min=${filters.from || undefined} onChange=${field('to')} /></label>
    </div>
    ${count > 0 && html`<button type="button" class="btn btn-small" onClick=${() => set(NO_FILTERS)}>${t('clearFilters')}</button>`}
  </details>`;
}

/**
 * The search box over a list: while words are typed the results replace `children` (the list).
 * @param {{ direction: SearchDirection, children?: ComponentChildren }} props
 */
export function Search({ direction, children }) {
  const saved = remembered.get(direction);
  const [q, setQ] = useState(saved?.q ?? '');
  const [dir, setDir] = useState(/** @type {SearchDirection | ''} */ (saved?.dir ?? direction));
  const [filters, setFilters] = useState(saved?.filters ?? NO_FILTERS);
  // The answer on screen and the query it answers (kept, dimmed, while a newer one is on its way).
  const [shown, setShown] = useState(/** @type {(Page<SearchItem> & { query: string }) | null} */ (null));
  const [failure, setFailure] = useState(/** @type {{ query: string, error: unknown, more: boolean } | null} */ (null));
  const [moreBusy, setMoreBusy] = useState(false);
  const [online, setOnline] = useState(navigator.onLine);
  const [unitList, setUnitList] = useState(/** @type {Unit[]} */ ([]));
  const inFlight = useRef(/** @type {AbortController | null} */ (null));
  // Bumped whenever the words or filters change: an answer to an older number is dropped.
  const generation = useRef(0);
  const query = searchParams(q, dir, filters);

  useEffect(() => {
    units().then(setUnitList, () => {});
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
      inFlight.current?.abort();
    };
  }, []);

  /** Asks for the first page (`cursor` null) or the next one of `query`. @param {number} gen @param {string | null} cursor */
  const run = async (gen, cursor) => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    const asked = query;
    if (cursor) setMoreBusy(true);
    else setFailure(null);
    try {
      const page = await fetchPage(cursor ? `${asked}&cursor=${encodeURIComponent(cursor)}` : asked, controller.signal);
      if (gen !== generation.current) return;
      setShown((prev) => (cursor && prev?.query === asked ? { query: asked, items: [...prev.items, ...page.items], nextCursor: page.nextCursor } : { query: asked, ...page }));
      setFailure(null);
    } catch (error) {
      if (gen === generation.current && !controller.signal.aborted) setFailure({ query: asked, error, more: Boolean(cursor) });
    } finally {
      if (gen === generation.current) setMoreBusy(false);
    }
  };

  useEffect(() => {
    remembered.set(direction, { q, dir, filters });
    const gen = ++generation.current;
    inFlight.current?.abort();
    setMoreBusy(false);
    if (!query) {
      setShown(null);
      setFailure(null);
      return undefined;
    }
    if (!online) {
      setFailure({ query, error: new ApiError(0, 'offline', t('searchOffline')), more: false });
      return undefined;
    }
    const timer = setTimeout(() => run(gen, null), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query, online]);

  const own = unitList.find((u) => u.id === session.user?.unitId);
  const types = useMemo(() => (dir === 'outgoing' ? docTypesFor(own?.kind) : ALL_DOC_TYPES), [dir, own?.kind]);
  const unitById = useMemo(() => new Map(unitList.map((u) => [u.id, u])), [unitList]);
  const changeDir = (/** @type {SearchDirection | ''} */ next) => {
    setDir(next);
    // A delivery status means nothing for outgoing documents, and a document status little for incoming ones.
    if ((next === 'incoming') !== (dir === 'incoming')) setFilters((f) => ({ ...f, status: '' }));
  };
  const onKeyDown = (/** @type {KeyboardEvent} */ e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      setQ('');
    }
  };
  const failed = failure?.query === query ? failure : null;
  const offline = failed?.error instanceof ApiError && failed.error.status === 0;
  const fresh = shown?.query === query;
  const busy = Boolean(query) && ((!fresh && !failed) || moreBusy);
  // A failed first page hides older results; a failed "Xem thêm" keeps what was found.
  const list = shown && (!failed || failed.more) ? shown : null;
  /** @type {Array<[SearchDirection | '', string]>} the screen's own first */
  const dirs = direction === 'incoming'
    ? [['incoming', 'navInbox'], ['outgoing', 'navOutbox'], ['', 'searchDirAll']]
    : [['outgoing', 'navOutbox'], ['incoming', 'navInbox'], ['', 'searchDirAll']];

  return html`<div class="search" role="search" data-direction=${direction}>
    <div class="search-box">
      <input type="search" class="search-input" value=${q} onInput=${onValue(setQ)} onKeyDown=${onKeyDown}
        aria-label=${t('searchLabel')} placeholder=${t('searchPlaceholder')} autocomplete="off" autocapitalize="off" spellcheck=${false} enterkeyhint="search" />
      ${q && html`<button type="button" class="btn btn-small" onClick=${() => setQ('')} aria-label=${t('searchClear')}>✕</button>`}
    </div>
    ${query && html`<div class="tabs search-dirs" role="group" aria-label=${t('searchDirection')}>
      ${dirs.map(([value, key]) => html`<button type="button" class=${`tab ${dir === value ? 'tab-on' : ''}`} aria-pressed=${dir === value} onClick=${() => changeDir(value)}>${t(key)}</button>`)}
    </div>
    <${FilterPanel} dir=${dir} filters=${filters} set=${setFilters} types=${types} />`}
  </div>
  ${!query ? children : html`<div class="search-results" aria-busy=${busy} data-query=${q.trim()}>
    ${offline ? html`<p class="notice" role="status" data-offline="1">${t('searchOffline')}</p>` : html`<${ErrorBox} error=${failed?.error} onRetry=${() => run(generation.current, null)} />`}
    ${busy && !fresh && html`<p class="muted" role="status">${t('searching')}</p>`}
    ${list && fresh && list.items.length === 0 && html`<p class="muted" role="status" data-empty="1">${t('searchEmpty', { q: q.trim() })}</p>`}
    ${list && list.items.length > 0 && html`${fresh && html`<p class="muted search-count" role="status">${t(list.nextCursor ? 'searchShownMore' : 'searchShown', { n: list.items.length })}</p>`}
      <ul class=${`list ${fresh ? '' : 'search-stale'}`}>${list.items.map((item) => html`<${Result} key=${item.document.id} item=${item} unitById=${unitById} showDirection=${dir === ''} />`)}</ul>`}
    ${list && fresh && list.nextCursor && html`<button type="button" class="btn btn-block" disabled=${busy} onClick=${() => list.nextCursor && run(generation.current, list.nextCursor)}>${t('more')}</button>`}
  </div>`}`;
}
