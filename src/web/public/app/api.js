// @ts-check
// The HTTP API (docs/api.md) with the session token; errors carry the server's message in the UI language.
import { getLang, t } from './i18n.js';
/** @import { Role, Unit, User } from './types' */

/** @typedef {{ token: string | null, user: User | null }} Session */

/** @type {Set<(s: Session) => void>} */
const listeners = new Set();
/** @type {Session} */
export const session = {
  token: localStorage.getItem('lt.token'),
  user: JSON.parse(localStorage.getItem('lt.user') ?? 'null'),
};

/** Called with the new session whenever someone logs in or out. @param {(s: Session) => void} fn */
export function onSession(fn) {
  listeners.add(fn);
  return () => void listeners.delete(fn);
}

/** Forgets every copy of documents and API answers kept on this device. */
export async function purgeDeviceCopies() {
  localStorage.removeItem('lt.docs');
  localStorage.removeItem('lt.meetingDocs');
  if ('caches' in window) for (const name of ['lt-api', 'lt-docs']) await caches.delete(name).catch(() => {});
}

/** @param {string | null} token @param {User | null} user */
export function setSession(token, user) {
  // Another person on this device must not see the previous one's saved documents.
  const previous = localStorage.getItem('lt.userId');
  if (user && previous && previous !== user.id) purgeDeviceCopies();
  if (user) localStorage.setItem('lt.userId', user.id);
  session.token = token;
  session.user = user;
  if (token) {
    localStorage.setItem('lt.token', token);
    localStorage.setItem('lt.user', JSON.stringify(user));
  } else {
    localStorage.removeItem('lt.token');
    localStorage.removeItem('lt.user');
  }
  for (const fn of listeners) fn(session);
}

/**
 * Logs out: ends the session on the server (this token stops working, its socket is closed), then
 * forgets the token and every copy of documents and API answers kept on this device.
 */
let loggingOut = false;

export async function logout() {
  // This device stops receiving the person's flash alarms.
  const endpoint = await pushEndpoint();
  if (endpoint) await api('/api/push/subscriptions', { method: 'DELETE', body: { endpoint } }).catch(() => {});
  // Offline or already ended: the device forgets the token anyway; it expires on the server. While
  // it ends, screens reacting to it (the socket closing) send nothing: their requests would only
  // meet a 401 and read as an expired session.
  if (session.token) {
    loggingOut = true;
    try {
      await api('/api/auth/logout', { method: 'POST' }).catch(() => {});
    } finally {
      loggingOut = false;
    }
  }
  setSession(null, null);
  sessionStorage.removeItem(RETURN_KEY);
  for (const key of Object.keys(localStorage)) if (key.startsWith('lt.last')) localStorage.removeItem(key);
  localStorage.removeItem('lt.userId');
  await purgeDeviceCopies();
}

async function pushEndpoint() {
  try {
    const reg = await navigator.serviceWorker?.getRegistration();
    const sub = await reg?.pushManager?.getSubscription();
    if (sub) await sub.unsubscribe();
    return sub?.endpoint ?? '';
  } catch {
    return '';
  }
}

/** An answer other than 2xx: `status` 0 when the network is down, `code` the server's error code. */
export class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** @type {Set<(ok: boolean) => void>} */
const networkListeners = new Set();
/**
 * Told `true` when the server answered, `false` when only the network's absence (or a saved copy) did.
 * @param {(ok: boolean) => void} fn
 */
export function onNetwork(fn) {
  networkListeners.add(fn);
  return () => void networkListeners.delete(fn);
}
const network = (/** @type {boolean} */ ok) => networkListeners.forEach((fn) => fn(ok));

/** @returns {Record<string, string>} */
export const authHeaders = () => (session.token ? { authorization: `Bearer ${session.token}` } : {});

/** Where the person was when the session ended (sessionStorage: this tab, kept across a reload). */
const RETURN_KEY = 'lt.returnTo';

