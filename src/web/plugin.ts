import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../http/errors.js';
import type { App } from '../http/types.js';
import type { Deps } from '../lib/deps.js';
import { lastEventId } from '../modules/events/service.js';
import { type Asset, listFiles, loadAsset, safeJoin } from './assets.js';

/** The web app's own files (no build step: plain ES modules). */
export const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

const require = createRequire(import.meta.url);
const dirOf = (spec: string) => path.dirname(require.resolve(spec));
const pdfjsRoot = path.join(dirOf('pdfjs-dist'), '..');

/** Third-party ES modules under fixed URLs (index.html maps the bare specifiers to them). */
const VENDOR: Record<string, string> = {
  'preact.mjs': path.join(dirOf('preact'), 'preact.mjs'),
  'hooks.mjs': path.join(dirOf('preact/hooks'), 'hooks.mjs'),
  'htm.mjs': path.join(dirOf('htm'), 'htm.mjs'),
  'socket.io.mjs': path.join(dirOf('socket.io'), '..', 'client-dist', 'socket.io.esm.min.js'),
  'pdf.min.mjs': path.join(pdfjsRoot, 'build', 'pdf.min.mjs'),
  'pdf.worker.min.mjs': path.join(pdfjsRoot, 'build', 'pdf.worker.min.mjs'),
};
/** Data pdf.js fetches on demand: fonts not embedded in a PDF, CMaps, decoders. */
const PDFJS_DATA = new Set(['standard_fonts', 'cmaps', 'wasm', 'iccs']);
/**
 * Kept by the service worker when it installs. pdf.js too (issue 14): fetched in the background after
 * the first visit, not on the 3G link the moment a document is first opened (the page itself imports it
 * only to zoom beyond a page image or to read a saved copy).
 */
const SHELL_VENDOR = ['preact.mjs', 'hooks.mjs', 'htm.mjs', 'socket.io.mjs', 'pdf.min.mjs', 'pdf.worker.min.mjs'];

const NO_CACHE = 'no-cache';
const VENDOR_CACHE = 'public, max-age=86400';

function csp(importMapHash: string) {
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' 'sha256-${importMapHash}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function send(req: FastifyRequest, reply: FastifyReply, asset: Asset | null, cacheControl: string) {
  if (!asset) return sendError(req, reply, 404, 'not_found', { vi: 'Không tìm thấy tệp', en: 'File not found' });
  reply
    .header('etag', asset.etag)
    .header('cache-control', cacheControl)
    .header('vary', 'accept-encoding')
    .header('x-content-type-options', 'nosniff')
    .type(asset.type);
  if (req.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  if (asset.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    return reply.header('content-encoding', 'gzip').send(asset.gzip);
  }
  return reply.send(asset.body);
}

/** The shell the service worker caches on install, and a version that changes with any of it. */
async function shell(): Promise<{ urls: string[]; version: string }> {
  const files = (await listFiles(PUBLIC_DIR)).filter((f) => f !== 'sw.js' && f !== 'index.html');
  const urls = ['/', ...files.map((f) => `/${f}`), ...SHELL_VENDOR.map((v) => `/vendor/${v}`)];
  const hash = createHash('sha256');
  for (const f of ['index.html', ...files]) hash.update((await loadAsset(path.join(PUBLIC_DIR, f)))?.etag ?? f);
  for (const v of Object.keys(VENDOR)) hash.update((await loadAsset(VENDOR[v]!))?.etag ?? v);
  return { urls, version: hash.digest('hex').slice(0, 16) };
}

/**
 * The mobile web app at `/` (issue 6): static files with ETag, gzip and no path traversal,
 * vendor modules from node_modules, the service worker at the root scope, and one small API
 * route the app needs to start its real-time catch-up.
 */
export async function webRoutes(app: App, deps: Deps) {
  const hide = { schema: { hide: true } };
  const file = (rel: string) => path.join(PUBLIC_DIR, rel);

  const index = async (req: FastifyRequest, reply: FastifyReply) => {
    const asset = await loadAsset(file('index.html'));
    const map = asset ? /<script type="importmap">([\s\S]*?)<\/script>/.exec(asset.body.toString('utf8'))?.[1] : undefined;
    reply
      .header('content-security-policy', csp(createHash('sha256').update(map ?? '').digest('base64')))
      .header('referrer-policy', 'no-referrer')
      .header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    return send(req, reply, asset, NO_CACHE);
  };
  app.get('/', hide, index);
  app.get('/index.html', hide, index);
  app.get('/styles.css', hide, (req, reply) => loadAsset(file('styles.css')).then((a) => send(req, reply, a, NO_CACHE)));
  app.get('/manifest.webmanifest', hide, (req, reply) => loadAsset(file('manifest.webmanifest')).then((a) => send(req, reply, a, NO_CACHE)));
  app.get('/favicon.ico', hide, (req, reply) => loadAsset(file('icons/icon-192.png')).then((a) => send(req, reply, a, VENDOR_CACHE)));
  app.get('/sw.js', hide, async (req, reply) => {
    const { urls, version } = await shell();
    const asset = await loadAsset(file('sw.js'), (text) => text.replace("'__VERSION__'", JSON.stringify(version)).replace("['__SHELL__']", JSON.stringify(urls)));
    reply.header('service-worker-allowed', '/');
    return send(req, reply, asset, NO_CACHE);
  });
  for (const dir of ['app', 'icons']) {
    app.get(`/${dir}/*`, hide, async (req, reply) => {
      const rel = safeJoin(path.join(PUBLIC_DIR, dir), (req.params as { '*': string })['*']);
      return send(req, reply, rel ? await loadAsset(rel) : null, NO_CACHE);
    });
  }
  app.get('/vendor/*', hide, async (req, reply) => {
    const rest = (req.params as { '*': string })['*'];
    let target: string | null | undefined = VENDOR[rest];
    if (!target && rest.startsWith('pdfjs/')) {
      const [, dir, ...tail] = rest.split('/');
      if (dir && PDFJS_DATA.has(dir)) target = safeJoin(path.join(pdfjsRoot, dir), tail.join('/'));
    }
    return send(req, reply, target ? await loadAsset(target) : null, VENDOR_CACHE);
  });

  // Where the event feed stands now: a new device starts its `sync` catch-up from here
  // instead of replaying the unit's whole history.
  app.get('/api/web/sync-head', { schema: { hide: true } }, async () => ({ lastEventId: await lastEventId(deps.db) }));
}
