// @ts-check
// "Chữ lớn": the file's text (its text layer, or what OCR read from a scan) reflowed in large type,
// page by page, sized by the reader's zoom buttons. Said plainly when there is no text yet.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { t } from './i18n.js';
import { ErrorBox, html, Loading } from './ui.js';

/** Paragraphs of one page: lines joined, a blank line (or a short line ending a sentence) ends one. @param {string} page */
function paragraphs(page) {
  const out = [];
  let cur = '';
  for (const raw of page.split('\n')) {
    const line = raw.trim();
    if (!line) {
      if (cur) out.push(cur);
      cur = '';
      continue;
    }
    cur = cur ? `${cur} ${line}` : line;
    if (/[.:;!?]$/.test(line) && line.length < 60) {
      out.push(cur);
      cur = '';
    }
  }
  if (cur) out.push(cur);
  return out;
}

/** @param {{ url: string, zoom: number }} props */
export function BigText({ url, zoom }) {
  const [data, setData] = useState(/** @type {{ text: string, pages: number, source: 'text' | 'ocr' | 'none', state: string } | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const load = () => {
    setError(null);
    api(url).then((/** @type {any} */ r) => setData(r), setError);
  };
  useEffect(load, [url]);
  if (error) return html`<${ErrorBox} error=${error} onRetry=${load} />`;
  if (!data) return html`<${Loading} />`;
  if (data.source === 'none') {
    return html`<p class="notice" data-bigtext="none">${data.state === 'pending' ? t('bigTextPending') : t('bigTextNone')}</p>`;
  }
  const pages = data.text.split('\f');
  return html`<div class="bigtext" data-bigtext=${data.source} style=${`font-size: ${(1.35 * zoom).toFixed(2)}rem`}>
    ${data.source === 'ocr' && html`<p class="bigtext-note">${t('bigTextOcr')}</p>`}
    ${pages.map((p, i) => html`<section aria-label=${t('page', { n: i + 1, total: pages.length })}>
      ${pages.length > 1 && html`<h2 class="bigtext-page">${t('page', { n: i + 1, total: pages.length })}</h2>`}
      ${paragraphs(p).map((para) => html`<p>${para}</p>`)}
    </section>`)}
  </div>`;
}
