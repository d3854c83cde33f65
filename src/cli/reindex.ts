// `npm run cli -- reindex [--texts]`: rebuilds the search index from the documents (every issued or
// recalled one, in batches, with a progress bar) and, with --texts, reads the text of every stored
// file again in this process (all marked pending first; OCR for scanned pages when available),
// with a second bar and a summary. Files the running app's text job is reading are left to it.
import type { Deps } from '../lib/deps.js';
import { rebuildIndex } from '../modules/search/indexer.js';
import { detectOcr } from '../modules/search/ocr.js';
import { TextReader } from '../modules/search/text-extract.js';
import { ocrOptions, processNextText } from '../modules/search/text-job.js';
import { pendingTexts, resetTexts, textTotals } from '../modules/search/text-queue.js';

export interface ReindexOptions {
  texts: boolean;
  /** Results (the summary). */
  out: NodeJS.WritableStream;
  /** Progress bars. */
  progress: NodeJS.WritableStream;
  /** Stops the text pass after the file in hand (Ctrl-C). */
  signal?: AbortSignal;
}

/** Exit code: 0 done, 1 done but some files' text could not be read (failed). */
export async function reindex(deps: Deps, opts: ReindexOptions): Promise<number> {
  const { SingleBar, Presets } = (await import('cli-progress')).default;
  const bar = (format: string) =>
    new SingleBar({ format, stream: opts.progress, hideCursor: true, noTTYOutput: true, notTTYSchedule: 10_000, etaBuffer: 50 }, Presets.shades_classic);
  const say = (line: string) => opts.out.write(`${line}\n`);

  const index = bar('Chỉ mục tìm kiếm (search index) [{bar}] {value}/{total} văn bản (documents) | {eta_formatted}');
  let started = false;
  const built = await rebuildIndex(deps.db, (done, total) => {
    if (!started) {
      started = true;
      index.start(total, done);
    } else index.update(done);
  });
  if (started) index.stop();
  say(`Đã lập lại chỉ mục cho ${built.documents} văn bản (search index rebuilt: ${built.documents} documents).`);
  if (!opts.texts) return 0;

  const status = await detectOcr({ command: deps.config.ocrCommand, language: deps.config.ocrLanguage });
  say(status.available
    ? `Nhận dạng chữ (OCR): có, ${deps.config.ocrLanguage}, ${deps.config.ocrDpi} dpi (available)`
    : `Nhận dạng chữ (OCR): không có — trang quét sẽ được tính là chưa nhận dạng chữ (unavailable: ${status.reason})`);
  const files = await resetTexts(deps.db);
  const reader = new TextReader();
  const signal = opts.signal ?? new AbortController().signal;
  const sums = { read: 0, pages: 0, ocrPages: 0, missingPages: 0, failed: 0, retry: 0 };
  const texts = bar('Đọc chữ trong tệp (file text) [{bar}] {value}/{total} tệp (files) | {pages} trang (pages), OCR {ocr} | {eta_formatted}');
  texts.start(files, 0, { pages: 0, ocr: 0 });
  const t0 = performance.now();
  try {
    for (;;) {
      const o = await processNextText({ deps, reader, ocr: status.available ? ocrOptions(deps.config) : null, signal });
      if (!o) break;
      if (o.state === 'done' || o.state === 'no_ocr') {
        sums.read++;
        sums.pages += o.pages;
        sums.ocrPages += o.ocrPages;
        sums.missingPages += o.missingPages;
      } else if (o.state === 'failed') sums.failed++;
      else if (o.state === 'retry') sums.retry++;
      if (o.state !== 'retry' && o.state !== 'released') texts.increment(1, { pages: sums.pages, ocr: sums.ocrPages });
      if (signal.aborted) break;
    }
  } finally {
    texts.stop();
    await reader.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const totals = await textTotals(deps.db);
  const waiting = await pendingTexts(deps.db);
  say(`Đã đọc ${sums.read}/${files} tệp trong ${seconds.toFixed(1)} s (files read): ${sums.pages} trang (pages), ` +
    `${sums.ocrPages} trang nhận dạng chữ (OCR pages), ${sums.missingPages} trang chưa nhận dạng chữ (pages without OCR), ` +
    `${totals.failed} tệp lỗi (failed files).`);
  if (waiting) say(`Còn ${waiting} tệp chờ đọc lại sau lỗi hoặc đang được ứng dụng đọc (files still pending: retried later or being read by the app).`);
  return totals.failed > 0 ? 1 : 0;
}
