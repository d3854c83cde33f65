import type { Deps } from '../lib/deps.js';
import { TEXTS_CHANNEL } from '../modules/search/index-rows.js';
import { detectOcr } from '../modules/search/ocr.js';
import { TextReader } from '../modules/search/text-extract.js';
import { ocrOptions, processNextText, type TextOutcome } from '../modules/search/text-job.js';

export interface TextJob {
  /** Files this instance has read (done, no_ocr) or given up on (failed), since it started. */
  readonly stats: { read: number; failed: number; retried: number };
  /** Reads every due file now (resolves when none is left due). */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The text job of this replica (TEXT_EXTRACTION=0 turns it off): woken by NOTIFY on
 * `lienthong_texts` (sent by the indexer when it queues files) and by a slow tick (retries whose
 * wait is over, files of a replica that died), it reads due files one at a time until none is due.
 * Replicas share the queue through leases (modules/search/text-queue.ts). Stopping aborts the file
 * in hand (OCR processes killed, the claim given back) and ends the pdf.js thread.
 */
export async function startTextJob(deps: Deps, opts: { onOutcome?: (o: TextOutcome) => void } = {}): Promise<TextJob> {
  const { config, log } = deps;
  const reader = new TextReader();
  const abort = new AbortController();
  const status = await detectOcr({ command: config.ocrCommand, language: config.ocrLanguage });
  if (!status.available) log.warn({ reason: status.reason }, 'OCR unavailable: scanned pages are not read (chưa nhận dạng chữ)');
  const ocr = status.available ? ocrOptions(config) : null;
  const stats = { read: 0, failed: 0, retried: 0 };
  let running: Promise<void> | null = null;
  let again = false;
  const loop = async () => {
    do {
      again = false;
      for (;;) {
        let outcome: TextOutcome | null;
        try {
          outcome = await processNextText({ deps, reader, ocr, signal: abort.signal });
        } catch (err) {
          log.error({ err }, 'text job failed');
          break;
        }
        if (!outcome) break;
        if (outcome.state === 'done' || outcome.state === 'no_ocr') {
          stats.read++;
          const { sha256, state, pages, ocrPages, missingPages } = outcome;
          log.info({ sha256, state, pages, ocrPages, missingPages, ms: Math.round(outcome.elapsedMs) }, 'file text read');
        }
        else if (outcome.state === 'failed') stats.failed++;
        else if (outcome.state === 'retry') stats.retried++;
        opts.onOutcome?.(outcome);
        if (abort.signal.aborted) return;
      }
    } while (again && !abort.signal.aborted);
  };
  const drain = (): Promise<void> => {
    if (abort.signal.aborted) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = loop().finally(() => (running = null));
    return running;
  };
  const listener = await deps.sql.listen(TEXTS_CHANNEL, () => void drain());
  const timer = setInterval(() => void drain(), config.textTickMs);
  timer.unref();
  // The first look waits a moment (at most the tick, ≤ 5 s): files left from before a restart are
  // read once the app is up and answering, not while it starts.
  const first = setTimeout(() => void drain(), Math.min(config.textTickMs, 5000));
  first.unref();
  return {
    stats,
    drain,
    async stop() {
      abort.abort();
      clearInterval(timer);
      clearTimeout(first);
      await listener.unlisten().catch(() => {});
      // The pdf.js thread is ended first: a long read in hand stops at once (its claim is given back).
      await reader.close();
      await running;
      await reader.close();
    },
  };
}
