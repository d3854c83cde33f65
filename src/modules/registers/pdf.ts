import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import {
  beginText, type Color, endText, PageSizes, PDFDocument, type PDFFont, type PDFHexString, type PDFName, type PDFOperator, type PDFPage, rgb,
  setFillingRgbColor, setFontAndSize, setTextMatrix, showText,
} from 'pdf-lib';
import type { Register } from './build-register.js';
import { dmy, vnDay } from './range.js';

interface ColumnLayout {
  /** Points on a 786 pt wide table (A4 landscape less 28 pt margins); scaled if that changes. */
  width: number;
  align?: 'left' | 'center';
  /** Break the line after the first occurrence, so "Công văn:" stands above the subject. */
  breakAfter?: string;
}

const C = { align: 'center' } as const;
const TYPE_AND_SUBJECT: ColumnLayout = { width: 0, breakAfter: ': ' };
// Widths follow what each column holds: dates and numbers just fit, the subject gets the most.
const LAYOUTS: Record<Register['kind'], ColumnLayout[]> = {
  outgoing: [
    { width: 70, ...C }, { width: 54, ...C }, { ...TYPE_AND_SUBJECT, width: 192 }, { width: 80 }, { width: 110 },
    { width: 56 }, { width: 34, ...C }, { width: 54, ...C }, { width: 76 }, { width: 60 },
  ],
  incoming: [
    { width: 54, ...C }, { width: 36, ...C }, { width: 74 }, { width: 72, ...C }, { width: 54, ...C },
    { ...TYPE_AND_SUBJECT, width: 262 }, { width: 78 }, { width: 54, ...C }, { width: 36 }, { width: 66 },
  ],
  'follow-up': [
    { width: 36, ...C }, { width: 290 }, { width: 140 }, { width: 54, ...C }, { width: 150 }, { width: 70, ...C }, { width: 60 },
  ],
  // The secret register: the outgoing/incoming columns with "Độ mật" after the subject.
  'secret-outgoing': [
    { width: 70, ...C }, { width: 54, ...C }, { ...TYPE_AND_SUBJECT, width: 186 }, { width: 40, ...C }, { width: 76 }, { width: 100 },
    { width: 56 }, { width: 34, ...C }, { width: 54, ...C }, { width: 60 }, { width: 56 },
  ],
  'secret-incoming': [
    { width: 54, ...C }, { width: 34, ...C }, { width: 74 }, { width: 70, ...C }, { width: 54, ...C },
    { ...TYPE_AND_SUBJECT, width: 200 }, { width: 40, ...C }, { width: 76 }, { width: 54, ...C }, { width: 50 }, { width: 80 },
  ],
  secret: [
    { width: 30, ...C }, { width: 30, ...C }, { width: 70, ...C }, { width: 54, ...C }, { ...TYPE_AND_SUBJECT, width: 170 }, { width: 40, ...C },
    { width: 90 }, { width: 70 }, { width: 34, ...C }, { width: 70 }, { width: 54, ...C }, { width: 74 },
  ],
};

const [PAGE_W, PAGE_H] = [PageSizes.A4[1], PageSizes.A4[0]]; // landscape: 841.89 x 595.28 pt
const MARGIN_X = 28;
const TOP = PAGE_H - 24;
const BOTTOM = 34; // the page number sits below this
const SIZE = 8;
const LINE = 10; // leading for 8 pt text
const PAD = 3;
const BLACK = rgb(0, 0, 0);
const GREY = rgb(0.35, 0.35, 0.35);
const HEADER_FILL = rgb(0.92, 0.92, 0.92);

// DejaVu Serif covers every Vietnamese letter precomposed; the files are read once.
// fontkit is loaded with them, on the first register printed (≈ 0.5 s of CPU), not by every process.
type Fontkit = typeof import('@pdf-lib/fontkit');
let fontFiles: { regular: Buffer; bold: Buffer; ascent: number; fontkit: Fontkit } | null = null;
function fonts() {
  if (!fontFiles) {
    const req = createRequire(import.meta.url);
    const read = (name: string) => fs.readFileSync(req.resolve(`dejavu-fonts-ttf/ttf/${name}`));
    const fontkit = req('@pdf-lib/fontkit') as Fontkit;
    const regular = read('DejaVuSerif.ttf');
    const f = fontkit.create(regular);
    fontFiles = { regular, bold: read('DejaVuSerif-Bold.ttf'), ascent: f.ascent / f.unitsPerEm, fontkit };
  }
  return fontFiles;
}

