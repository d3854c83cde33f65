// Page images of stored PDFs at phone width (issue 14): the reader shows these first on a weak link
// (≈ 100 KB for a scanned A4 page at 720 px, against the megabytes pdf.js needs for the same page)
// and turns to pdf.js only to zoom beyond them. Rendered by poppler's `pdftoppm` (a child process
// with a time limit), once per file content, page, width and format for every reader: the image is
// stored in the object store with a `blobs` row (kept by the sweep, copied by backups) and a
// `page_previews` row naming it. Two requests for the same image in one process render it once.
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { and, eq } from 'drizzle-orm';
import type { Deps } from '../../lib/deps.js';
import { badRequest, notFound, unprocessable } from '../../lib/errors.js';
import { runLimited } from '../../lib/run-process.js';
import { adoptStaged, forgetUnreferenced, lockAddress } from './blobs.js';
import { blobs, pagePreviews } from './tables.js';

export const PREVIEW_WIDTHS = [360, 540, 720, 1080, 1440] as const;
export const PREVIEW_FORMATS = ['jpg', 'png'] as const;
export type PreviewFormat = (typeof PREVIEW_FORMATS)[number];
export const PREVIEW_TYPES: Record<PreviewFormat, string> = { jpg: 'image/jpeg', png: 'image/png' };
/** JPEG quality: a noisy 300 dpi scan of an A4 page at 720 px is about 100 KB, its text still sharp at 1:1. */
const JPEG_QUALITY = 45;
/** A page much taller than wide (a hostile MediaBox) is drawn no taller than this many widths. */
const MAX_ASPECT = 4;
const RENDER_TIMEOUT_MS = 30_000;
/** Renders at once in this process (each is one pdftoppm); more wait their turn. */
const MAX_PARALLEL = 2;

export interface StoredPreview {
  sha256: string;
  size: number;
  height: number;
  format: PreviewFormat;
  /** The file's page count. */
  pages: number;
}

/** How many images this process has rendered (tests check that a cached image is not rendered again). */
export const previewCounters = { renders: 0, byKey: new Map<string, number>() };

/** "3.jpg" → {page: 3, format: 'jpg'}; anything else (0, 01, -1, 3.webp, 3) → 400. */
export function parsePreviewName(name: string, width: number | undefined, maxPage = 100_000): { page: number; format: PreviewFormat; width: number } {
  const m = /^([1-9][0-9]{0,5})\.(jpg|png)$/.exec(name);
  if (!m || Number(m[1]) > maxPage) throw badRequest('Số trang không hợp lệ (1, 2, … và .jpg hoặc .png)', 'Invalid page (1, 2, … with .jpg or .png)');
  const w = width ?? 720;
  if (!(PREVIEW_WIDTHS as readonly number[]).includes(w)) {
    throw badRequest(`Độ rộng ảnh phải là một trong ${PREVIEW_WIDTHS.join(', ')}`, `width must be one of ${PREVIEW_WIDTHS.join(', ')}`);
  }
  return { page: Number(m[1]), format: m[2] as PreviewFormat, width: w };
}

let running = 0;
const waiting: Array<() => void> = [];
async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

const inFlight = new Map<string, Promise<StoredPreview>>();
/** Page counts and sizes of files already asked about (by content), so a bad page number costs no render. */
const pageInfo = new Map<string, { pages: number }>();

/** Page `page`'s image of the stored file `file` (rendered and stored the first time). */
export async function pagePreview(
  deps: Pick<Deps, 'db' | 'store' | 'log' | 'config'>,
  file: { sha256: string; size: number },
  want: { page: number; width: number; format: PreviewFormat },
): Promise<StoredPreview> {
  const known = pageInfo.get(file.sha256);
  if (known && want.page > known.pages) throw pageOutOfRange(known.pages);
  const stored = await findPreview(deps, file.sha256, want);
  if (stored) return stored;
  const key = `${file.sha256}:${want.page}:${want.width}:${want.format}`;
  let job = inFlight.get(key);
  if (!job) {
    job = slot(() => render(deps, file, want)).finally(() => inFlight.delete(key));
    inFlight.set(key, job);
  }
  return job;
}

const warmed = new Set<string>();
/**
 * In the background: pages 1 and 2 of a file at the width phones ask for, so the first reader's
 * image is ready or on its way when asked for (called when a document is opened; once per file
 * content in this process). Errors are only logged.
 */
export function warmPreviews(deps: Pick<Deps, 'db' | 'store' | 'log' | 'config'>, file: { sha256: string; size: number; contentType?: string }) {
  if (!deps.config.pageImagesAhead || warmed.has(file.sha256) || (file.contentType && file.contentType !== 'application/pdf')) return;
  warmed.add(file.sha256);
  if (warmed.size > 5000) warmed.delete(warmed.values().next().value!);
  void (async () => {
    for (const page of [1, 2]) {
      try {
        await pagePreview(deps, file, { page, width: 720, format: 'jpg' });
      } catch (err) {
        if ((err as { status?: number }).status !== 400) deps.log.warn({ err, sha: file.sha256, page }, 'page image not prepared');
        return;
      }
    }
  })();
}

