import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { buildTestEnv } from './helpers/app.js';
import { buildUser } from './helpers/factories.js';

// The web app's files as the server sends them (no browser needed): types, ETag/304, gzip,
// caching headers, the service worker's version, and no way out of the served folders.
test('the web app is served with the right types, ETag, gzip and no path traversal', async (t) => {
  const env = await buildTestEnv(t);
  const get = (url: string, headers: Record<string, string> = {}) => env.app.inject({ url, headers });

  const index = await get('/');
  assert.equal(index.statusCode, 200);
  assert.match(index.headers['content-type'] as string, /^text\/html; charset=utf-8/);
  assert.match(index.body, /<html lang="vi">/);
  assert.match(index.headers['content-security-policy'] as string, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+'/);
  assert.equal(index.headers['cache-control'], 'no-cache');
  const etag = index.headers.etag as string;
  assert.equal((await get('/', { 'if-none-match': etag })).statusCode, 304);

  const js = await get('/app/main.js', { 'accept-encoding': 'gzip, br' });
  assert.equal(js.statusCode, 200);
  assert.match(js.headers['content-type'] as string, /^text\/javascript/);
  assert.equal(js.headers['content-encoding'], 'gzip');
  assert.equal(js.headers.vary, 'accept-encoding');
  assert.match(gunzipSync(js.rawPayload).toString(), /render\(html`<\$\{App\} \/>`/);
  assert.equal((await get('/app/main.js')).headers['content-encoding'], undefined);

  for (const [url, type] of [
    ['/vendor/preact.mjs', /javascript/], ['/vendor/htm.mjs', /javascript/], ['/vendor/hooks.mjs', /javascript/],
    ['/vendor/socket.io.mjs', /javascript/], ['/vendor/pdf.min.mjs', /javascript/], ['/vendor/pdf.worker.min.mjs', /javascript/],
    ['/vendor/pdfjs/standard_fonts/FoxitSerif.pfb', /octet-stream/], ['/vendor/pdfjs/wasm/openjpeg.wasm', /application\/wasm/],
    ['/manifest.webmanifest', /application\/manifest\+json/], ['/icons/icon-192.png', /image\/png/], ['/styles.css', /text\/css/],
  ] as const) {
    const r = await get(url);
    assert.equal(r.statusCode, 200, url);
    assert.match(r.headers['content-type'] as string, type, url);
    assert.ok(r.headers.etag, url);
  }
  assert.equal((await get('/vendor/preact.mjs')).headers['cache-control'], 'public, max-age=86400');

  const sw = await get('/sw.js');
  assert.equal(sw.headers['cache-control'], 'no-cache');
  assert.match(sw.body, /const VERSION = "[0-9a-f]{16}";/);
  const shell = JSON.parse(/const SHELL = (\[.*?\]);/.exec(sw.body)![1]!) as string[];
  for (const url of ['/', '/app/main.js', '/app/reader.js', '/styles.css', '/vendor/preact.mjs', '/vendor/socket.io.mjs']) assert.ok(shell.includes(url), url);
  // Issue 14: pdf.js is kept on install (in the background after the first visit), not fetched on a 3G
  // link when a document is first opened; its data files (fonts, cmaps, wasm) still only when used.
  for (const url of ['/vendor/pdf.min.mjs', '/vendor/pdf.worker.min.mjs']) assert.ok(shell.includes(url), `${url} cached on install`);
  assert.ok(!shell.some((u) => u.startsWith('/vendor/pdfjs/')), 'pdf.js data files are cached when used');
  for (const url of shell) assert.equal((await get(url)).statusCode, 200, url);

  for (const url of [
    '/app/../plugin.ts', '/app/..%2Fplugin.ts', '/app/%2e%2e/%2e%2e/app.ts', '/app/.hidden', '/app/main.js%00.png', '/app/nothing.js',
    '/icons/..%2F..%2F..%2Fpackage.json', '/vendor/pdfjs/standard_fonts/..%2F..%2Fpackage.json', '/vendor/pdfjs/build/pdf.mjs',
    '/vendor/../package.json', '/vendor/pdfjs/cmaps/%2Fetc%2Fpasswd', '/app/C:%5Cwindows',
  ]) {
    const r = await get(url);
    assert.ok([404, 400].includes(r.statusCode), `${url} → ${r.statusCode}`);
    assert.doesNotMatch(r.body, /"name": "lienthong"|import |root:/, url);
  }

  // The real-time catch-up starts from the feed's head; a session is needed.
  assert.equal((await get('/api/web/sync-head')).statusCode, 401);
  const who = await buildUser(env);
  const head = await get('/api/web/sync-head', who.auth);
  assert.equal(head.statusCode, 200);
  assert.equal(typeof head.json().lastEventId, 'number');
});
