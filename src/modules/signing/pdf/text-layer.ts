// The text layer of a PDF with positions, read with pdf.js (pdfjs-dist's legacy build, no canvas,
// no font faces) in a worker thread of its own (text-layer-worker.mjs): items grouped into lines
// by baseline, a wide horizontal gap splitting a baseline into separate lines (NĐ 30 prints
// "Số: …" and "…, ngày … tháng … năm …" side by side on one baseline). Each character of a
// line's text has an x range, so callers can place something right after "Số:" or between
// "ngày" and "tháng". Bounded: a page cap, an item cap, a time limit and a memory cap on that
// thread; any failure of pdf.js is a TextLayerError the caller decides about (a scan or a
// hostile file simply has no usable text layer).
import { ThreadRunner } from '../../../lib/thread-runner.js';
import { serif } from './font.js';

export interface TextItem {
  str: string;
  /** Baseline start, in PDF user space (points). */
  x: number;
  y: number;
  width: number;
  height: number;
  fontSize: number;
  /** pdf.js's name for the font (a change of font with a gap separates two columns). */
  fontName?: string;
}

export interface TextLine {
  /** 0-based page index. */
  page: number;
  /** The items' strings joined (NFC), one space where the items leave a gap. */
  text: string;
  items: TextItem[];
  /** For each UTF-16 unit of `text`: its [x0, x1] on the page. */
  spans: Array<[number, number]>;
  /** Baseline start and extent. */
  x: number;
  y: number;
  width: number;
  height: number;
  fontSize: number;
  /** The page's size (MediaBox, points). */
  pageWidth: number;
  pageHeight: number;
}

export class TextLayerError extends Error {}

export interface TextLineOptions {
  /** 0-based page indexes to read (negative counts from the end); default: the first `maxPages`. */
  pages?: number[];
  /** At most this many pages are read (default 20). */
  maxPages?: number;
  /** Reading one file gives up after this long (default 20 s; the wait for earlier files is not counted). */
  timeoutMs?: number;
}

const MAX_ITEMS_PER_PAGE = 20_000;
/** A gap wider than this many font sizes splits a baseline into two lines (two columns). */
const COLUMN_GAP = 4;
/** …or wider than this many when the font changes too (a regular "Số:" beside an italic date). */
const COLUMN_GAP_FONT_CHANGE = 1.5;
/** A gap wider than this many font sizes between items reads as a space. */
const WORD_GAP = 0.15;

interface WorkerPage { page: number; width: number; height: number; items: TextItem[] }
type Answer = { id: number; pages?: WorkerPage[]; error?: string };

/**
 * One worker thread reads every text layer, one file at a time (src/lib/thread-runner.ts): started
 * on first use, it does not keep the process alive, and is replaced when a file takes longer than
 * the time limit or the thread dies (memory cap: a hostile file cannot take the process down).
 */
const reader = new ThreadRunner<Answer>({
  url: new URL('./text-layer-worker.mjs', import.meta.url),
  memoryMb: 384,
  error: (why) => new TextLayerError(why.startsWith('it took longer') ? 'reading the text layer took too long' : `the text-layer reader: ${why}`),
});

async function readPages(pdf: Buffer, msg: { pages?: number[]; maxPages: number; maxItems: number }, timeoutMs: number): Promise<WorkerPage[]> {
  const data = new Uint8Array(pdf); // a copy, handed over to the thread
  const answer = await reader.run({ data, ...msg }, [data.buffer], timeoutMs);
  if (answer.error !== undefined) throw new TextLayerError(`cannot read the text layer: ${answer.error}`);
  return answer.pages ?? [];
}

/**
 * Starts the reader thread and has it read a one-line page, so the first issue after start does
 * not wait for the thread and pdf.js to load (≈ 0.5 s of the first issue to 2,000 units, issue 13).
 * The server calls it once after listening (server.ts); errors are the caller's to ignore.
 */
export async function warmTextLayer(): Promise<void> {
  const content = 'BT /F1 12 Tf 72 720 Td (So: /UBND) Tj ET';
  // No cross-reference table: pdf.js rebuilds it, which is part of what gets loaded.
  const pdf = Buffer.from(
    '%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n' +
      '3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>\nendobj\n' +
      `4 0 obj\n<< /Length ${content.length} >>\nstream\n${content}\nendstream\nendobj\n` +
      '5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
    'latin1',
  );
  const lines = await textLines(pdf, { pages: [0], timeoutMs: 60_000 });
  if (!lines.some((l) => l.text.includes('UBND'))) throw new TextLayerError('the warm-up page read back no text');
}

