// Optical character recognition of scanned pages with the system's Tesseract (Debian
// `tesseract-ocr` + `tesseract-ocr-vie`) after poppler's `pdftoppm` has rasterised the page (gray,
// OCR_DPI, one page at a time, the image removed at once). pdf.js in Node has no canvas here, so
// poppler renders. Both are child processes with a time limit and output caps, killed when the job
// stops; without them the app still runs and the pages are counted as missing ("chưa nhận dạng chữ").
import fs from 'node:fs/promises';
import path from 'node:path';
import { runLimited } from '../../lib/run-process.js';

export interface OcrOptions {
  /** The tesseract binary (OCR_COMMAND). */
  command: string;
  /** Tesseract language(s), e.g. "vie" or "vie+eng" (OCR_LANGUAGE). */
  language: string;
  /** Rasterising resolution (OCR_DPI). */
  dpi: number;
  /** Each child process (rasterise, recognise) is killed after this long (OCR_PAGE_TIMEOUT_SECONDS). */
  pageTimeoutMs: number;
}

export interface OcrStatus {
  available: boolean;
  /** Why not, for the log. */
  reason?: string;
}

/** The long side of a rendered page never exceeds this many pixels (a hostile page size cannot fill memory). */
const MAX_SIDE_PX = 7000;
const run = runLimited;

const statusCache = new Map<string, Promise<OcrStatus>>();

/**
 * Whether OCR can run: `tesseract --list-langs` lists every language asked for and `pdftoppm`
 * answers. Asked once per process and settings (at start; /healthz reports the answer).
 */
export function detectOcr(opts: Pick<OcrOptions, 'command' | 'language'>): Promise<OcrStatus> {
  const key = `${opts.command}\0${opts.language}`;
  let status = statusCache.get(key);
  if (!status) {
    status = probe(opts);
    statusCache.set(key, status);
  }
  return status;
}

async function probe(opts: Pick<OcrOptions, 'command' | 'language'>): Promise<OcrStatus> {
  let listed: string;
  try {
    const out = await run(opts.command, ['--list-langs'], { timeoutMs: 15_000 });
    listed = `${out.stdout}\n${out.stderr}`;
  } catch (err) {
    return { available: false, reason: `${opts.command} --list-langs failed: ${(err as Error).message.split('\n')[0]}` };
  }
  const have = new Set(listed.split(/\s+/).filter(Boolean));
  const missing = opts.language.split('+').filter((l) => !have.has(l));
  if (missing.length) return { available: false, reason: `tesseract has no model for ${missing.join(', ')} (install tesseract-ocr-vie)` };
  try {
    await run('pdftoppm', ['-v'], { timeoutMs: 15_000 });
  } catch (err) {
    return { available: false, reason: `pdftoppm (poppler-utils) is missing: ${(err as Error).message.split('\n')[0]}` };
  }
  return { available: true };
}

/** A rendered page with (almost) no dark pixel: nothing to recognise. */
export function isBlankPgm(pgm: Buffer): boolean {
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 64).toString('latin1'));
  if (!header) return false;
  const [, w, h, max] = header.map(Number) as [number, number, number, number];
  const start = header[0].length;
  if (max > 255 || pgm.length < start + w * h) return false;
  const threshold = max / 2;
  let dark = 0;
  const limit = Math.max(1, Math.floor(w * h * 0.00002)); // 56 pixels of an A4 page at 240 dpi: a word is not blank
  for (let i = start; i < start + w * h; i++) if (pgm[i]! < threshold && ++dark >= limit) return false;
  return true;
}

/**
 * The text of page `index` (0-based) of the PDF at `pdfPath`, whose size is `size` points:
 * rendered gray by pdftoppm into `workDir`, recognised by tesseract, the image removed. A blank
 * page gives "" without running tesseract.
 */
export async function ocrPage(
  opts: OcrOptions,
  pdfPath: string,
  index: number,
  size: { width: number; height: number },
  workDir: string,
  signal?: AbortSignal,
): Promise<string> {
  const base = path.join(workDir, `page-${index + 1}`);
  const image = `${base}.pgm`;
  const side = Math.max(1, Math.min(MAX_SIDE_PX, Math.round((Math.max(size.width, size.height, 1) * opts.dpi) / 72)));
  try {
    const n = String(index + 1);
    await run('pdftoppm', ['-f', n, '-l', n, '-gray', '-singlefile', '-scale-to', String(side), pdfPath, base], { timeoutMs: opts.pageTimeoutMs, signal });
    if (isBlankPgm(await fs.readFile(image))) return '';
    const { stdout } = await run(opts.command, [image, 'stdout', '-l', opts.language], { timeoutMs: opts.pageTimeoutMs, signal });
    return stdout;
  } finally {
    await fs.rm(image, { force: true });
  }
}