async function findPreview(deps: Pick<Deps, 'db' | 'store'>, fileSha: string, want: { page: number; width: number; format: PreviewFormat }) {
  const [row] = await deps.db.select().from(pagePreviews).where(and(
    eq(pagePreviews.fileSha256, fileSha), eq(pagePreviews.page, want.page), eq(pagePreviews.width, want.width), eq(pagePreviews.format, want.format),
  ));
  // A row whose object is missing (a store restored without it) is rendered again.
  if (!row || !(await deps.store.stat(row.sha256))) return null;
  return { sha256: row.sha256, size: row.size, height: row.height, format: row.format, pages: row.pages };
}

const pageOutOfRange = (pages: number) => badRequest(`Văn bản chỉ có ${pages} trang`, `The file has ${pages} pages`);

async function render(
  deps: Pick<Deps, 'db' | 'store' | 'log' | 'config'>,
  file: { sha256: string; size: number },
  want: { page: number; width: number; format: PreviewFormat },
): Promise<StoredPreview> {
  const again = await findPreview(deps, file.sha256, want);
  if (again) return again;
  if (file.size > deps.config.maxUploadBytes) throw unprocessable('Tệp quá lớn để tạo ảnh trang', 'The file is too large for page images');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lt-preview-'));
  try {
    const pdf = path.join(dir, 'file.pdf');
    await pipeline(await deps.store.get(file.sha256), (await fs.open(pdf, 'w')).createWriteStream());
    const info = await pdfPage(pdf, want.page);
    pageInfo.set(file.sha256, { pages: info.pages });
    if (pageInfo.size > 1000) pageInfo.delete(pageInfo.keys().next().value!);
    if (want.page > info.pages) throw pageOutOfRange(info.pages);
    const height = Math.max(1, Math.min(MAX_ASPECT * want.width, Math.round((want.width * info.height) / Math.max(1, info.width))));
    const n = String(want.page);
    const out = path.join(dir, 'page');
    const kind = want.format === 'jpg' ? ['-jpeg', '-jpegopt', `quality=${JPEG_QUALITY},progressive=y,optimize=y`] : ['-png'];
    try {
      await runLimited('pdftoppm', ['-f', n, '-l', n, '-singlefile', '-scale-to-x', String(want.width), '-scale-to-y', String(height), ...kind, pdf, out], { timeoutMs: RENDER_TIMEOUT_MS, priority: 0 });
    } catch (err) {
      deps.log.warn({ err, sha: file.sha256, page: want.page }, 'pdftoppm could not render a page image');
      throw cannotRender();
    }
    previewCounters.renders++;
    const counted = `${file.sha256}:${want.page}:${want.width}:${want.format}`;
    previewCounters.byKey.set(counted, (previewCounters.byKey.get(counted) ?? 0) + 1);
    return await keep(deps, file.sha256, want, `${out}.${want.format}`, { height, pages: info.pages });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const cannotRender = () => unprocessable('Không tạo được ảnh trang: hãy mở bản PDF', 'Could not render the page image: open the PDF');

/** The page count, and page `page`'s displayed size in points (rotation applied), from poppler's pdfinfo. */
async function pdfPage(pdf: string, page: number): Promise<{ pages: number; width: number; height: number }> {
  let stdout: string;
  try {
    ({ stdout } = await runLimited('pdfinfo', ['-f', String(page), '-l', String(page), pdf], { timeoutMs: RENDER_TIMEOUT_MS, priority: 0 }));
  } catch {
    throw cannotRender();
  }
  const pages = Number(/^Pages:\s+(\d+)/m.exec(stdout)?.[1] ?? 0);
  const size = /size:\s+([\d.]+) x ([\d.]+) pts/.exec(stdout);
  const rot = Number(/rot:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  let [width, height] = size ? [Number(size[1]), Number(size[2])] : [595, 842];
  if (rot % 180 === 90) [width, height] = [height, width];
  return { pages, width, height };
}

/** Stores the rendered image and its row, under the file's address lock (the file cannot be forgotten meanwhile). */
async function keep(deps: Pick<Deps, 'db' | 'store' | 'log'>, fileSha: string, want: { page: number; width: number; format: PreviewFormat }, image: string, dims: { height: number; pages: number }) {
  const staged = await deps.store.stage(createReadStream(image));
  let promoted: string[] = [];
  try {
    await deps.db.transaction(async (tx) => {
      await lockAddress(tx, fileSha);
      const [fileRow] = await tx.select({ sha: blobs.sha256 }).from(blobs).where(eq(blobs.sha256, fileSha));
      if (!fileRow) throw notFound('Không tìm thấy tệp', 'File not found');
      promoted = await adoptStaged(deps, tx, [staged]);
      await tx.insert(pagePreviews)
        .values({ fileSha256: fileSha, ...want, sha256: staged.sha256, size: staged.size, ...dims })
        .onConflictDoUpdate({ target: [pagePreviews.fileSha256, pagePreviews.page, pagePreviews.width, pagePreviews.format], set: { sha256: staged.sha256, size: staged.size, ...dims } });
    });
  } catch (err) {
    await deps.store.discard(staged).catch(() => undefined);
    await forgetUnreferenced(deps, promoted);
    throw err;
  }
  return { sha256: staged.sha256, size: staged.size, ...dims, format: want.format };
}
