// One step of the text job, shared by the background worker (src/jobs/text.ts) and `reindex
// --texts` (src/cli/reindex.ts): claim the next due file (text-queue.ts), read its bytes from the
// store (bounded by the upload limit), extract its text (text-extract.ts), store it with its
// counts, and refresh the search rows of the documents holding it (indexer.ts refreshTextOf).
import type { Config } from '../../config.js';
import type { Deps } from '../../lib/deps.js';
import { refreshTextOf } from './indexer.js';
import type { OcrOptions } from './ocr.js';
import { isPdf, TextExtractError, type TextReader } from './text-extract.js';
import { claimText, failAbandoned, failText, releaseClaim, renewLease, storeText, type Claim } from './text-queue.js';

export interface TextOutcome {
  sha256: string;
  state: 'done' | 'no_ocr' | 'failed' | 'retry' | 'released' | 'lost';
  pages: number;
  ocrPages: number;
  missingPages: number;
  elapsedMs: number;
  error?: string;
}

export interface TextJobContext {
  deps: Pick<Deps, 'db' | 'store' | 'log'> & { config: Config };
  reader: TextReader;
  /** OCR settings when OCR is available (detectOcr), else null. */
  ocr: OcrOptions | null;
  /** Aborted when the job stops: the claim is given back, not counted as a failure. */
  signal: AbortSignal;
}

/** OCR settings from the configuration. */
export function ocrOptions(config: Config): OcrOptions {
  return { command: config.ocrCommand, language: config.ocrLanguage, dpi: config.ocrDpi, pageTimeoutMs: config.ocrPageTimeoutMs };
}

/** A file over this size is never read (the largest upload the app accepts; edXML may bring larger). */
const maxBytes = (config: Config) => config.maxUploadBytes;

class FileTooLarge extends Error {}

async function readStored(ctx: TextJobContext, claim: Claim): Promise<Buffer> {
  const limit = maxBytes(ctx.deps.config);
  if (claim.size > limit) throw new FileTooLarge(`the file is larger than ${Math.round(limit / 1048576)} MB (MAX_UPLOAD_MB): its text is not read`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of await ctx.deps.store.get(claim.sha256)) {
    total += (chunk as Buffer).length;
    if (total > limit) throw new FileTooLarge(`the file is larger than ${Math.round(limit / 1048576)} MB (MAX_UPLOAD_MB): its text is not read`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, total);
}

/** Claims and reads the next due file; null when nothing is due. */
export async function processNextText(ctx: TextJobContext): Promise<TextOutcome | null> {
  const { db, config, log } = ctx.deps;
  await failAbandoned(db, config.textMaxAttempts);
  if (ctx.signal.aborted) return null;
  const claim = await claimText(db, config.textLeaseMs, config.textMaxAttempts);
  if (!claim) return null;
  const started = performance.now();
  const renew = setInterval(() => void renewLease(db, claim, config.textLeaseMs).catch(() => {}), Math.max(1000, config.textLeaseMs / 3));
  renew.unref();
  const outcome = (state: TextOutcome['state'], extra: Partial<TextOutcome> = {}): TextOutcome => ({
    sha256: claim.sha256, state, pages: 0, ocrPages: 0, missingPages: 0, elapsedMs: performance.now() - started, ...extra,
  });
  try {
    const bytes = await readStored(ctx, claim);
    let stored;
    if (!isPdf(bytes)) {
      stored = { state: 'done' as const, text: '', pages: 0, ocrPages: 0, missingPages: 0, error: 'not a PDF: no text read', elapsedMs: performance.now() - started };
    } else {
      const r = await ctx.reader.extract(bytes, {
        timeoutMs: config.textTimeoutMs, maxPages: config.textMaxPages, maxChars: MAX_TEXT_CHARS, ocr: ctx.ocr, signal: ctx.signal,
      });
      if (ctx.signal.aborted) throw new Error('stopping');
      stored = {
        state: r.missingPages > 0 ? ('no_ocr' as const) : ('done' as const),
        text: r.pages.join('\f').slice(0, MAX_TEXT_CHARS),
        pages: r.numPages, ocrPages: r.ocrPages, missingPages: r.missingPages, error: r.ocrError,
        elapsedMs: performance.now() - started,
      };
    }
    clearInterval(renew);
    if (!(await storeText(db, claim, stored))) return outcome('lost');
    await refreshTextOf(db, [claim.sha256]);
    return outcome(stored.state, { pages: stored.pages, ocrPages: stored.ocrPages, missingPages: stored.missingPages, elapsedMs: stored.elapsedMs });
  } catch (err) {
    clearInterval(renew);
    if (ctx.signal.aborted) {
      await releaseClaim(db, claim);
      return outcome('released');
    }
    const message = err instanceof TextExtractError || err instanceof FileTooLarge ? err.message : `cannot read the file: ${(err as Error).message}`;
    const state = await failText(db, claim, message, { maxAttempts: config.textMaxAttempts, retryMs: config.textRetryMs, final: err instanceof FileTooLarge });
    if (state === 'failed') await refreshTextOf(db, [claim.sha256]);
    log.warn({ sha256: claim.sha256, attempt: claim.attempt, err: message }, state === 'failed' ? 'file text failed for good' : 'file text failed, will retry');
    return outcome(state, { error: message });
  }
}

/** Characters of a file's text kept (the index uses at most 500,000 of a document's). */
export const MAX_TEXT_CHARS = 1_000_000;
