// "Cấp số" on the page: at issue the number/notation and the date are written onto the main file
// where the document prints "Số: …/QĐ-UBND" and "…, ngày … tháng … năm …" (found in its text
// layer), or at points the clerk picked, as an incremental update of read-only FreeText
// annotations with their own appearance streams. The page's content stream is never rewritten,
// so the leader's signature stays valid (validators see an allowed change: annotations added
// after an approval signature) and the seal that follows covers the whole.
//
// Two steps, so an interrupted issue finishes the same way: locateStamp reads the text layer once
// and returns a small JSON layout (stored with the number), applyStamp writes the texts it
// describes — deterministic given the layout, the notation, the date and the place.
import { PDFContext } from 'pdf-lib';
import { VN_OFFSET_MS } from '../../lib/time.js';
import { AppError, unprocessable } from '../../lib/errors.js';
import { certifiedNoChanges } from '../../lib/pdf/structure.js';
import { encodeLine, fontFor, registerFont, serif } from './pdf/font.js';
import { appended, copyDict } from './pdf/form.js';
import { fromHeader } from './pdf/incremental.js';
import { PdfSyntaxError, type PdfValue } from './pdf/lexer.js';
import { catalogOf, findPage, pageCountOf } from './pdf/pages.js';
import { PdfReader, readingErrors } from './pdf/reader.js';
import { formatNumber as n, ref, serialize } from './pdf/serialize.js';
import { encodeTextString, pdfDate } from './pdf/text.js';
import { TextLayerError, findDateLine, findNumberLine, textLines } from './pdf/text-layer.js';
import { lastXref, UnsupportedPdfError } from './pdf/trailer.js';
import { objectBytes, writeUpdate, type UpdateObject } from './pdf/writer.js';

/** A point the clerk picked: 0-based page (negative from the end), the text's baseline start in PDF points. */
export interface Placement {
  page: number;
  x: number;
  y: number;
}

/** Where the number goes. */
export type NumberSlot =
  /** In the blank after a printed "Số:": the digits right before the printed suffix, or the whole notation after "Số:". */
  | { kind: 'line'; page: number; y: number; fontSize: number; labelEnd: number; suffixStart: number; suffix: string }
  /** At a picked point: "Số: 01/QĐ-UBND". */
  | { kind: 'point'; page: number; x: number; y: number; fontSize: number };

/** Where the date goes. */
export type DateSlot =
  | {
    kind: 'line'; page: number; y: number; fontSize: number;
    /** The blanks still empty (null: already filled in print). */
    day: [number, number] | null;
    month: [number, number] | null;
    /** After "năm": where the year (or its missing digits after a printed "20") starts; null: printed. */
    year: { x: number; printed: string } | null;
    /** The left edge of "ngày" when the line has no place name. */
    placeBefore: number | null;
  }
  | { kind: 'point'; page: number; x: number; y: number; fontSize: number };

export interface StampLayout {
  number: NumberSlot | null;
  date: DateSlot | null;
  /** Why nothing (or only part) can be written, for the log and the event. */
  note?: string;
}

const DEFAULT_SIZE = 13;
/** Larger files are not handed to pdf.js (a copy goes to its thread); placements still work. */
const MAX_TEXT_LAYER_BYTES = 100 * 1024 * 1024;
const clampSize = (s: number) => (Number.isFinite(s) ? Math.min(16, Math.max(8, Math.round(s * 10) / 10)) : DEFAULT_SIZE);

/**
 * Where the number and date will go. A placement wins over the text layer; a text layer that
 * cannot be read (a scan, a hostile file) simply finds nothing. Throws 422 only for a placement
 * off the page or a file whose page tree we cannot read (it could not be sealed either).
 */
