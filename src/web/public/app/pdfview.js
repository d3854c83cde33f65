// @ts-check
// The PDF drawn in the page with pdf.js, loaded only here (not part of the first load). Online it
// reads the file with Range requests (64 KB chunks, no prefetch) so page 1 shows quickly on 3G;
// after that the whole file is kept in the Cache API for reading offline (the last 10 opened).
import { useEffect, useRef, useState } from 'preact/hooks';
import { authHeaders } from './api.js';
import { t } from './i18n.js';
import { errorMessage, html, isOffline } from './ui.js';
/** @import { PDFDocumentLoadingTask, PDFDocumentProxy, RenderTask } from '/vendor/pdf.min.mjs' */

const DOC_CACHE = 'lt-docs';
const KEEP = 10;
const COMMON = {
  standardFontDataUrl: '/vendor/pdfjs/standard_fonts/',
  cMapUrl: '/vendor/pdfjs/cmaps/',
  cMapPacked: true,
  wasmUrl: '/vendor/pdfjs/wasm/',
  iccUrl: '/vendor/pdfjs/iccs/',
  disableWorkerRendering: true,
  verbosity: 0,
};

/** @type {Promise<typeof import('/vendor/pdf.min.mjs')> | null} */
let pdfjsPromise = null;
function pdfjs() {
  pdfjsPromise ??= import('/vendor/pdf.min.mjs').then((m) => {
    m.GlobalWorkerOptions.workerSrc = '/vendor/pdf.worker.min.mjs';
    return m;
  }, (err) => {
    pdfjsPromise = null;
    throw err;
  });
  return pdfjsPromise;
}

/** @param {string} url */
async function cachedBytes(url) {
  if (!('caches' in window)) return null;
  const res = await (await caches.open(DOC_CACHE)).match(url);
  return res ? new Uint8Array(await res.arrayBuffer()) : null;
}

/** Keeps the whole file for offline reading (one plain GET, after page 1 is on screen). @param {string} url */
export async function keepForOffline(url) {
  if (!('caches' in window)) return false;
  const cache = await caches.open(DOC_CACHE);
  if (!(await cache.match(url))) {
    const res = await fetch(url, { headers: authHeaders() });
    if (!res.ok) return false;
    await cache.put(url, res);
  }
  const list = /** @type {string[]} */ (JSON.parse(localStorage.getItem('lt.docs') ?? '[]')).filter((u) => u !== url);
  list.unshift(url);
  for (const old of list.splice(KEEP)) await cache.delete(old);
  localStorage.setItem('lt.docs', JSON.stringify(list));
  return true;
}

/**
 * A copy kept on this device opens at once with no data used (`url` names the file's content by
 * its sha256, so a re-signed file is never shown from an old copy); otherwise the network.
 * @param {string} url
 * @returns {Promise<{ task: PDFDocumentLoadingTask, doc: PDFDocumentProxy, offline: boolean }>}
 */
async function openPdf(url) {
  const lib = await pdfjs();
  const data = await cachedBytes(url).catch(() => null);
  if (data) {
    const task = lib.getDocument({ ...COMMON, data });
    return { task, doc: await task.promise, offline: true };
  }
  if (!navigator.onLine) throw Object.assign(new Error(t('notCachedOffline')), { code: 'offline' });
  /** @type {PDFDocumentLoadingTask | null} */
  let task = null;
  try {
    task = lib.getDocument({ ...COMMON, url, httpHeaders: authHeaders(), rangeChunkSize: 65536, disableAutoFetch: true, disableStream: true });
    return { task, doc: await task.promise, offline: false };
  } catch (err) {
    task?.destroy();
    throw err;
  }
}

/**
 * Downloads the file (the link needs the session token, so it goes through fetch).
 * @param {string} url
 * @param {string} name
 */