/** The lines of the text layer, page by page, top to bottom, left to right. Throws TextLayerError. */
export async function textLines(pdf: Buffer, opts: TextLineOptions = {}): Promise<TextLine[]> {
  const pages = await readPages(pdf, { pages: opts.pages, maxPages: opts.maxPages ?? 20, maxItems: MAX_ITEMS_PER_PAGE }, opts.timeoutMs ?? 20_000);
  return pages.flatMap((p) => groupLines(p.page, p.items.map((i) => ({ ...i, str: i.str.normalize('NFC') })), p));
}

/** Items on one baseline (within a third of the font size) make a line; a wide gap starts another. */
export function groupLines(page: number, items: TextItem[], size: { width: number; height: number }): TextLine[] {
  const sorted = [...items].sort((p, q) => q.y - p.y || p.x - q.x);
  const rows: TextItem[][] = [];
  for (const it of sorted) {
    const row = rows[rows.length - 1];
    if (row && Math.abs(row[0]!.y - it.y) <= 0.35 * Math.max(row[0]!.fontSize, it.fontSize)) row.push(it);
    else rows.push([it]);
  }
  const lines: TextLine[] = [];
  for (const row of rows) {
    row.sort((p, q) => p.x - q.x);
    let current: TextItem[] = [];
    let end = -Infinity;
    let font: string | undefined;
    const flush = () => {
      const line = makeLine(page, current, size);
      if (line) lines.push(line);
      current = [];
    };
    for (const it of row) {
      const blank = it.str.trim() === '';
      const gap = it.x - end;
      if (current.length && !blank && (gap > COLUMN_GAP * it.fontSize || (gap > COLUMN_GAP_FONT_CHANGE * it.fontSize && it.fontName !== font))) flush();
      if (!blank || current.length) current.push(it);
      if (!blank) {
        end = Math.max(end, it.x + it.width);
        font = it.fontName;
      }
    }
    flush();
  }
  return lines;
}

function makeLine(page: number, items: TextItem[], size: { width: number; height: number }): TextLine | null {
  while (items.length && items[items.length - 1]!.str.trim() === '') items = items.slice(0, -1);
  if (!items.length) return null;
  let text = '';
  const spans: Array<[number, number]> = [];
  let end = items[0]!.x;
  for (const it of items) {
    const gap = it.x - end;
    if (text && gap > WORD_GAP * it.fontSize && !/\s$/.test(text) && !/^\s/.test(it.str)) {
      text += ' ';
      spans.push([end, it.x]);
    }
    const starts = charStarts(it.str, it.width);
    for (let i = 0; i < it.str.length; i++) spans.push([it.x + starts[i]!, it.x + starts[i + 1]!]);
    text += it.str;
    end = Math.max(end, it.x + it.width);
  }
  const first = items[0]!;
  const fontSize = Math.max(...items.map((i) => i.fontSize));
  return {
    page, text, items, spans, x: first.x, y: first.y, width: end - first.x,
    height: Math.max(...items.map((i) => i.height || i.fontSize)), fontSize, pageWidth: size.width, pageHeight: size.height,
  };
}

/**
 * Where each UTF-16 unit of an item starts, as offsets from its x: pdf.js gives only the item's
 * width, so it is shared out in proportion to the characters' advances in our serif font (close
 * enough to Times for placing a number in a blank).
 */
function charStarts(str: string, width: number): number[] {
  const font = serif().font;
  const adv = [...str].flatMap((ch) => {
    const g = font.glyphForCodePoint(ch.codePointAt(0)!);
    const w = g && g.id !== 0 ? g.advanceWidth : font.unitsPerEm / 2;
    return ch.length === 2 ? [w, 0] : [w]; // astral characters take two units, the second one no room
  });
  const total = adv.reduce((s, w) => s + w, 0) || 1;
  const starts = [0];
  let at = 0;
  for (const w of adv) starts.push((at += w) * width / total);
  return starts;
}

/** The x range of text[from, to) on the page. */
export function spanOf(line: TextLine, from: number, to: number): [number, number] {
  const a = line.spans[Math.max(0, Math.min(from, line.spans.length - 1))]!;
  const b = line.spans[Math.max(0, Math.min(to - 1, line.spans.length - 1))]!;
  return [a[0], Math.max(a[0], b[1])];
}