export async function locateStamp(pdf: Buffer, placements: { numberPlacement?: Placement | null; datePlacement?: Placement | null } = {}): Promise<StampLayout> {
  const file = fromHeader(pdf);
  const checked = (p: Placement, what: string) => {
    const size = pageBox(file, p.page);
    if (!(p.x >= 0 && p.y >= 0 && p.x < size.width && p.y < size.height)) {
      throw unprocessable(
        `Vị trí ghi ${what === 'number' ? 'số' : 'ngày'} (${p.x}, ${p.y}) nằm ngoài trang ${p.page} (${Math.round(size.width)} × ${Math.round(size.height)} pt)`,
        `The ${what} placement (${p.x}, ${p.y}) is outside page ${p.page} (${Math.round(size.width)} × ${Math.round(size.height)} pt)`,
      );
    }
    return { ...p, page: size.index };
  };
  const layout: StampLayout = { number: null, date: null };
  if (placements.numberPlacement) layout.number = { kind: 'point', ...checked(placements.numberPlacement, 'number'), fontSize: DEFAULT_SIZE };
  if (placements.datePlacement) layout.date = { kind: 'point', ...checked(placements.datePlacement, 'date'), fontSize: DEFAULT_SIZE };
  if (layout.number && layout.date) return layout;

  if (file.length > MAX_TEXT_LAYER_BYTES) return { ...layout, note: `the file is over ${MAX_TEXT_LAYER_BYTES >> 20} MB: its text layer is not read` };
  let lines;
  try {
    lines = await textLines(file, { pages: [0] });
  } catch (err) {
    if (!(err instanceof TextLayerError)) throw err;
    return { ...layout, note: err.message };
  }
  if (!layout.number) {
    const found = findNumberLine(lines);
    if (found && !found.number) {
      layout.number = {
        kind: 'line', page: found.line.page, y: found.line.y, fontSize: clampSize(found.line.fontSize),
        labelEnd: found.labelEnd, suffixStart: found.suffixStart, suffix: found.suffix,
      };
    }
  }
  if (!layout.date) {
    const found = findDateLine(lines);
    if (found) {
      const fontSize = clampSize(found.line.fontSize);
      const year = /^\d{4}$/.test(found.year.value) ? null : { x: found.year.x0, printed: found.year.value };
      layout.date = {
        kind: 'line', page: found.line.page, y: found.line.y, fontSize,
        day: found.day.value ? null : [found.day.x0, found.day.x1],
        month: found.month.value ? null : [found.month.x0, found.month.x1],
        year, placeBefore: found.place ? null : found.ngayStart,
      };
    }
  }
  if (!layout.number || !layout.date) {
    layout.note = lines.length ? 'the text layer has no "Số:" or no "ngày … tháng … năm" line' : 'the file has no text layer (a scan?)';
  }
  return layout;
}

/** Day and month with two digits and the year of `at` in Vietnam time (NĐ 30: "ngày 05 tháng 02 năm 2026"). */
export function vnDateParts(at: Date): { day: string; month: string; year: string } {
  const d = new Date(at.getTime() + VN_OFFSET_MS);
  return { day: String(d.getUTCDate()).padStart(2, '0'), month: String(d.getUTCMonth() + 1).padStart(2, '0'), year: String(d.getUTCFullYear()) };
}

/** "Sơn Hà, ngày 30 tháng 11 năm 2026" (without the place when there is none). */
export function dateLine(at: Date, place: string | null): string {
  const { day, month, year } = vnDateParts(at);
  return `${place ? `${place}, ` : ''}ngày ${day} tháng ${month} năm ${year}`;
}

const LEVELS = String.raw`xã|phường|thị trấn|đặc khu|huyện|quận|thị xã|thành phố|tp\.?|tỉnh`;
const BODIES = String.raw`(?:ủy|uỷ) ban nhân dân|ubnd|hội đồng nhân dân|hđnd|đảng (?:ủy|uỷ)|(?:ủy|uỷ) ban mặt trận tổ quốc(?: việt nam)?|mttq|văn phòng (?:hđnd và ubnd|ubnd)|công an|ban chỉ huy quân sự`;

/**
 * The place name of a unit from its name, for the date line when the unit has no `place_name`:
 * "Xã Sơn Hà" / "Ủy ban nhân dân xã Sơn Hà" / "ĐẢNG ỦY XÃ SƠN HÀ" → "Sơn Hà", "Huyện ủy Thử" →
 * "Thử"; null when the name carries no administrative level ("Trường THCS Sơn Hà").
 */
