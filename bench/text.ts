// "Text extraction ≥ 20 pages/s for text PDFs; OCR throughput printed": the text job's reader
// (modules/search/text-extract.ts: pdf.js in its worker thread) on a 100-page Vietnamese text PDF,
// against poppler's pdftotext on the same file in the same run (the baseline: a C reader), and
// OCR (pdftoppm + tesseract vie, OCR_DPI) on scanned pages, in pages per minute. Needs no database.
// BENCH_TEXT_PAGES (default 100) pages, BENCH_TEXT_RUNS (default 5) timed runs, BENCH_OCR_PAGES
// (default 3) scanned pages, BENCH_OCR_DPI (default 300).
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import { detectOcr } from '../src/modules/search/ocr.js';
import { TextReader } from '../src/modules/search/text-extract.js';
import { fmt, median, type SummaryRow } from './stats.js';

const run = promisify(execFile);
const intFromEnv = (name: string, def: number, min: number, max: number) => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v >= min && v <= max ? v : def;
};
const PAGES = intFromEnv('BENCH_TEXT_PAGES', 100, 1, 5000);
const RUNS = intFromEnv('BENCH_TEXT_RUNS', 5, 1, 100);
const OCR_PAGES = intFromEnv('BENCH_OCR_PAGES', 3, 0, 50);
const OCR_DPI = intFromEnv('BENCH_OCR_DPI', 300, 70, 600);
const TARGET_PAGES_PER_S = 20;
const say = (msg: string) => process.stdout.write(`[text] ${msg}\n`);

const LINES = [
  'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;',
  'Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;',
  'Ủy ban nhân dân tỉnh đề nghị các sở, ban, ngành và Ủy ban nhân dân các huyện, thị xã, thành phố',
  'khẩn trương triển khai công tác phòng, chống thiên tai, tìm kiếm cứu nạn trong mùa mưa bão năm 2026;',
  'rà soát phương án sơ tán dân cư ở vùng trũng thấp, ven sông, ven biển và khu vực có nguy cơ sạt lở đất;',
  'bảo đảm an toàn hồ đập, hệ thống đê điều; chuẩn bị đầy đủ lương thực, thuốc men, nước uống.',
];

/** A Vietnamese công văn of `pages` A4 pages, 36 lines of 11 pt DejaVu Sans each (a real text layer). */
async function textPdf(pages: number): Promise<Buffer> {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(await fs.readFile(path.join(root, 'node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf')), { subset: true });
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([595, 842]);
    for (let i = 0; i < 36; i++) page.drawText(`${i + 1}. ${LINES[(p + i) % LINES.length]!}`, { x: 50, y: 790 - i * 20, size: 9.5, font });
  }
  return Buffer.from(await doc.save());
}

/** Scanned pages: the text PDF's first pages rendered to JPEG at 200 dpi, one image per page (no text layer). */
async function scannedPdf(text: string, pages: number, dir: string): Promise<Buffer> {
  execFileSync('pdftoppm', ['-jpeg', '-r', '200', '-f', '1', '-l', String(pages), text, path.join(dir, 'scan')]);
  const jpegs = (await fs.readdir(dir)).filter((f) => f.startsWith('scan') && f.endsWith('.jpg')).sort();
  const doc = await PDFDocument.create();
  for (const f of jpegs) {
    const img = await doc.embedJpg(await fs.readFile(path.join(dir, f)));
    doc.addPage([595, 842]).drawImage(img, { x: 0, y: 0, width: 595, height: 842 });
  }
  return Buffer.from(await doc.save());
}

export async function benchText(): Promise<SummaryRow[]> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lienthong-bench-text-'));
  const reader = new TextReader();
  const rows: SummaryRow[] = [];
  try {
    const pdf = await textPdf(PAGES);
    const file = path.join(dir, 'text.pdf');
    await fs.writeFile(file, pdf);
    say(`${PAGES}-page text PDF, ${(pdf.length / 1024).toFixed(0)} KB; ${RUNS} timed runs after one warm-up (load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
    const opts = { timeoutMs: 600_000, maxPages: 100_000, maxChars: 10_000_000, ocr: null };
    const first = await reader.extract(pdf, opts);
    if (first.pages.length !== PAGES || !first.pages[0]!.includes('Ủy ban nhân dân tỉnh')) throw new Error('the reader did not read the pages');
    const ours: number[] = [];
    const base: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      await reader.extract(pdf, opts);
      ours.push(performance.now() - t);
      t = performance.now();
      await run('pdftotext', ['-enc', 'UTF-8', file, '-'], { maxBuffer: 64 * 1024 * 1024 });
      base.push(performance.now() - t);
    }
    const oursRate = PAGES / (median(ours) / 1000);
    const baseRate = PAGES / (median(base) / 1000);
    say(`text layer: ${fmt(oursRate)} pages/s (median ${fmt(median(ours))} ms per file); pdftotext ${fmt(baseRate)} pages/s (${fmt(median(base))} ms)`);
    rows.push({
      bench: 'text', metric: 'text PDF pages/s', value: fmt(oursRate), baseline: `${fmt(baseRate)} (pdftotext)`,
      ratio: fmt(oursRate / baseRate, 2), note: `target ≥ ${TARGET_PAGES_PER_S}: ${oursRate >= TARGET_PAGES_PER_S ? 'met' : 'NOT met'}`,
    });

    const ocr = await detectOcr({ command: process.env.OCR_COMMAND ?? 'tesseract', language: process.env.OCR_LANGUAGE ?? 'vie' });
    if (!OCR_PAGES) return rows;
    if (!ocr.available) {
      say(`OCR unavailable (${ocr.reason}): no OCR figure`);
      rows.push({ bench: 'text', metric: 'OCR pages/min', value: 'n/a', baseline: '-', ratio: '-', note: 'tesseract-ocr-vie not installed' });
      return rows;
    }
    const scan = await scannedPdf(file, OCR_PAGES, dir);
    const t = performance.now();
    const r = await reader.extract(scan, { ...opts, ocr: { command: process.env.OCR_COMMAND ?? 'tesseract', language: process.env.OCR_LANGUAGE ?? 'vie', dpi: OCR_DPI, pageTimeoutMs: 300_000 } });
    const ms = performance.now() - t;
    if (r.ocrPages !== OCR_PAGES) throw new Error(`OCR read ${r.ocrPages} of ${OCR_PAGES} pages${r.ocrError ? `: ${r.ocrError}` : ''}`);
    const perMin = OCR_PAGES / (ms / 60_000);
    say(`OCR: ${OCR_PAGES} scanned pages (${OCR_DPI} dpi, one tesseract thread) in ${fmt(ms / 1000)} s = ${fmt(perMin)} pages/min`);
    rows.push({ bench: 'text', metric: 'OCR pages/min', value: fmt(perMin), baseline: `${fmt(oursRate * 60, 0)} (text layer)`, ratio: fmt(perMin / (oursRate * 60), 4), note: `${OCR_DPI} dpi, tesseract vie` });
    return rows;
  } finally {
    await reader.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
