import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** One file ready to send: bytes, gzip (when worth it), a content ETag and its type. */
export interface Asset {
  body: Buffer;
  gzip: Buffer | null;
  etag: string;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.pfb': 'application/octet-stream',
  '.ttf': 'font/ttf',
  '.bcmap': 'application/octet-stream',
  '.icc': 'application/vnd.iccprofile',
};
const COMPRESSIBLE = /^(text\/|application\/(json|manifest\+json|wasm)|image\/svg)/;

export const contentType = (file: string): string | undefined => TYPES[path.extname(file).toLowerCase()];

/**
 * `rel` inside `root`, or null: every segment must be a plain name (letters, digits, `._-`, not
 * starting with a dot), so `..`, absolute paths, backslashes and encoded tricks never get through.
 */
export function safeJoin(root: string, rel: string): string | null {
  if (rel.length > 200 || !/^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/.test(rel)) return null;
  const full = path.resolve(root, rel);
  return full.startsWith(root.endsWith(path.sep) ? root : root + path.sep) ? full : null;
}

const cache = new Map<string, { mtimeMs: number; size: number; asset: Asset }>();

/**
 * The file as an Asset, read and compressed once and kept in memory until it changes on disk
 * (a stat per request). `transform` rewrites text files (used for the service worker version).
 * Null when the file does not exist, is not a regular file or has an unknown type.
 */
export async function loadAsset(file: string, transform?: (text: string) => string | Promise<string>): Promise<Asset | null> {
  const type = contentType(file);
  if (!type) return null;
  let st;
  try {
    st = await fs.stat(file);
  } catch {
    return null;
  }
  if (!st.isFile()) return null;
  const key = transform ? `${file}#t` : file;
  const hit = cache.get(key);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size && !transform) return hit.asset;
  let body = await fs.readFile(file);
  if (transform) body = Buffer.from(await transform(body.toString('utf8')));
  if (hit && hit.asset.body.equals(body)) return hit.asset;
  const asset: Asset = {
    body,
    gzip: COMPRESSIBLE.test(type) && body.length > 1024 ? gzipSync(body, { level: 9 }) : null,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    type,
  };
  cache.set(key, { mtimeMs: st.mtimeMs, size: st.size, asset });
  return asset;
}

/** Every file under `dir` (relative paths with `/`), for the service worker's shell list. */
export async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory()) out.push(...(await listFiles(path.join(dir, e.name), `${prefix}${e.name}/`)));
    else if (contentType(e.name)) out.push(`${prefix}${e.name}`);
  }
  return out.sort();
}