export function placeFromUnitName(name: string): string | null {
  let s = name.normalize('NFC').replace(/\s+/g, ' ').trim();
  const party = new RegExp(String.raw`^(?:huyện|tỉnh|thành|quận|thị) (?:ủy|uỷ)\s+`, 'iu');
  if (party.test(s)) s = s.replace(party, '');
  else {
    s = s.replace(new RegExp(String.raw`^(?:${BODIES})\s+`, 'iu'), '');
    const level = new RegExp(String.raw`^(?:${LEVELS})\s+`, 'iu');
    if (!level.test(s)) return null;
    s = s.replace(level, '');
  }
  s = s.trim();
  if (!s || !/\p{L}/u.test(s)) return null;
  // A name in capitals ("SƠN HÀ") is written as a name ("Sơn Hà").
  if (s === s.toLocaleUpperCase('vi')) s = s.toLocaleLowerCase('vi').replace(/(^|[\s-])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toLocaleUpperCase('vi'));
  return s;
}

/** One text drawn on a page: baseline start, font size. */
export interface Piece {
  page: number;
  x: number;
  y: number;
  size: number;
  text: string;
}

/** Advance width of `text` in our serif at `size` points. */
export function textWidth(text: string, size: number): number {
  const f = serif().font;
  let w = 0;
  for (const ch of text.normalize('NFC')) {
    const g = f.glyphForCodePoint(ch.codePointAt(0)!);
    w += g ? g.advanceWidth : f.unitsPerEm / 2;
  }
  return (w / f.unitsPerEm) * size;
}

/**
 * The texts the layout asks for, given the notation ("01/QĐ-UBND", "05-KL/HU"), the date of issue
 * and the place name. A number in a blank too narrow for it is set smaller (down to 70 %), so it
 * does not run into the printed suffix.
 */
export function stampPieces(layout: StampLayout, v: { notation: string; at: Date; placeName: string | null }): Piece[] {
  const pieces: Piece[] = [];
  const num = layout.number;
  if (num?.kind === 'point') pieces.push({ page: num.page, x: num.x, y: num.y, size: num.fontSize, text: `Số: ${v.notation}` });
  else if (num) {
    const digits = /^\d+/.exec(v.notation)?.[0] ?? '';
    const ours = v.notation.slice(digits.length);
    const space = textWidth(' ', num.fontSize);
    const room = num.suffixStart - num.labelEnd;
    if (num.suffix && digits && num.suffix === ours) {
      // "Số:" [blank] "/QĐ-UBND": the digits end where the suffix starts, so the line reads "Số: 01/QĐ-UBND".
      const size = fitted(digits, num.fontSize, room - space * 0.6);
      pieces.push({ page: num.page, x: num.suffixStart - textWidth(digits, size) - size * 0.02, y: num.y, size, text: digits });
    } else {
      // No suffix, or one that is not ours: the whole notation after "Số:".
      const size = num.suffix ? fitted(v.notation, num.fontSize, room - space * 1.6) : num.fontSize;
      pieces.push({ page: num.page, x: num.labelEnd + space, y: num.y, size, text: v.notation });
    }
  }

  const date = layout.date;
  const { day, month, year } = vnDateParts(v.at);
  if (date?.kind === 'point') pieces.push({ page: date.page, x: date.x, y: date.y, size: date.fontSize, text: dateLine(v.at, v.placeName) });
  else if (date) {
    const size = date.fontSize;
    const centred = (text: string, [x0, x1]: [number, number]) => {
      const s = fitted(text, size, x1 - x0 - textWidth(' ', size) * 0.8);
      pieces.push({ page: date.page, x: (x0 + x1) / 2 - textWidth(text, s) / 2, y: date.y, size: s, text });
    };
    if (date.day) centred(day, date.day);
    if (date.month) centred(month, date.month);
    if (date.year) {
      const printed = date.year.printed;
      const rest = printed && year.startsWith(printed) ? year.slice(printed.length) : year;
      const x = date.year.x + (printed ? textWidth(` ${printed}`, size) : textWidth(' ', size));
      if (rest) pieces.push({ page: date.page, x, y: date.y, size, text: rest });
    }
    if (date.placeBefore !== null && v.placeName) {
      const text = `${v.placeName},`;
      pieces.push({ page: date.page, x: date.placeBefore - textWidth(' ', size) - textWidth(text, size), y: date.y, size, text });
    }
  }
  return pieces;
}