/** The first line matching `re`, with the match (use the `d` flag for group indices). */
export function findLine(lines: TextLine[], re: RegExp, where: (l: TextLine) => boolean = () => true): { line: TextLine; match: RegExpExecArray } | null {
  for (const line of lines) {
    if (!where(line)) continue;
    re.lastIndex = 0;
    const match = re.exec(line.text);
    if (match) return { line, match };
  }
  return null;
}

/** In the top part of a page (the header block of NĐ 30: the upper `fraction` of the page). */
export const inTop = (fraction: number) => (l: TextLine) => l.y >= l.pageHeight * (1 - fraction);

export interface NumberLine {
  line: TextLine;
  /** Right edge of "Số:". */
  labelEnd: number;
  /** What is printed after "Số:" (trimmed), e.g. "/QĐ-UBND"; "" when nothing. */
  suffix: string;
  /** Left edge of the suffix (or of the blank's end when there is none). */
  suffixStart: number;
  /** Digits already printed before the suffix (an already numbered document). */
  number: string | null;
}

/** The "Số: …/QĐ-UBND" line in the header (first page, top 40 %). */
export function findNumberLine(lines: TextLine[]): NumberLine | null {
  const hit = findLine(lines, /^\s*Số\s*:(?<blank>[\s._…]*)(?<number>\d+)?(?<suffix>[^\s].*)?$/du, (l) => l.page === 0 && inTop(0.4)(l));
  if (!hit) return null;
  const { line, match } = hit;
  const idx = match.indices!.groups!;
  const labelEnd = spanOf(line, 0, idx.blank![0])[1];
  const suffix = (match.groups!.suffix ?? '').trim();
  const suffixStart = idx.suffix ? spanOf(line, idx.suffix[0], idx.suffix[0] + 1)[0] : line.x + line.width;
  return { line, labelEnd, suffix, suffixStart, number: match.groups!.number ?? null };
}

export interface DateLine {
  line: TextLine;
  /** The place before ", ngày" ("" when the line starts with "ngày"). */
  place: string;
  /** Left edge of "ngày". */
  ngayStart: number;
  /** The blanks to fill: [x0, x1] between the words, and what is already there. */
  day: { x0: number; x1: number; value: string };
  month: { x0: number; x1: number; value: string };
  /** After "năm": the year if printed (may be "20" of a template "20…"). */
  year: { x0: number; x1: number; value: string };
}

const BLANK = String.raw`[\s._…]*`;
/** The "…, ngày … tháng … năm …" line in the header (first page, top 40 %). */
export function findDateLine(lines: TextLine[]): DateLine | null {
  const re = new RegExp(String.raw`^\s*(?<place>[^,]*?)\s*,?\s*(?<ngay>ngày)(?<d>${BLANK}(?:\d{1,2})?${BLANK})(?<thang>tháng)(?<m>${BLANK}(?:\d{1,2})?${BLANK})(?<nam>năm)(?<y>${BLANK}(?:\d{1,4})?${BLANK})$`, 'diu');
  const hit = findLine(lines, re, (l) => l.page === 0 && inTop(0.4)(l));
  if (!hit) return null;
  const { line, match } = hit;
  const idx = match.indices!.groups!;
  const g = match.groups!;
  const end = (k: string) => spanOf(line, idx[k]![0], idx[k]![1])[1];
  const start = (k: string) => spanOf(line, idx[k]![0], idx[k]![0] + 1)[0];
  const digits = (s: string) => (s.match(/\d+/) ?? [''])[0];
  const yearEnd = Math.max(end('nam') + line.fontSize * 0.3, idx.y![1] > idx.y![0] ? end('y') : 0);
  return {
    line,
    place: g.place!.trim(),
    ngayStart: start('ngay'),
    day: { x0: end('ngay'), x1: start('thang'), value: digits(g.d!) },
    month: { x0: end('thang'), x1: start('nam'), value: digits(g.m!) },
    year: { x0: end('nam'), x1: yearEnd, value: digits(g.y!) },
  };
}

/** A line in capitals (a position such as "CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN"): letters present, none lower case. */
export function isUppercaseLine(text: string): boolean {
  return /\p{L}/u.test(text) && text === text.toLocaleUpperCase('vi');
}

/** A personal name line: two to six capitalised words, no digits ("Nguyễn Văn An"). */
export function isNameLine(text: string): boolean {
  const words = text.trim().split(/\s+/);
  return words.length >= 2 && words.length <= 6 && words.every((w) => /^\p{Lu}\p{Ll}*$/u.test(w));
}
