// @ts-check
// Shared pieces: htm bound to preact, the hash router, badges, messages and toasts.
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';
import { fmtDate, t } from './i18n.js';
/** @import { Unit, Urgency } from './types' */

/** Tagged templates for preact: html`<${Component} prop=${value} />`. */
export const html = htm.bind(h);

/** The current route from location.hash: `#/documents/abc?d=1` → {path: ['documents','abc'], query}. */
export function parseRoute() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [p = '', q = ''] = raw.split('?');
  return { path: p.split('/').filter(Boolean).map(decodeURIComponent), query: Object.fromEntries(new URLSearchParams(q)) };
}

/** @typedef {ReturnType<typeof parseRoute>} Route */

/** @returns {Route} */
export function useRoute() {
  const [route, setRoute] = useState(parseRoute);
  useEffect(() => {
    const fn = () => setRoute(parseRoute());
    window.addEventListener('hashchange', fn);
    return () => window.removeEventListener('hashchange', fn);
  }, []);
  return route;
}

/** @param {string} hash */
export const go = (hash) => {
  if (location.hash !== hash) location.hash = hash;
};

/** @param {string} id @param {string | null} [deliveryId] */
export const docHref = (id, deliveryId) => `#/documents/${id}${deliveryId ? `?d=${deliveryId}` : ''}`;

/** @param {{ urgency?: Urgency | null }} props */
export function UrgencyBadge({ urgency }) {
  if (!urgency || urgency === 'normal') return null;
  return html`<span class=${`badge badge-${urgency}`}>${t(`urgency.${urgency}`)}</span>`;
}

/** @param {{ status: string, prefix?: string }} props */
export function StatusBadge({ status, prefix = 'status' }) {
  return html`<span class=${`badge badge-status badge-${status}`}>${t(`${prefix}.${status}`)}</span>`;
}

/**
 * "Liên thông — <system>": the document came from a unit of another system on the exchange axis.
 * @param {{ unit: Unit | null | undefined }} props
 */
export function ExternalBadge({ unit }) {
  if (!unit?.external) return null;
  return html`<span class="badge badge-ext" data-external="1">${t('interSystemFrom', { system: unit.systemName || unit.systemId || t('otherSystem') })}</span>`;
}

/** Offline with no saved copy (ApiError code 'offline'): a plain notice, not a failure. */
export const isOffline = (/** @type {unknown} */ error) => /** @type {{ code?: unknown } | null} */ (error)?.code === 'offline';

/** @param {{ error: unknown, onRetry?: () => unknown, offlineText?: string }} props */
export function ErrorBox({ error, onRetry, offlineText }) {
  if (!error) return null;
  if (isOffline(error)) {
    return html`<div class="notice" role="status" data-offline="1">
      <p>${offlineText ?? errorMessage(error)}</p>
      ${onRetry && html`<button type="button" class="btn" onClick=${onRetry}>${t('retry')}</button>`}
    </div>`;
  }
  return html`<div class="notice notice-error" role="alert">
    <p>${t('error', { message: errorMessage(error) })}</p>
    ${onRetry && html`<button type="button" class="btn" onClick=${onRetry}>${t('retry')}</button>`}
  </div>`;
}

/** The message of a thrown value (an Error's, or the value as text). */
export const errorMessage = (/** @type {unknown} */ error) => (error instanceof Error ? error.message : String(error));

export function Loading() {
  return html`<p class="muted" role="status">${t('loading')}</p>`;
}

/** A labelled key/value line of a document's header. */
/** @param {{ label: string, value: string | number | null | undefined, date?: 'day' | boolean }} props */
export function Meta({ label, value, date }) {
  if (!value) return null;
  return html`<div class="meta"><span class="meta-label">${label}</span><span>${date ? fmtDate(String(value), date !== 'day') : value}</span></div>`;
}

/** A one-line progress bar with an accessible value (0…1). */
/** @param {{ value: number | null | undefined, label: string }} props */
export function Progress({ value, label }) {
  const pct = Math.round((value ?? 0) * 100);
  return html`<div class="progress-wrap">
    <div class="progress" role="progressbar" aria-label=${label} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${pct}>
      <div class="progress-bar" style=${{ width: `${pct}%` }}></div>
    </div>
    <span class="progress-text">${label} — ${pct}%</span>
  </div>`;
}

/** @type {Set<(message: string) => void>} */
const toastListeners = new Set();
/** A short message at the bottom of the screen (also read out by screen readers). */
/** @param {string} message */
export function toast(message) {
  for (const fn of toastListeners) fn(message);
}

export function Toasts() {
  const [items, setItems] = useState(/** @type {Array<{ id: number, message: string }>} */ ([]));
  useEffect(() => {
    /** @param {string} message */
    const fn = (message) => {
      const id = Math.random();
      setItems((xs) => [...xs.slice(-2), { id, message }]);
      setTimeout(() => setItems((xs) => xs.filter((x) => x.id !== id)), 4000);
    };
    toastListeners.add(fn);
    return () => void toastListeners.delete(fn);
  }, []);
  return html`<div class="toasts" role="status" aria-live="polite">${items.map((x) => html`<p class="toast" key=${x.id}>${x.message}</p>`)}</div>`;
}

/** Runs an async action with a busy flag and an error, for buttons. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(/** @type {unknown} */ (null));
  /**
   * @template T
   * @param {() => Promise<T>} fn
   * @returns {Promise<T | undefined>}
   */
  const run = async (fn) => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, setError };
}

/**
 * A JSON resource loaded on mount and on demand (`reload`).
 * @template T
 * @param {() => Promise<T>} load
 * @param {unknown[]} deps
 */
export function useResource(load, deps) {
  const [state, setState] = useState(/** @type {{ data: T | null, error: unknown, loading: boolean }} */ ({ data: null, error: null, loading: true }));
  const reload = async () => {
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await load();
      setState({ data, error: null, loading: false });
      return data;
    } catch (error) {
      setState((s) => ({ data: s.data, error, loading: false }));
      return undefined;
    }
  };
  useEffect(() => {
    reload();
  }, deps);
  return { ...state, reload };
}

/** An input handler giving the field's text: `onInput=${onValue(setName)}`. */
export const onValue = (/** @type {(value: string) => void} */ set) => (/** @type {Event} */ e) =>
  set(/** @type {HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement} */ (e.currentTarget).value);

/** A checkbox handler giving whether it is ticked: `onChange=${onChecked(setDone)}`. */
export const onChecked = (/** @type {(checked: boolean) => void} */ set) => (/** @type {Event} */ e) =>
  set(/** @type {HTMLInputElement} */ (e.currentTarget).checked);