function fitted(text: string, size: number, room: number): number {
  const w = textWidth(text, size);
  return w <= room || w === 0 ? size : Math.max(size * 0.7, Math.floor((size * room / w) * 10) / 10);
}

/** Whether the layout writes everything (the number and the date), for `stamped` in the issue event. */
export const isComplete = (layout: StampLayout) => Boolean(layout.number && layout.date);

/**
 * Writes the pieces onto `pdf` as one incremental update: one FreeText annotation per piece,
 * read-only, locked and printed, whose appearance stream draws the text in DejaVu Serif. Returns
 * the input unchanged when there is nothing to write. Throws UnsupportedPdfError for a file our
 * reader cannot update (the seal could not go on it either).
 */
export async function writeStamp(input: Buffer, pieces: Piece[], at: Date): Promise<Buffer> {
  if (pieces.length === 0) return input;
  const pdf = fromHeader(input);
  const last = lastXref(pdf);
  if (last.encrypted) throw new UnsupportedPdfError('encrypted PDFs cannot be stamped');
  const src = PdfReader.open(pdf, last);
  if (src.trailer('Encrypt')) throw new UnsupportedPdfError('encrypted PDFs cannot be stamped');
  const pages = readingErrors(() => {
    const catalog = catalogOf(src);
    if (certifiedNoChanges(src, catalog)) throw new UnsupportedPdfError('the PDF is certified with "no changes allowed" (DocMDP P=1)');
    const count = pageCountOf(src);
    const found = new Map<number, NonNullable<ReturnType<typeof findPage>>>();
    for (const p of pieces) {
      const page = Number.isInteger(p.page) && p.page >= 0 && p.page < count ? (found.get(p.page) ?? findPage(src, p.page)) : null;
      if (!page) throw new UnsupportedPdfError(`page ${p.page} does not exist (the PDF has ${count} pages)`);
      found.set(p.page, page);
    }
    return found;
  });

  const ctx = PDFContext.create();
  const base = Math.max(src.nextFreeNumber(), ctx.largestObjectNumber + 1);
  ctx.largestObjectNumber = base - 1;
  const font = await fontFor(pieces.map((p) => p.text));
  const fontRef = registerFont(ctx, font);
  const metrics = serif();
  const descent = metrics.font.descent / metrics.font.unitsPerEm; // negative
  const latin1 = (s: string) => Buffer.from(s, 'latin1');
  const annots = new Map<number, number[]>(); // page index -> new annotation numbers
  const bodies: UpdateObject[] = [];
  for (const [i, p] of pieces.entries()) {
    const w = textWidth(p.text, p.size);
    const pad = 1;
    const [x1, y1] = [p.x - pad, p.y + descent * p.size - pad];
    const [bw, bh] = [w + 2 * pad, (metrics.ascent - descent) * p.size + 2 * pad];
    const content = `BT 0 0 0 rg /F0 ${n(p.size)} Tf ${n(pad)} ${n(p.y - y1)} Td ${encodeLine(font, p.text)} Tj ET`;
    const form = ctx.nextRef().objectNumber;
    bodies.push({
      num: form, gen: 0,
      body: latin1(`<< /Type /XObject /Subtype /Form /BBox [0 0 ${n(bw)} ${n(bh)}] /Matrix [1 0 0 1 0 0] /Resources << /Font << /F0 ${fontRef.objectNumber} 0 R >> >> /Length ${content.length} >>\nstream\n${content}\nendstream`),
    });
    const annot = ctx.nextRef().objectNumber;
    const page = pages.get(p.page)!;
    bodies.push({
      num: annot, gen: 0,
      body: latin1([
        '<<', '/Type /Annot', '/Subtype /FreeText',
        `/Rect [ ${[x1, y1, x1 + bw, y1 + bh].map(n).join(' ')} ]`,
        `/Contents ${encodeTextString(p.text)}`,
        `/NM (lienthong-cap-so-${i + 1})`,
        `/M (${pdfDate(at)})`,
        // Print (4) + ReadOnly (64) + Locked (128): printed, not editable, not movable.
        '/F 196', `/P ${page.num} ${page.gen} R`,
        `/DA (0 g /Helv ${n(p.size)} Tf)`, '/Q 0', '/BS << /W 0 >>', '/Border [0 0 0]',
        `/AP << /N ${form} 0 R >>`, '>>',
      ].join('\n')),
    });
    annots.set(p.page, [...(annots.get(p.page) ?? []), annot]);
  }

  const objects: UpdateObject[] = [];
  for (const [index, nums] of annots) {
    const page = pages.get(index)!;
    const add = (items: PdfValue[]) => nums.reduce<PdfValue>((arr, a) => appended(arr.t === 'arr' ? arr.v : [], ref(a)), { t: 'arr', v: items });
    const raw = page.dict.v.get('Annots');
    const arr = src.resolve(raw);
    if (raw?.t === 'ref' && arr?.t === 'arr') objects.push({ num: raw.num, gen: raw.gen, body: latin1(serialize(add(arr.v))) });
    else {
      const d = copyDict(page.dict);
      d.v.set('Annots', add(arr?.t === 'arr' ? arr.v : []));
      objects.push({ num: page.num, gen: page.gen, body: latin1(serialize(d)) });
    }
  }
  for (const [r, obj] of ctx.enumerateIndirectObjects()) {
    if (r.objectNumber >= base) objects.push({ num: r.objectNumber, gen: 0, body: objectBytes(obj) });
  }
  objects.push(...bodies);

  const root = src.trailer('Root');
  if (root?.t !== 'ref') throw new UnsupportedPdfError('cannot read the PDF: the trailer /Root is not an indirect object');
  const trailer: Record<string, string> = { Root: `${root.num} ${root.gen} R` };
  for (const key of ['Info', 'ID']) {
    const v = src.trailer(key);
    if (v) trailer[key] = serialize(v);
  }
  const { tail } = writeUpdate({
    baseLength: pdf.length,
    endsWithEol: pdf[pdf.length - 1] === 0x0a || pdf[pdf.length - 1] === 0x0d,
    objects,
    kind: last.kind,
    size: Math.max(base, ctx.largestObjectNumber + 1),
    trailer,
    prev: last.offset,
  });
  return Buffer.concat([pdf, tail]);
}

