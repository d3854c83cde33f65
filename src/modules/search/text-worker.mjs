// The pdf.js side of text-extract.ts, in a worker thread of its own (plain JavaScript, started
// without the TypeScript loader, terminated by the main thread when a file takes too long or
// grows past its memory cap). Receives {id, data, maxPages, minLetters, maxChars, checkMs}; answers {id,
// numPages, pages: [{text, letters, images, width, height}]} — each page's text in reading order
// with pdf.js's line ends, and for a page with fewer than `minLetters` letters whether it paints
// an image (a scan, to be read by OCR) — or {id, error}.
import { parentPort } from 'node:worker_threads';
import { openPdf, pdfjs as lib } from '../../lib/pdfjs.mjs';

const IMAGE_OPS = new Set([
  lib.OPS.paintImageXObject, lib.OPS.paintInlineImageXObject, lib.OPS.paintImageXObjectRepeat,
  lib.OPS.paintInlineImageXObjectGroup, lib.OPS.paintImageMaskXObject, lib.OPS.paintImageMaskXObjectGroup,
  lib.OPS.paintImageMaskXObjectRepeat, lib.OPS.paintSolidColorImageMask,
].filter((op) => typeof op === 'number'));

const LETTER = /\p{L}/gu;

/** Whether the page paints an image (pdf.js decodes it on the way: asked only of pages with little text). */
async function paintsImage(page) {
  try {
    const ops = await page.getOperatorList({ intent: 'display' });
    return ops.fnArray.some((op) => IMAGE_OPS.has(op));
  } catch {
    return true; // unreadable drawing: let the rasteriser try
  }
}

async function read({ data, maxPages, minLetters, maxChars, checkMs }) {
  const started = performance.now();
  const task = openPdf(data);
  try {
    const doc = await task.promise;
    const count = Math.min(doc.numPages, maxPages);
    const pages = [];
    let chars = 0;
    for (let n = 1; n <= count; n++) {
      const page = await doc.getPage(n);
      const [x1, y1, x2, y2] = page.view;
      let text = '';
      if (chars < maxChars) {
        const content = await page.getTextContent({ disableNormalization: false });
        for (const it of content.items) {
          if (typeof it.str !== 'string') continue;
          text += it.str;
          if (it.hasEOL) text += '\n';
          if (text.length > maxChars - chars) break;
        }
      }
      chars += text.length;
      const letters = (text.match(LETTER) ?? []).length;
      // Past `checkMs` (a long scan: every image is decoded to look at it) a page with little text is taken for a scan unchecked.
      const images = letters < minLetters && (performance.now() - started > checkMs || (await paintsImage(page)));
      pages.push({ text, letters, images, width: Math.abs(x2 - x1), height: Math.abs(y2 - y1) });
      page.cleanup();
    }
    return { numPages: doc.numPages, pages };
  } finally {
    await task.destroy().catch(() => {});
  }
}

parentPort.on('message', async (msg) => {
  try {
    parentPort.postMessage({ id: msg.id, ...(await read(msg)) });
  } catch (err) {
    parentPort.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