/**
 * The embedded font at the table's size. Words (Vietnamese syllables) and whole lines repeat a lot,
 * and each fontkit layout is costly, so widths and encoded lines are cached.
 */
class Face {
  private widths = new Map<string, number>();
  private encoded = new Map<string, PDFHexString>();
  private space: number;
  constructor(readonly font: PDFFont, readonly size: number) {
    this.space = font.widthOfTextAtSize(' ', size);
  }
  word(w: string): number {
    let v = this.widths.get(w);
    if (v === undefined) this.widths.set(w, (v = this.font.widthOfTextAtSize(w, this.size)));
    return v;
  }
  /** Width of a line as wrap() made it: words joined by single spaces. */
  line(text: string): number {
    const words = text.split(' ');
    return words.reduce((s, w) => s + this.word(w), 0) + (words.length - 1) * this.space;
  }
  /** Glyph ids of the subset font (encodeText also records the glyphs the subset must keep). */
  encode(text: string): PDFHexString {
    let v = this.encoded.get(text);
    if (v === undefined) this.encoded.set(text, (v = this.font.encodeText(text)));
    return v;
  }
  /** Lines no wider than `width`: words wrap at spaces, a word longer than a line is cut. */
  wrap(text: string, width: number): string[] {
    const lines: string[] = [];
    for (const para of text.split('\n')) {
      let line: string[] = [];
      let used = 0;
      for (let w of para.split(/\s+/).filter(Boolean)) {
        const extra = (line.length ? this.space : 0) + this.word(w);
        if (used + extra <= width) {
          line.push(w);
          used += extra;
          continue;
        }
        if (line.length) lines.push(line.join(' '));
        while (this.word(w) > width) {
          const chars = Array.from(w);
          let n = chars.length - 1;
          while (n > 1 && this.word(chars.slice(0, n).join('')) > width) n--;
          lines.push(chars.slice(0, n).join(''));
          w = chars.slice(n).join('');
        }
        line = [w];
        used = this.word(w);
      }
      lines.push(line.join(' '));
    }
    return lines;
  }
}

interface Ctx {
  ascent: number;
  cols: Array<ColumnLayout & { x: number; w: number }>;
}

function drawCentered(page: PDFPage, text: string, font: PDFFont, size: number, y: number) {
  page.drawText(text, { x: (PAGE_W - font.widthOfTextAtSize(text, size)) / 2, y, size, font, color: BLACK });
}

/**
 * Draws lines [from, from + n) of each cell as one ruled row whose top is at `top`, all its text in
 * one BT…ET block with `fontKey` (the face's name in this page's resources); returns its height.
 */
function drawRow(ctx: Ctx, page: PDFPage, fontKey: PDFName, face: Face, top: number, cells: string[][], from: number, n: number, fill?: Color) {
  const h = n * LINE + 2 * PAD;
  const text: PDFOperator[] = [beginText(), setFillingRgbColor(0, 0, 0), setFontAndSize(fontKey, SIZE)];
  ctx.cols.forEach((col, i) => {
    page.drawRectangle({ x: col.x, y: top - h, width: col.w, height: h, borderColor: BLACK, borderWidth: 0.5, color: fill });
    (cells[i] ?? []).slice(from, from + n).forEach((line, k) => {
      if (!line) return;
      const x = col.align === 'center' ? col.x + (col.w - face.line(line)) / 2 : col.x + PAD;
      text.push(setTextMatrix(1, 0, 0, 1, x, top - PAD - ctx.ascent * SIZE - k * LINE), showText(face.encode(line)));
    });
  });
  text.push(endText());
  page.pushOperators(...text);
  return h;
}

/**
 * The register as a PDF: A4 landscape, DejaVu Serif embedded (subset), a ruled table whose
 * header row repeats on every page, cells wrapped to their column, "Trang i/n" at the foot.
 * Built in memory: callers bound the number of rows.
 */
