// @ts-check
// A document's file in the page, for a weak link and for older eyes (issue 14). Online, each page is
// first a light image rendered by the server at phone width (≈ 100 KB for a scanned page, where pdf.js
// needs megabytes of the file for the same page); pdf.js draws the page only when zooming beyond the
// image, or when asked ("Bản gốc"). Once page 1 is shown the file is saved for offline reading (the
// last 10 opened) from the pieces already fetched plus those missing — never more than the file.
// Buttons: zoom out, fit width, zoom in, "Chữ lớn" (the file's text in large type), pages.
import { useEffect, useRef, useState } from 'preact/hooks';
import { authHeaders } from './api.js';
import { BigText } from './bigtext.js';
import { fileBytes, keepCopy, savedCopy } from './file-bytes.js';
import { t } from './i18n.js';
import { drawImage, drawPage, hasImage, openPdf, pageImage } from './pdf-doc.js';
import { errorMessage, html, isOffline } from './ui.js';
/** @import { PDFDocumentProxy } from '/vendor/pdf.min.mjs' */

const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4];
const WIDTHS = [360, 540, 720, 1080, 1440];
const dpr = () => Math.min(window.devicePixelRatio || 1, 2);
/** The image width for a box: the largest offered width not above what the screen shows at fit width (×1.1). @param {number} px */
const imageWidth = (px) => WIDTHS.filter((w) => w <= px * 1.1).pop() ?? 360;

/** The URL of page `n`'s image at the width for a box `boxW` CSS pixels wide. @param {string} pages @param {number} n @param {number} boxW @param {string} url */
const imageUrl = (pages, n, boxW, url) => `${pages}/${n}.jpg?width=${imageWidth((boxW || 360) * dpr())}&v=${/[?&]v=([^&]+)/.exec(url)?.[1] ?? ''}`;

/**
 * Page 1's image, asked for as soon as the document's details arrive (before the viewer is drawn):
 * its width from the page's main column, as the viewer will measure it. Not for a file saved on
 * this phone (read from the copy, no data used). @param {string} pages @param {string} url
 */
export function prefetchFirstPage(pages, url) {
  if (!navigator.onLine || /** @type {string[]} */ (JSON.parse(localStorage.getItem('lt.docs') ?? '[]')).includes(url)) return;
  const main = document.querySelector('main');
  if (!main) return;
  const cs = getComputedStyle(main);
  pageImage(imageUrl(pages, 1, main.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 2, url)).catch(() => {});
}

/**
 * Downloads the file (the link needs the session token, so it goes through fetch).
 * @param {string} url
 * @param {string} name
 */