/** The server no longer accepts the token: remember the screen, then back to the login page. */
function expired() {
  if (!session.token) return;
  const hash = location.hash.startsWith('#/login') ? '' : location.hash;
  sessionStorage.setItem(RETURN_KEY, JSON.stringify({ hash, userId: session.user?.id ?? null }));
  setSession(null, null);
}

/** Whether the login page is shown because the session expired (it then says so). */
export const sessionExpired = () => sessionStorage.getItem(RETURN_KEY) !== null;

/**
 * After logging in again: the screen to go back to (the same person only), and forgets it.
 * @param {string} userId
 */
export function takeReturn(userId) {
  /** @type {{ hash?: string, userId?: string | null } | null} */
  let saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(RETURN_KEY) ?? 'null');
  } catch {}
  sessionStorage.removeItem(RETURN_KEY);
  return saved?.hash && (!saved.userId || saved.userId === userId) ? saved.hash : null;
}

/** @param {Response} res */
async function failure(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {}
  if (res.status === 401) expired();
  // The service worker's answer when offline with no saved copy: said in the page's language.
  if (body?.error?.code === 'offline' && res.headers.get('x-lt-offline') === '1') return new ApiError(0, 'offline', t('offlineNotSaved'));
  return new ApiError(res.status, body?.error?.code ?? 'error', body?.error?.message ?? `HTTP ${res.status}`);
}

/**
 * JSON request; `body` objects are sent as JSON. Throws ApiError (status 0 when the network is down).
 * The answer's type `T` comes from where it goes: a variable's or a cast's JSDoc type (else `unknown`).
 * @template [T=unknown]
 * @param {string} path
 * @param {{ method?: string, body?: unknown, headers?: Record<string, string> }} [options]
 * @returns {Promise<T>}
 */
export async function api(path, { method = 'GET', body, headers = {} } = {}) {
  if (loggingOut && path !== '/api/auth/logout') throw new ApiError(0, 'logging_out', t('loggingOut'));
  /** @type {Record<string, string>} */
  const h = { ...authHeaders(), 'accept-language': getLang(), ...headers };
  if (body !== undefined && !(body instanceof FormData)) h['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers: h, body: body === undefined || body instanceof FormData ? body : JSON.stringify(body) });
  } catch {
    network(false);
    throw new ApiError(0, 'network', t('networkError'));
  }
  network(res.headers.get('x-lt-offline') !== '1');
  if (!res.ok) throw await failure(res);
  if (res.status === 204) return /** @type {T} */ (null);
  return res.json();
}

/**
 * A multipart upload with progress (0…1) through XMLHttpRequest, which reports bytes sent.
 * @template [T=unknown]
 * @param {string} path
 * @param {FormData} form
 * @param {(fraction: number) => void} onProgress
 * @returns {Promise<T>}
 */
export function upload(path, form, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    for (const [k, v] of Object.entries({ ...authHeaders(), 'accept-language': getLang() })) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiError(0, 'network', t('networkError')));
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {}
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(body);
      } else {
        if (xhr.status === 401) expired();
        reject(new ApiError(xhr.status, body?.error?.code ?? 'error', body?.error?.message ?? `HTTP ${xhr.status}`));
      }
    };
    xhr.send(form);
  });
}

/** @type {Promise<Unit[]> | null} */
let unitsPromise = null;
/**
 * The unit list with the units of other systems on the exchange axis (`external`), fetched once per
 * session (the tree rarely changes); `fresh` fetches it again (a sender not yet in the list).
 * @returns {Promise<Unit[]>}
 */
export function units(fresh = false) {
  if (fresh) unitsPromise = null;
  unitsPromise ??= /** @type {Promise<{ units: Unit[] }>} */ (api('/api/units?external=1')).then((r) => r.units, (e) => {
    unitsPromise = null;
    throw e;
  });
  return unitsPromise;
}
onSession(() => (unitsPromise = null));

/** Whether the person has one of `roles` (for what to list, never for which buttons to show: see `can`). */
export const hasRole = (/** @type {Role[]} */ ...roles) => Boolean(session.user?.roles?.some((r) => roles.includes(r)));
