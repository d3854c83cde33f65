// @ts-check
// Real time over socket.io: pushes as they happen, and after every (re)connect a `sync` from the
// last event seen, so nothing is missed while the phone was out of coverage.
import { io } from 'socket.io-client';
import { api, onNetwork, session, setSession } from './api.js';
/** @import { Socket } from 'socket.io-client' */
/** @import { AppEventName, AppEvents, ConnectionStatus, PushName, SyncReply } from './types' */

/** @type {PushName[]} */
const PUSHES = ['delivery:new', 'delivery:updated', 'urgent:alarm', 'assignment:new', 'draft:awaiting', 'draft:updated', 'meeting:invited', 'meeting:changed', 'meeting:reminder', 'meeting:updated'];
/** @type {Map<string, Set<(data: any) => void>>} */
const handlers = new Map();

/**
 * Subscribe to a push name, 'synced' (a catch-up finished) or 'status' (connection state).
 * @template {AppEventName} N
 * @param {N} name
 * @param {(data: AppEvents[N]) => void} fn
 * @returns {() => void} unsubscribes
 */
export function on(name, fn) {
  let set = handlers.get(name);
  if (!set) handlers.set(name, (set = new Set()));
  set.add(fn);
  return () => void handlers.get(name)?.delete(fn);
}

/**
 * @template {AppEventName} N
 * @param {N} name
 * @param {AppEvents[N]} data
 */
function emit(name, data) {
  for (const fn of handlers.get(name) ?? []) {
    try {
      fn(data);
    } catch (err) {
      setTimeout(() => { throw err; });
    }
  }
}

/** A local event for other parts of the app (e.g. 'inbox-changed' after acknowledging). */
/**
 * @template {'inbox-changed' | 'drafts-changed'} N
 * @param {N} name
 * @param {AppEvents[N]} data
 */
export const signal = (name, data) => emit(name, data);

/** `lost`: a connection failed or dropped (not merely still connecting after start). */
/** @type {ConnectionStatus} */
export const status = { connected: false, lost: false, online: navigator.onLine };
/** @param {Partial<ConnectionStatus>} patch */
function setStatus(patch) {
  Object.assign(status, patch);
  emit('status', { ...status });
}

/** @type {Socket | null} */
let socket = null;
let last = 0;
/** `name:eventId` of the pushes handled: one event may push several names (draft:awaiting and draft:updated). @type {Set<string>} */
const seen = new Set();
const storageKey = () => `lt.lastEvent.${session.user?.id ?? ''}`;

/** @param {unknown} id */
function remember(id) {
  if (typeof id !== 'number' || id <= last) return;
  last = id;
  localStorage.setItem(storageKey(), String(id));
}

/**
 * One push, live or replayed by sync; the same push (name and eventId) is handled once.
 * @param {PushName} name
 * @param {{ eventId?: unknown }} data
 * @param {boolean} live
 */
function deliver(name, data, live) {
  if (data && typeof data.eventId === 'number') {
    const key = `${name}:${data.eventId}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (seen.size > 2000) seen.delete(/** @type {string} */ (seen.values().next().value));
    remember(data.eventId);
  }
  emit(name, /** @type {AppEvents[PushName]} */ ({ ...data, live }));
}

/** @type {Promise<void> | null} */
let syncing = null;
async function catchUp() {
  if (!socket) return;
  const s = socket;
  let since = last;
  for (let page = 0; page < 40 && s.connected; page++) {
    /** @type {SyncReply} */
    let reply;
    try {
      reply = await s.timeout(15000).emitWithAck('sync', { sinceEventId: since });
    } catch {
      return; // disconnected or slow: the next connect catches up again
    }
    if (!reply || reply.error) break;
    for (const ev of reply.events) deliver(ev.name, ev.data, false);
    since = Math.max(since, reply.lastEventId);
    remember(since);
    if (!reply.more) break;
  }
  emit('synced', { lastEventId: last });
}

/** Connects with the session token; safe to call again after a login. */
export async function start() {
  stop();
  if (!session.token) return;
  last = Number(localStorage.getItem(storageKey())) || 0;
  if (!last) {
    // A new device starts from the feed's current head rather than the unit's whole history.
    try {
      remember((/** @type {{ lastEventId: number }} */ (await api('/api/web/sync-head'))).lastEventId);
    } catch {}
  }
  if (!session.token) return;
  // WebSocket first (one round trip less on 3G), long-polling only where a proxy blocks it.
  const s = io({
    auth: { token: session.token }, transports: ['websocket', 'polling'], tryAllTransports: true,
    reconnectionDelay: 1000, reconnectionDelayMax: 8000,
  });
  socket = s;
  s.on('connect', () => {
    setStatus({ connected: true, lost: false, online: true });
    syncing = catchUp().finally(() => (syncing = null));
  });
  s.on('disconnect', (reason) => {
    setStatus({ connected: false, lost: true });
    // A server-side disconnect (a restart, a deploy) is not retried by socket.io itself.
    if (reason === 'io server disconnect') setTimeout(() => socket === s && s.connect(), 2000);
  });
  s.on('connect_error', (err) => {
    setStatus({ connected: false, lost: true });
    if (!s.active && /unauthori[sz]ed|token/.test(err.message)) setSession(null, null);
  });
  for (const name of PUSHES) s.on(name, (data) => deliver(name, data, true));
}

export function stop() {
  if (socket) {
    socket.removeAllListeners();
    socket.disconnect();
    socket = null;
  }
  seen.clear();
  setStatus({ connected: false, lost: false });
}

/** Waits for a catch-up in progress (tests and pull-to-refresh). */
export const settled = () => syncing ?? Promise.resolve();

onNetwork((ok) => {
  if (status.online !== ok) setStatus({ online: ok });
  if (ok && socket && !socket.connected) socket.connect();
});
window.addEventListener('online', () => {
  setStatus({ online: true });
  if (socket && !socket.connected) socket.connect();
});
window.addEventListener('offline', () => setStatus({ online: false }));