export async function renderRegisterPdf(r: Register, printedAt: Date): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const files = fonts();
  doc.registerFontkit(files.fontkit);
  // A subset font's name starts with a six-letter tag (PDF 32000 9.6.4); derived from the content so
  // the same register renders to the same bytes.
  const digest = createHash('sha256').update(JSON.stringify([r.title, r.unit, r.from, r.to, r.rows])).digest();
  const tag = (salt: number) => Array.from(digest.subarray(salt, salt + 6), (b) => String.fromCharCode(65 + (b % 26))).join('');
  const regular = await doc.embedFont(files.regular, { subset: true, customName: `${tag(0)}+DejaVuSerif` });
  const bold = await doc.embedFont(files.bold, { subset: true, customName: `${tag(6)}+DejaVuSerif-Bold` });
  doc.setTitle(`${r.title} – ${r.unit.name}`, { showInWindowTitleBar: true });
  doc.setLanguage('vi-VN');
  doc.setCreator('lienthong');
  doc.setProducer('lienthong');
  doc.setCreationDate(printedAt);
  doc.setModificationDate(printedAt);

  const layout = LAYOUTS[r.kind];
  const scale = (PAGE_W - 2 * MARGIN_X) / layout.reduce((s, c) => s + c.width, 0);
  const cols: Ctx['cols'] = [];
  for (const c of layout) {
    const prev = cols[cols.length - 1];
    cols.push({ ...c, x: prev ? prev.x + prev.w : MARGIN_X, w: c.width * scale });
  }
  const ctx: Ctx = { ascent: files.ascent, cols };
  const body = new Face(regular, SIZE);
  const head = new Face(bold, SIZE);
  const inner = (i: number) => cols[i]!.w - 2 * PAD;
  const header = r.columns.map((c, i) => head.wrap(c, inner(i)));
  const headerLines = Math.max(...header.map((l) => l.length));
  const period = `Từ ngày ${dmy(r.from)} đến ngày ${dmy(r.to)}`;

  let page!: PDFPage;
  let bodyKey!: PDFName;
  let y = 0;
  const newPage = () => {
    page = doc.addPage([PAGE_W, PAGE_H]);
    bodyKey = page.node.newFontDictionary(regular.name, regular.ref);
    // Running header: which register this page belongs to, also once the pages are separated.
    page.drawText(`${r.title} – ${r.unit.name}`, { x: MARGIN_X, y: TOP, size: 7, font: regular, color: GREY });
    page.drawText(period, { x: PAGE_W - MARGIN_X - regular.widthOfTextAtSize(period, 7), y: TOP, size: 7, font: regular, color: GREY });
    y = TOP - 10;
    if (doc.getPageCount() === 1) {
      drawCentered(page, r.title.toLocaleUpperCase('vi-VN'), bold, 15, y - 24);
      drawCentered(page, r.unit.name, regular, 12, y - 42);
      drawCentered(page, period, regular, 10, y - 58);
      y -= 72;
    }
    y -= drawRow(ctx, page, page.node.newFontDictionary(bold.name, bold.ref), head, y, header, 0, headerLines, HEADER_FILL);
  };
  newPage();
  const capacity = Math.floor((TOP - 10 - (headerLines * LINE + 2 * PAD) - BOTTOM - 2 * PAD) / LINE);

  if (r.rows.length === 0) {
    const msg = 'Không có văn bản nào trong khoảng thời gian này.';
    page.drawText(msg, { x: MARGIN_X + PAD, y: y - PAD - files.ascent * SIZE - 4, size: SIZE, font: regular, color: GREY });
  }
  for (const [index, row] of r.rows.entries()) {
    // Let other requests in now and then: a long register takes seconds to lay out.
    if (index % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
    const cells = row.map((text, i) => {
      const sep = cols[i]?.breakAfter;
      const at = sep ? text.indexOf(sep) : -1;
      const shaped = sep && at > 0 ? `${text.slice(0, at + sep.trimEnd().length)}\n${text.slice(at + sep.length)}` : text;
      return body.wrap(shaped, inner(i));
    });
    const total = Math.max(1, ...cells.map((l) => l.length));
    let start = 0;
    while (start < total) {
      const fit = Math.floor((y - BOTTOM - 2 * PAD) / LINE);
      const rest = total - start;
      // A row that fits on a fresh page moves there whole; only a row taller than a page is split.
      if (fit < rest && (rest <= capacity || fit < 1)) {
        newPage();
        continue;
      }
      const n = Math.min(fit, rest);
      y -= drawRow(ctx, page, bodyKey, body, y, cells, start, n);
      start += n;
    }
  }

  const pages = doc.getPages();
  const printed = `Lập ngày ${vnDay(printedAt)}`;
  pages.forEach((p, i) => {
    const label = `Trang ${i + 1}/${pages.length}`;
    p.drawText(label, { x: (PAGE_W - regular.widthOfTextAtSize(label, 8)) / 2, y: 16, size: 8, font: regular, color: BLACK });
    p.drawText(printed, { x: MARGIN_X, y: 16, size: 7, font: regular, color: GREY });
  });
  return doc.save({ objectsPerTick: 20 });
}