/** The stamp on the main file: the layout's texts written; `stamped` when both the number and the date are on the page. */
export async function applyStamp(pdf: Buffer, layout: StampLayout, v: { notation: string; at: Date; placeName: string | null }) {
  const pieces = stampPieces(layout, v);
  return { pdf: await writeStamp(pdf, pieces, v.at), stamped: isComplete(layout), pieces: pieces.length };
}

/** Page size and index (negative from the end) for a placement; 422 when the page does not exist or cannot be read. */
function pageBox(pdf: Buffer, page: number): { index: number; width: number; height: number } {
  try {
    const r = PdfReader.open(pdf);
    const count = pageCountOf(r);
    const index = page < 0 ? count + page : page;
    const p = Number.isInteger(index) && index >= 0 && index < count ? findPage(r, index) : null;
    if (!p) {
      throw unprocessable(`Trang ${page} không có trong tệp (tệp có ${count} trang)`, `Page ${page} does not exist (the file has ${count} pages)`);
    }
    const [x1, y1, x2, y2] = p.mediaBox;
    return { index, width: Math.abs(x2 - x1), height: Math.abs(y2 - y1) };
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (err instanceof UnsupportedPdfError || err instanceof PdfSyntaxError) {
      throw unprocessable(`Không đọc được tệp PDF để ghi số (${err.message})`, `Cannot read the PDF to write the number (${err.message})`);
    }
    throw err;
  }
}
