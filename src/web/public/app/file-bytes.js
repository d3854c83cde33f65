// @ts-check
// The bytes of one PDF as this phone has them: 64 KB pieces fetched by Range requests, each once.
// pdf.js reads through it (zoomed or sharp pages) and the offline copy ("lưu ngoại tuyến") is made
// from it, fetching only the pieces still missing — so reading a file and keeping it never costs
// more than the file itself. The complete file goes into the Cache API ("lt-docs", the last 10).
import { authHeaders } from './api.js';

const PIECE = 65536;
/** Pieces per Range request when saving in the background (2 MB: few round trips on a slow link). */
const RUN = 32;
export const DOC_CACHE = 'lt-docs';
const KEEP = 10;

/** Requests the reader is waiting for (page images, pdf.js): the background copy pauses while there are any. */
let foreground = 0;
/** @type {Array<() => void>} */
let idle = [];
/** @template T @param {() => Promise<T>} fn @returns {Promise<T>} */
export async function inForeground(fn) {
  foreground++;
  try {
    return await fn();
  } finally {
    if (--foreground === 0) for (const wake of idle.splice(0)) wake();
  }
}
const quiet = () => (foreground === 0 ? Promise.resolve() : new Promise((resolve) => idle.push(() => resolve(undefined))));

export class FileBytes {
  /** @param {string} url @param {number} size */
  constructor(url, size) {
    this.url = url;
    this.size = size;
    this.count = Math.ceil(size / PIECE);
    /** @type {Map<number, Uint8Array>} */
    this.pieces = new Map();
    /** @type {Map<number, Promise<void>>} */
    this.pending = new Map();
    /** Bytes received over the network. */
    this.fetched = 0;
  }

  /** Fetches pieces first..last (those not here nor on their way), one Range request per run of missing pieces. @param {number} first @param {number} last */
  ensure(first, last) {
    /** @type {Promise<void>[]} */
    const waits = [];
    for (let i = first; i <= last;) {
      if (this.pieces.has(i)) { i++; continue; }
      const on = this.pending.get(i);
      if (on) { waits.push(on); i++; continue; }
      let j = i;
      while (j + 1 <= last && !this.pieces.has(j + 1) && !this.pending.has(j + 1)) j++;
      const run = this.fetchRun(i, j);
      for (let k = i; k <= j; k++) this.pending.set(k, run);
      waits.push(run);
      i = j + 1;
    }
    return Promise.all(waits).then(() => undefined);
  }

  /** @param {number} a @param {number} b */
  async fetchRun(a, b) {
    const start = a * PIECE;
    const end = Math.min(this.size, (b + 1) * PIECE) - 1;
    try {
      const res = await fetch(this.url, { headers: { ...authHeaders(), range: `bytes=${start}-${end}` } });
      if (res.status !== 206 && res.status !== 200) throw new Error(`HTTP ${res.status}`);
      const body = new Uint8Array(await res.arrayBuffer());
      this.fetched += body.length;
      const offset = res.status === 200 ? 0 : start; // a server without ranges sends it all: keep all of it
      for (let k = Math.floor(offset / PIECE); k * PIECE < offset + body.length && k < this.count; k++) {
        const from = k * PIECE - offset;
        const piece = body.subarray(from, Math.min(from + PIECE, body.length));
        if (piece.length === Math.min(PIECE, this.size - k * PIECE)) this.pieces.set(k, piece);
      }
    } finally {
      for (let k = a; k <= b; k++) this.pending.delete(k);
    }
  }

  /** Bytes begin..end-1. @param {number} begin @param {number} end */
  async read(begin, end) {
    end = Math.min(end, this.size);
    await this.ensure(Math.floor(begin / PIECE), Math.floor((end - 1) / PIECE));
    const out = new Uint8Array(end - begin);
    for (let k = Math.floor(begin / PIECE); k * PIECE < end; k++) {
      const piece = /** @type {Uint8Array} */ (this.pieces.get(k));
      const at = k * PIECE;
      out.set(piece.subarray(Math.max(0, begin - at), Math.min(PIECE, end - at)), Math.max(0, at - begin));
    }
    return out;
  }

  complete() {
    return this.pieces.size === this.count;
  }

  /** The whole file once every piece is here. */
  async all() {
    return this.read(0, this.size);
  }

  /**
   * The offline copy: the missing pieces, 2 MB at a time, each after the reader's own requests;
   * then the whole file into the cache. `stop()` returning true ends it early.
   * @param {() => boolean} stop
   */
  async saveOffline(stop) {
    for (let i = 0; i < this.count; i++) {
      if (this.pieces.has(i)) continue;
      await quiet();
      if (stop()) return false;
      await this.ensure(i, Math.min(this.count - 1, i + RUN - 1));
    }
    if (stop()) return false;
    await keepCopy(this.url, new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (await this.all())], { type: 'application/pdf' }));
    return true;
  }
}

/** @type {Map<string, FileBytes>} the files opened lately (kept while the app runs, so a second look costs nothing) */
const open = new Map();
/** @param {string} url @param {number} size */
export function fileBytes(url, size) {
  let f = open.get(url);
  if (!f || f.size !== size) {
    f = new FileBytes(url, size);
    open.set(url, f);
    for (const old of [...open.keys()].slice(0, -3)) open.delete(old);
  }
  return f;
}

/** The saved copy of `url`, if any. @param {string} url */
export async function savedCopy(url) {
  if (!('caches' in window)) return null;
  const res = await (await caches.open(DOC_CACHE)).match(url);
  return res ? new Uint8Array(await res.arrayBuffer()) : null;
}

/** Puts the file in the cache and keeps the list of saved files at 10. @param {string} url @param {Blob} blob */
export async function keepCopy(url, blob) {
  if (!('caches' in window)) return;
  const cache = await caches.open(DOC_CACHE);
  await cache.put(url, new Response(blob, { headers: { 'content-type': 'application/pdf', 'content-length': String(blob.size) } }));
  const list = /** @type {string[]} */ (JSON.parse(localStorage.getItem('lt.docs') ?? '[]')).filter((u) => u !== url);
  list.unshift(url);
  // A meeting's papers stay while the meeting keeps them (meeting-offline.js), opened or not.
  const pinned = /** @type {Record<string, { urls?: string[] }>} */ (JSON.parse(localStorage.getItem('lt.meetingDocs') ?? '{}') ?? {});
  const keep = new Set(Object.values(pinned).flatMap((p) => p.urls ?? []));
  for (const old of list.splice(KEEP)) if (!keep.has(old)) await cache.delete(old);
  localStorage.setItem('lt.docs', JSON.stringify(list));
}
