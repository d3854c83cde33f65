// @ts-check
// Service worker: the app shell from cache (it opens with no network), API answers network-first
// with the last copy as fallback, pdf.js kept from install, and Web Push notifications.
// The server fills VERSION (a hash of every shell file) and SHELL when it serves this file.
/** @typedef {import('./app/types').ServiceWorkerScope} ServiceWorkerScope */
/** @typedef {import('./app/types').SwWindowClient} SwWindowClient */
const VERSION = '__VERSION__';
/** @type {string[]} */
const SHELL = ['__SHELL__'];
const STATIC = `lt-static-${VERSION}`;
const VENDOR = `lt-vendor-${VERSION}`;
const API = 'lt-api';
// Search answers are never kept: every typed query would add an entry, and offline the box says search needs the network.
const NO_CACHE_API = /^\/api\/(web\/sync-head|push\/|auth\/|search(\?|$))/;
/** This worker's global scope (`self`). */
const sw = /** @type {ServiceWorkerScope} */ (/** @type {unknown} */ (self));

sw.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(STATIC);
    await cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' })));
    await sw.skipWaiting();
  })());
});

sw.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    /** @type {string[]} */
    const refetch = [];
    for (const key of await caches.keys()) {
      if (key.startsWith('lt-vendor-') && key !== VENDOR) {
        for (const req of await (await caches.open(key)).keys()) refetch.push(req.url);
      }
      if ((key.startsWith('lt-static-') && key !== STATIC) || (key.startsWith('lt-vendor-') && key !== VENDOR)) await caches.delete(key);
    }
    await sw.clients.claim();
    // pdf.js used before the update: fetch the new version now so offline reading keeps working.
    if (refetch.length) caches.open(VENDOR).then((c) => c.addAll(refetch)).catch(() => {});
  })());
});

/** @param {Request} request @param {string} cacheName */
async function fromCacheFirst(request, cacheName) {
  const cache = await caches.open(cacheName);
  const hit = await cache.match(request);
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok && res.status === 200) cache.put(request, res.clone()).catch(() => {});
  return res;
}

/** @param {Request} request @param {string} path */
async function fromNetworkFirst(request, path) {
  const cache = await caches.open(API);
  try {
    const res = await fetch(request);
    if (res.ok && res.status === 200 && !NO_CACHE_API.test(path)) cache.put(request, res.clone()).catch(() => {});
    return res;
  } catch {
    // Marked so the page can say it is showing saved copies (navigator.onLine is not reliable).
    const hit = await cache.match(request);
    if (hit) {
      const headers = new Headers(hit.headers);
      headers.set('x-lt-offline', '1');
      return new Response(hit.body, { status: hit.status, statusText: hit.statusText, headers });
    }
    return new Response(JSON.stringify({ error: { code: 'offline', message: 'Ngoại tuyến / Offline' } }), {
      status: 503, headers: { 'content-type': 'application/json; charset=utf-8', 'x-lt-offline': '1' },
    });
  }
}

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || request.headers.has('range')) return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin || url.pathname.startsWith('/socket.io/') || url.pathname.startsWith('/docs')) return;
  if (url.pathname.startsWith('/api/')) {
    // Document files: the page keeps the ones opened (cache "lt-docs") and reads them itself offline.
    // A meeting's papers likewise (meeting-offline.js keeps them in "lt-docs").
    if (/^\/api\/(documents|meetings)\/[^/]+\/files\//.test(url.pathname)) return;
    event.respondWith(fromNetworkFirst(request, url.pathname));
    return;
  }
  if (request.mode === 'navigate' && (url.pathname === '/' || url.pathname === '/index.html')) {
    event.respondWith(caches.open(STATIC).then((c) => c.match('/')).then((hit) => hit ?? fetch(request)));
    return;
  }
  if (!SHELL.includes(url.pathname) && !/^\/(app|icons|vendor)\//.test(url.pathname)) return;
  event.respondWith(fromCacheFirst(request, url.pathname.startsWith('/vendor/') && !SHELL.includes(url.pathname) ? VENDOR : STATIC));
});

sw.addEventListener('push', (event) => {
  /** @type {{ title?: string, body?: string, tag?: string, renotify?: boolean, requireInteraction?: boolean, url?: unknown }} */
  let data;
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { body: event.data ? event.data.text() : '' };
  }
  const title = data.title || 'Liên thông văn bản';
  event.waitUntil(sw.registration.showNotification(title, {
    body: data.body || '',
    tag: data.tag,
    renotify: Boolean(data.renotify && data.tag),
    requireInteraction: Boolean(data.requireInteraction),
    data: { url: typeof data.url === 'string' && data.url.startsWith('/') ? data.url : '/#/inbox' },
    icon: '/icons/icon-192.png',
    badge: '/icons/icon-192.png',
    vibrate: [500, 200, 500, 200, 800],
    lang: 'vi',
  }));
});

sw.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = event.notification.data?.url || '/#/inbox';
  event.waitUntil((async () => {
    const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = /** @type {SwWindowClient | undefined} */ (windows.find((c) => 'focus' in c));
    if (open) {
      await open.focus();
      open.postMessage({ type: 'open', url });
      return;
    }
    await sw.clients.openWindow(url);
  })());
});
