// The text of a stored file, page by page: the text layer read by pdf.js (pdfjs-dist's legacy build)
// in a worker thread of its own (text-worker.mjs: one file at a time, a time limit and a memory cap,
// terminated and replaced when a file exceeds either), and the pages that have no text layer but
// paint an image (scans, the paper path's photos) recognised by OCR (ocr.ts) when it is available,
// else counted as missing. Text is kept in NFC, without characters PostgreSQL cannot store.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ThreadRunner } from '../../lib/thread-runner.js';
import { ocrPage, type OcrOptions } from './ocr.js';

export interface ExtractOptions {
  /** Reading one file's text layer gives up after this long (TEXT_TIMEOUT_SECONDS). */
  timeoutMs: number;
  /** Pages after this many are not read. */
  maxPages: number;
  /** The text kept for one file is cut at this many characters (a tsvector holds at most 1 MB). */
  maxChars: number;
  /** OCR settings when OCR is available; null: scanned pages are counted as missing. */
  ocr: OcrOptions | null;
  /** Stops the OCR child processes (the job is stopping). */
  signal?: AbortSignal;
}

export interface ExtractedText {
  /** Each page's text (NFC), in page order; "" for a page with nothing read. */
  pages: string[];
  /** Pages in the file (pages past `maxPages` are not in `pages`). */
  numPages: number;
  /** Pages read by OCR, and pages that needed it when none was available. */
  ocrPages: number;
  missingPages: number;
  /** Why OCR failed on some pages (they are counted in missingPages). */
  ocrError: string | null;
}

/** The file could not be read (damaged, not a PDF pdf.js accepts, too slow, too large). */
export class TextExtractError extends Error {}

/** A page with fewer letters than this in its text layer is a scan if it paints an image. */
const MIN_LETTERS = 40;
const MEMORY_MB = 512;

interface WorkerPage { text: string; letters: number; images: boolean; width: number; height: number }
type Answer = { id: number; numPages?: number; pages?: WorkerPage[]; error?: string };

/** NFC, without NUL and other control characters (except line ends and tabs) or lone surrogates; \f separates pages. */
export function cleanText(s: string): string {
  return s
    .normalize('NFC')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

export const isPdf = (b: Buffer) => b.subarray(0, 1024).includes('%PDF-');

/**
 * Reads files' text, one at a time, on a pdf.js thread of its own (each job and the reindex
 * command has one; `close` ends the thread, and a later read starts another).
 */
export class TextReader {
  private readonly thread = new ThreadRunner<Answer>({
    url: new URL('./text-worker.mjs', import.meta.url),
    memoryMb: MEMORY_MB,
    error: (why) => new TextExtractError(`cannot read the PDF: ${why}`),
  });

  /** The text of `pdf`, page by page. Throws TextExtractError when pdf.js cannot read it; a page OCR fails on is counted missing. */
  extract(pdf: Buffer, opts: ExtractOptions): Promise<ExtractedText> {
    return extractText(this.thread, pdf, opts);
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}

async function extractText(thread: ThreadRunner<Answer>, pdf: Buffer, opts: ExtractOptions): Promise<ExtractedText> {
  const data = new Uint8Array(pdf); // a copy, handed over to the thread
  // Looking for images on pages with little text decodes them: at most half the time allowed is spent on it.
  const msg = { data, maxPages: opts.maxPages, minLetters: MIN_LETTERS, maxChars: opts.maxChars, checkMs: opts.timeoutMs / 2 };
  const answer = await thread.run(msg, [data.buffer], opts.timeoutMs);
  if (answer.error !== undefined) throw new TextExtractError(`cannot read the PDF: ${answer.error}`);
  const found = answer.pages ?? [];
  const pages = found.map((p) => cleanText(p.text));
  const scans = found.flatMap((p, i) => (p.images ? [i] : []));
  const numPages = answer.numPages ?? found.length;
  if (!scans.length || !opts.ocr) return { pages, numPages, ocrPages: 0, missingPages: scans.length, ocrError: null };
  let ocrPages = 0;
  let ocrError: string | null = null;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lienthong-ocr-'));
  try {
    const file = path.join(dir, 'file.pdf');
    await fs.writeFile(file, pdf);
    for (const i of scans) {
      let text: string;
      try {
        text = cleanText(await ocrPage(opts.ocr, file, i, found[i]!, dir, opts.signal)).trim();
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        // One page OCR cannot read (too slow, a crash) is missing; the rest of the file is kept.
        ocrError ??= `OCR of page ${i + 1} failed: ${(err as Error).message.split('\n')[0]}`;
        continue;
      }
      ocrPages++;
      pages[i] = pages[i]!.trim() ? `${pages[i]}\n${text}` : text;
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  return { pages, numPages, ocrPages, missingPages: scans.length - ocrPages, ocrError };
}
