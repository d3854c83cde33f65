// The pdf.js side of text-layer.ts, in a worker thread of its own: plain JavaScript started
// without the TypeScript loader (pdf.js is 3.5 MB of JavaScript that the loader would transform
// again in every process), and a thread the main one can terminate when a hostile file keeps
// pdf.js busy. Receives {id, data, pages, maxPages, maxItems}; answers {id, pages} with each
// page's size and its horizontal text items, or {id, error}.
import { parentPort } from 'node:worker_threads';

// pdf.js loaded once for this thread (polyfill, quiet load, its fake worker): src/lib/pdfjs.mjs.
import { openPdf } from '../../../lib/pdfjs.mjs';

async function read({ data, pages, maxPages, maxItems }) {
  const task = openPdf(data);
  try {
    const doc = await task.promise;
    const count = doc.numPages;
    const wanted = (pages ?? Array.from({ length: count }, (_, i) => i))
      .map((p) => (p < 0 ? count + p : p))
      .filter((p, i, all) => Number.isInteger(p) && p >= 0 && p < count && all.indexOf(p) === i)
      .slice(0, maxPages);
    const out = [];
    for (const index of wanted) {
      const page = await doc.getPage(index + 1);
      const [x1, y1, x2, y2] = page.view;
      const content = await page.getTextContent();
      const items = [];
      for (const it of content.items.slice(0, maxItems)) {
        if (typeof it.str !== 'string' || !it.str) continue;
        const [a, b, c, d, e, f] = it.transform;
        // Horizontal, upright text only (a rotated stamp or margin note is not what we look for).
        if (!(a > 0 && d > 0 && Math.abs(b) < 1e-3 * a && Math.abs(c) < 1e-3 * d)) continue;
        if (![e, f, it.width].every((v) => Number.isFinite(v))) continue;
        items.push({ str: it.str.slice(0, 2000), x: e, y: f, width: it.width, height: it.height, fontSize: d, fontName: it.fontName });
      }
      out.push({ page: index, width: Math.abs(x2 - x1), height: Math.abs(y2 - y1), items });
      page.cleanup();
    }
    return out;
  } finally {
    await task.destroy().catch(() => {});
  }
}

parentPort.on('message', async (msg) => {
  try {
    parentPort.postMessage({ id: msg.id, pages: await read(msg) });
  } catch (err) {
    parentPort.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
