// @ts-check
// pdf.js for the reader: kept by the service worker since the app was installed (not fetched when a
// document is first opened), loaded into the page only when a page must be drawn sharper than its
// image (zoom) or the file is read from the saved copy. Bytes come from the saved copy, or through
// the file's piece store (file-bytes.js), so what pdf.js reads is never fetched twice.
import { authHeaders } from './api.js';
import { fileBytes, inForeground, savedCopy } from './file-bytes.js';
import { t } from './i18n.js';
/** @import { PDFDocumentLoadingTask, PDFDocumentProxy, RenderTask } from '/vendor/pdf.min.mjs' */

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
export function pdfjs() {
  pdfjsPromise ??= import('/vendor/pdf.min.mjs').then((m) => {
    m.GlobalWorkerOptions.workerSrc = '/vendor/pdf.worker.min.mjs';
    return m;
  }, (err) => {
    pdfjsPromise = null;
    throw err;
  });
  return pdfjsPromise;
}

/**
 * The document from the saved copy (`offline: true`), else from the network: through the piece
 * store when the size is known, else by pdf.js's own Range requests.
 * @param {string} url
 * @param {number | undefined} size
 * @returns {Promise<{ task: PDFDocumentLoadingTask, doc: PDFDocumentProxy, offline: boolean }>}
 */
export async function openPdf(url, size) {
  const lib = await pdfjs();
  const data = await savedCopy(url).catch(() => null);
  if (data) {
    const task = lib.getDocument({ ...COMMON, data });
    return { task, doc: await task.promise, offline: true };
  }
  if (!navigator.onLine) throw Object.assign(new Error(t('notCachedOffline')), { code: 'offline' });
  /** @type {PDFDocumentLoadingTask | null} */
  let task = null;
  try {
    if (size) {
      const bytes = fileBytes(url, size);
      const range = new lib.PDFDataRangeTransport(size, null);
      range.requestDataRange = (begin, end) => {
        inForeground(() => bytes.read(begin, end)).then((chunk) => range.onDataRange(begin, chunk), () => {});
      };
      task = lib.getDocument({ ...COMMON, range, rangeChunkSize: 65536, disableAutoFetch: true, disableStream: true });
    } else {
      task = lib.getDocument({ ...COMMON, url, httpHeaders: authHeaders(), rangeChunkSize: 65536, disableAutoFetch: true, disableStream: true });
    }
    return { task, doc: await task.promise, offline: false };
  } catch (err) {
    task?.destroy();
    throw err;
  }
}

/**
 * Draws page `n` into `canvas` at `cssWidth` CSS pixels wide (the device's pixels, at most 2 per CSS
 * pixel). Returns a cancel function and the promise of the drawing.
 * @param {PDFDocumentProxy} doc @param {number} n @param {HTMLCanvasElement} canvas @param {number} cssWidth
 */
export function drawPage(doc, n, canvas, cssWidth) {
  /** @type {RenderTask | null} */
  let task = null;
  let stopped = false;
  const done = (async () => {
    const p = await doc.getPage(n);
    if (stopped) return false;
    const base = p.getViewport({ scale: 1 });
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    const viewport = p.getViewport({ scale: (cssWidth / base.width) * dpr });
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.style.width = `${cssWidth}px`;
    canvas.style.height = `${Math.floor(viewport.height / dpr)}px`;
    task = p.render({ canvas, viewport });
    await task.promise;
    return !stopped;
  })();
  return { done, cancel: () => { stopped = true; task?.cancel(); } };
}

/** @type {Map<string, Promise<{ blob: Blob, pages: number }>>} page images fetched lately (the next page is fetched ahead) */
const images = new Map();

/** Whether the image is here or on its way. @param {string} src */
export const hasImage = (src) => images.has(src);

/** A page image, fetched once. @param {string} src */
export function pageImage(src) {
  let got = images.get(src);
  if (!got) {
    got = inForeground(async () => {
      const res = await fetch(src, { headers: authHeaders() });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return { pages: Number(res.headers.get('x-page-count') ?? 0), blob: await res.blob() };
    });
    got.catch(() => images.delete(src));
    images.set(src, got);
    for (const old of [...images.keys()].slice(0, -6)) images.delete(old);
  }
  return got;
}

/**
 * The page image (server-rendered at phone width, about 100 KB for a scanned page) drawn into
 * `canvas` at `cssWidth`; with the file's page count (X-Page-Count).
 * @param {string} src @param {HTMLCanvasElement} canvas @param {number} cssWidth @param {() => boolean} stopped
 */
export async function drawImage(src, canvas, cssWidth, stopped) {
  const { blob, pages } = await pageImage(src);
  const bitmap = await createImageBitmap(blob);
  if (stopped()) return null;
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${Math.round((cssWidth * bitmap.height) / bitmap.width)}px`;
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0);
  bitmap.close();
  return { pages, width: canvas.width };
}
