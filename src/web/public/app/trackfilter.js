// @ts-check
// The top of the tracking page for many recipients: a summary of where they stand (đã nhận / chưa
// nhận / đã vào sổ / quá hạn / đã báo lãnh đạo / đã nhắn tin), each count a filter, an order
// ("chưa nhận" first by default, by name, by latest update) and the list as CSV for Excel.
import { authHeaders } from './api.js';
import { fmtDate, getLang, t } from './i18n.js';
import { ErrorBox, html, onValue, useAction } from './ui.js';
/** @import { TrackingRow } from './types' */

/**
 * Each state of a recipient, as the summary counts it. "Đã nhận": someone of the recipient opened
 * or acknowledged it, or its clerk acted on it (the server's CSV uses the same rule).
 * @type {Record<string, (d: TrackingRow) => boolean>}
 */
export const STATES = {
  received: (d) => Boolean(d.readAt || d.acknowledgedAt) || !['delivered', 'recalled'].includes(d.status),
  pending: (d) => !STATES.received?.(d),
  registered: (d) => Boolean(d.acceptedAt),
  overdue: (d) => Boolean(d.overdue),
  escalated: (d) => Boolean(d.escalatedAt),
  messaged: (d) => (d.notifications ?? []).some((n) => n.status === 'sent'),
};
const ORDER = ['pending', 'received', 'registered', 'overdue', 'escalated', 'messaged'];

/** The latest thing that happened to a delivery (ISO time). @param {TrackingRow} d */
const lastUpdate = (d) => [d.deliveredAt, d.readAt, d.acknowledgedAt, d.acceptedAt, d.assignedAt, d.completedAt, d.refusedAt, d.recalledAt, d.escalatedAt]
  .filter((x) => typeof x === 'string').sort().pop() ?? '';

/**
 * The rows in a state (`all`: every one), in the order asked.
 * @template {TrackingRow} R
 * @param {R[]} rows
 * @param {string} filter
 * @param {string} sort pending | name | time
 * @returns {R[]}
 */
export function arrange(rows, filter, sort) {
  const name = new Intl.Collator(getLang()).compare;
  const keep = filter === 'all' ? rows : rows.filter((d) => STATES[filter]?.(d));
  const byName = (/** @type {R} */ a, /** @type {R} */ b) => name(a.unit.name, b.unit.name);
  if (sort === 'time') return [...keep].sort((a, b) => lastUpdate(b).localeCompare(lastUpdate(a)) || byName(a, b));
  if (sort === 'name') return [...keep].sort(byName);
  const pending = STATES.pending ?? (() => false);
  return [...keep].sort((a, b) => Number(pending(b)) - Number(pending(a)) || byName(a, b));
}

/** Fetches the CSV with the session's token and hands it to the browser as a download. @param {string} id */
async function downloadCsv(id) {
  const res = await fetch(`/api/documents/${id}/tracking.csv`, { headers: { ...authHeaders(), 'accept-language': getLang() } });
  if (!res.ok) throw new Error(t('error', { message: `HTTP ${res.status}` }));
  const a = document.createElement('a');
  a.href = URL.createObjectURL(await res.blob());
  a.download = `theo-doi-${id}.csv`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/**
 * @param {{ id: string, rows: TrackingRow[], dueDate: string | null | undefined, filter: string, setFilter: (f: string) => void,
 *   sort: string, setSort: (s: string) => void, shown: number }} props
 */
export function TrackSummary({ id, rows, dueDate, filter, setFilter, sort, setSort, shown }) {
  const { busy, error, run } = useAction();
  const tile = (/** @type {string} */ key, /** @type {number} */ n) => html`<button type="button" key=${key} class=${`track-tile track-tile-${key}${filter === key ? ' tile-on' : ''}`}
    data-state=${key} data-count=${n} aria-pressed=${filter === key} onClick=${() => setFilter(filter === key ? 'all' : key)}>
    <strong>${n}</strong><span>${t(`tr.${key}`)}</span></button>`;
  return html`<div class="track-summary" aria-live="polite">
    ${dueDate && html`<p class="muted">${t('tr.due', { date: fmtDate(dueDate, false) })}</p>`}
    <div class="track-tiles" role="group" aria-label=${t('tr.all')}>
      ${tile('all', rows.length)}
      ${ORDER.map((key) => tile(key, rows.filter((d) => STATES[key]?.(d)).length))}
    </div>
    <div class="track-tools">
      <label class="field">${t('tr.sort')}
        <select value=${sort} onChange=${onValue(setSort)}>
          <option value="pending">${t('tr.sortPending')}</option>
          <option value="name">${t('tr.sortName')}</option>
          <option value="time">${t('tr.sortTime')}</option>
        </select>
      </label>
      <button type="button" class="btn btn-small" disabled=${busy} onClick=${() => run(() => downloadCsv(id))}>⬇ ${t('tr.csv')}</button>
    </div>
    <p class="muted" data-shown=${shown}>${shown === 0 ? t('tr.none') : t('tr.showing', { n: shown, total: rows.length })}</p>
    <${ErrorBox} error=${error} />
  </div>`;
}