async function download(url, name) {
  const res = await fetch(url, { headers: authHeaders() });
  const blob = res.ok ? await res.blob() : new Blob([(await savedCopy(url)) ?? new Uint8Array()], { type: 'application/pdf' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

/** The offline copy of a file of unknown size (a draft's version): one plain GET. @param {string} url */
async function keepWhole(url) {
  const res = await fetch(url, { headers: authHeaders() });
  if (!res.ok) return false;
  await keepCopy(url, await res.blob());
  return true;
}

/**
 * @param {{ url: string, name: string, size?: number, pages?: string, textUrl?: string }} props `pages`: the
 *   base URL of the page images (`…/pages`), `size`: the file's size (pieces), `textUrl`: its text for "Chữ lớn"
 */
export function PdfViewer({ url, name, size, pages, textUrl }) {
  const canvas = useRef(/** @type {HTMLCanvasElement | null} */ (null));
  const box = useRef(/** @type {HTMLDivElement | null} */ (null));
  const saving = useRef(false);
  const [boxW, setBoxW] = useState(0);
  const [mode, setMode] = useState(/** @type {'' | 'image' | 'pdf'} */ (''));
  const [doc, setDoc] = useState(/** @type {PDFDocumentProxy | null} */ (null));
  const [offline, setOffline] = useState(false);
  const [page, setPage] = useState(1);
  const [total, setTotal] = useState(0);
  const [zoom, setZoom] = useState(1);
  const [big, setBig] = useState(false);
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [rendered, setRendered] = useState(0);
  /** What the canvas shows now: "mode:page:zoom" (for tests and the bench). */
  const [drawn, setDrawn] = useState('');
  const [kept, setKept] = useState(false);
  const imgW = imageWidth((boxW || 360) * dpr());
  const imageSrc = (/** @type {number} */ n) => imageUrl(pages ?? '', n, boxW, url);

  // The box's width (fit width), followed when the phone turns.
  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const measure = () => setBoxW(el.clientWidth - 2);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Where page 1 comes from: the saved copy (pdf.js, no data used), else the page images, else pdf.js.
  useEffect(() => {
    let cancelled = false;
    saving.current = false;
    setDoc(null); setError(null); setPage(1); setRendered(0); setKept(false); setTotal(0); setMode(''); setOffline(false);
    (async () => {
      const saved = 'caches' in window && (await caches.open('lt-docs').then((c) => c.match(url)).catch(() => undefined));
      if (cancelled) return;
      setMode(!saved && pages && navigator.onLine ? 'image' : 'pdf');
    })();
    return () => { cancelled = true; };
  }, [url]);

  // pdf.js, once needed.
  useEffect(() => {
    if (mode !== 'pdf' || doc) return undefined;
    let cancelled = false;
    /** @type {{ destroy(): unknown } | null} */
    let task = null;
    openPdf(url, size).then(
      (r) => {
        if (cancelled) return void r.task.destroy();
        task = r.task;
        setOffline(r.offline);
        if (r.offline) setKept(true);
        setTotal(r.doc.numPages);
        setDoc(r.doc);
      },
      (err) => !cancelled && setError(err),
    );
    return () => { cancelled = true; task?.destroy(); };
  }, [mode, url]);

  /** After a page is shown: page 2's image ahead, then the offline copy. @param {number} shown @param {number} count */
  const after = (shown, count) => {
    // Page 2 ahead (most readers turn the page once); no further, each image beyond the file costs data.
    if (mode === 'image' && shown === 1 && count > 1) pageImage(imageSrc(2)).catch(() => {});
    if (saving.current || offline) return;
    saving.current = true;
    const stop = () => !box.current;
    (size ? fileBytes(url, size).saveOffline(stop) : keepWhole(url)).then((ok) => ok && setKept(true), () => { saving.current = false; });
  };

  useEffect(() => {
    const c = canvas.current;
    if (!c || !boxW || big || !mode) return undefined;
    const cssWidth = Math.round(boxW * zoom);
    let stopped = false;
    let cancel = () => {};
    if (mode === 'image') {
      // Sharper than the image can show, or the file is saved and this page's image not fetched: pdf.js.
      if (cssWidth * dpr() > imgW * 1.1 || (kept && !hasImage(imageSrc(page)))) {
        c.style.width = `${cssWidth}px`;
        c.style.height = `${Math.round((cssWidth * c.height) / Math.max(1, c.width))}px`;
        setMode('pdf');
        return undefined;
      }
      drawImage(imageSrc(page), c, cssWidth, () => stopped).then((r) => {
        if (!r || stopped) return;
        setTotal(r.pages);
        setRendered(page);
        setDrawn(`image:${page}:${zoom}`);
        after(page, r.pages);
      }, () => !stopped && setMode('pdf'));
    } else if (doc) {
      const job = drawPage(doc, page, c, cssWidth);
      cancel = job.cancel;
      job.done.then((ok) => {
        if (!ok || stopped) return;
        setRendered(page);
        setDrawn(`pdf:${page}:${zoom}`);
        after(page, doc.numPages);
      }, (/** @type {unknown} */ err) => {
        if (!stopped && /** @type {Error | null | undefined} */ (err)?.name !== 'RenderingCancelledException') setError(err);
      });
    }
    return () => { stopped = true; cancel(); };
  }, [mode, doc, page, zoom, boxW, big]);

  const at = ZOOMS.indexOf(zoom);
  const step = (/** @type {number} */ d) => setZoom(ZOOMS[Math.max(0, Math.min(ZOOMS.length - 1, at + d))] ?? 1);
  const ready = rendered > 0 || (big && mode);
  return html`<div class="pdf" ref=${box} data-rendered=${rendered} data-offline-ready=${kept ? '1' : '0'} data-mode=${mode} data-drawn=${drawn}
      data-zoom=${zoom} data-source=${mode ? (offline ? 'saved' : 'network') : ''}>
    ${offline && html`<p class="notice">${t('offlineCopy')}</p>`}
    ${error ? (isOffline(error)
      ? html`<p class="notice" role="status" data-offline="1">${t('notCachedOffline')}</p>`
      : html`<p class="notice notice-error" role="alert">${t('pdfError')}: ${errorMessage(error)}</p>`) : null}
    <div class="pdf-tools" role="toolbar" aria-label=${t('readerTools')}>
      <button type="button" class="btn btn-tool" aria-label=${t('zoomOut')} title=${t('zoomOut')} disabled=${at <= 0} onClick=${() => step(-1)}>−</button>
      <button type="button" class="btn btn-tool" aria-pressed=${zoom === 1} onClick=${() => setZoom(1)}>${t('fitWidth')}</button>
      <button type="button" class="btn btn-tool" aria-label=${t('zoomIn')} title=${t('zoomIn')} disabled=${at >= ZOOMS.length - 1} onClick=${() => step(1)}>+</button>
      <span class="pdf-zoom" aria-live="polite">${Math.round(zoom * 100)}%</span>
      ${textUrl && html`<button type="button" class="btn btn-tool" aria-pressed=${big} onClick=${() => setBig(!big)}>${t('bigText')}</button>`}
      ${mode === 'image' && !big && html`<button type="button" class="btn btn-tool" onClick=${() => setMode('pdf')}>${t('sharpPage')}</button>`}
    </div>
    ${!ready && !error && html`<p class="muted" role="status">${t('pdfLoading')}</p>`}
    ${big && textUrl ? html`<${BigText} url=${textUrl} zoom=${zoom} />` : null}
    <div class="pdf-scroll" hidden=${big}>
      <canvas ref=${canvas} class="pdf-canvas" role="img" aria-label=${t('canvasLabel', { n: page, name })}></canvas>
    </div>
    ${total > 0 && !big && html`<div class="pdf-nav">
      <button type="button" class="btn btn-page" disabled=${page <= 1} onClick=${() => setPage(page - 1)}>${t('prevPage')}</button>
      <span class="pdf-page" aria-live="polite">${t('page', { n: page, total })}</span>
      <button type="button" class="btn btn-page" disabled=${page >= total} onClick=${() => setPage(page + 1)}>${t('nextPage')}</button>
    </div>`}
    <button type="button" class="btn btn-link" onClick=${() => download(url, name).catch(() => {})}>⬇ ${name}</button>
  </div>`;
}
