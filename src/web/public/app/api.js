// The HTTP API (API.md) with the session token; errors carry the server's message in the UI language.
import { getLang, t } from './i18n.js';

const listeners = new Set();
export const session = {
  token: localStorage.getItem('lt.token'),
  user: JSON.parse(localStorage.getItem('lt.user') ?? 'null'),
};

/** Called with the new session whenever someone logs in or out. */
export function onSession(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Forgets every copy of documents and API answers kept on this device. */
export async function purgeDeviceCopies() {
  localStorage.removeItem('lt.docs');
  if ('caches' in window) for (const name of ['lt-api', 'lt-docs']) await caches.delete(name).catch(() => {});
}

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

/** Logs out: forgets the token and every copy of documents and API answers kept on this device. */
export async function logout() {
  // This device stops receiving the person's flash alarms.
  const endpoint = await pushEndpoint();
  if (endpoint) await api('/api/push/subscriptions', { method: 'DELETE', body: { endpoint } }).catch(() => {});
  setSession(null, null);
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

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const networkListeners = new Set();
/** Told `true` when the server answered, `false` when only the network's absence (or a saved copy) did. */
export function onNetwork(fn) {
  networkListeners.add(fn);
  return () => networkListeners.delete(fn);
}
const network = (ok) => networkListeners.forEach((fn) => fn(ok));

export const authHeaders = () => (session.token ? { authorization: `Bearer ${session.token}` } : {});

async function failure(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {}
  if (res.status === 401 && session.token) setSession(null, null);
  return new ApiError(res.status, body?.error?.code ?? 'error', body?.error?.message ?? `HTTP ${res.status}`);
}

/** JSON request; `body` objects are sent as JSON. Throws ApiError (status 0 when the network is down). */
export async function api(path, { method = 'GET', body, headers = {} } = {}) {
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
  if (res.status === 204) return null;
  return res.json();
}

/** A multipart upload with progress (0…1) through XMLHttpRequest, which reports bytes sent. */
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
        if (xhr.status === 401) setSession(null, null);
        reject(new ApiError(xhr.status, body?.error?.code ?? 'error', body?.error?.message ?? `HTTP ${xhr.status}`));
      }
    };
    xhr.send(form);
  });
}

/** The unit list, fetched once per session (the tree rarely changes). */
let unitsPromise = null;
export function units() {
  unitsPromise ??= api('/api/units').then((r) => r.units, (e) => {
    unitsPromise = null;
    throw e;
  });
  return unitsPromise;
}
onSession(() => (unitsPromise = null));

export const hasRole = (...roles) => Boolean(session.user?.roles?.some((r) => roles.includes(r)));