async function download(url, name) {
  const res = await fetch(url, { headers: authHeaders() });
  const blob = res.ok ? await res.blob() : new Blob([(await cachedBytes(url)) ?? new Uint8Array()], { type: 'application/pdf' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

/** @param {{ url: string, name: string }} props */
export function PdfViewer({ url, name }) {
  const canvas = useRef(/** @type {HTMLCanvasElement | null} */ (null));
  const box = useRef(/** @type {HTMLDivElement | null} */ (null));
  const [doc, setDoc] = useState(/** @type {PDFDocumentProxy | null} */ (null));
  const [offline, setOffline] = useState(false);
  const [page, setPage] = useState(1);
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [rendered, setRendered] = useState(0);
  const [kept, setKept] = useState(false);

  useEffect(() => {
    let cancelled = false;
    /** @type {PDFDocumentLoadingTask | null} */
    let loaded = null;
    setDoc(null);
    setError(null);
    setPage(1);
    setRendered(0);
    setKept(false);
    openPdf(url).then(
      (r) => {
        if (cancelled) return void r.task.destroy();
        loaded = r.task;
        setOffline(r.offline);
        setDoc(r.doc);
      },
      (err) => !cancelled && setError(err),
    );
    return () => {
      cancelled = true;
      loaded?.destroy();
    };
  }, [url]);

  useEffect(() => {
    const c = canvas.current;
    if (!doc || !c) return undefined;
    /** @type {RenderTask | null} */
    let task = null;
    let stopped = false;
    (async () => {
      const p = await doc.getPage(page);
      if (stopped) return;
      const width = box.current?.clientWidth || 360;
      const base = p.getViewport({ scale: 1 });
      const dpr = Math.min(window.devicePixelRatio || 1, 2);
      const viewport = p.getViewport({ scale: (width / base.width) * dpr });
      c.width = Math.floor(viewport.width);
      c.height = Math.floor(viewport.height);
      c.style.width = `${width}px`;
      c.style.height = `${Math.floor(viewport.height / dpr)}px`;
      task = p.render({ canvas: c, viewport });
      await task.promise;
      if (stopped) return;
      setRendered(page);
      if (page === 1 && !offline) setTimeout(() => keepForOffline(url).then(setKept, () => {}), 300);
      if (offline) setKept(true);
    })().catch((/** @type {unknown} */ err) => {
      if (!stopped && /** @type {Error | null | undefined} */ (err)?.name !== 'RenderingCancelledException') setError(err);
    });
    return () => {
      stopped = true;
      task?.cancel();
    };
  }, [doc, page]);

  const total = doc?.numPages ?? 0;
  return html`<div class="pdf" ref=${box} data-rendered=${rendered} data-offline-ready=${kept ? '1' : '0'} data-source=${doc ? (offline ? 'saved' : 'network') : ''}>
    ${offline && html`<p class="notice">${t('offlineCopy')}</p>`}
    ${error ? (isOffline(error)
      ? html`<p class="notice" role="status" data-offline="1">${t('notCachedOffline')}</p>`
      : html`<p class="notice notice-error" role="alert">${t('pdfError')}: ${errorMessage(error)}</p>`) : null}
    ${!doc && !error && html`<p class="muted" role="status">${t('pdfLoading')}</p>`}
    <canvas ref=${canvas} class="pdf-canvas" role="img" aria-label=${t('canvasLabel', { n: page, name })}></canvas>
    ${doc && html`<div class="pdf-nav">
      <button type="button" class="btn" disabled=${page <= 1} onClick=${() => setPage(page - 1)}>${t('prevPage')}</button>
      <span class="pdf-page" aria-live="polite">${t('page', { n: page, total })}</span>
      <button type="button" class="btn" disabled=${page >= total} onClick=${() => setPage(page + 1)}>${t('nextPage')}</button>
    </div>`}
    <button type="button" class="btn btn-link" onClick=${() => download(url, name).catch(() => {})}>⬇ ${name}</button>
  </div>`;
}
