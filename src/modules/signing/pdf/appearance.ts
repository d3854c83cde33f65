// The widget's appearance stream (/AP /N): a Form XObject drawing PNGs and text lines.
// It is built inside a scratch pdf-lib document whose object numbers start above the target
// file's, and we copy its objects: pdf-lib decodes PNGs (alpha as an SMask); the text uses a
// DejaVu Serif subset built once per process (font.ts), and the form's content we write here.
import { PDFDocument, type PDFContext, type PDFRef } from 'pdf-lib';
import { encodeLine, fontFor, registerFont, serif } from './font.js';
import { formatNumber as n } from './serialize.js';
import { RawObject } from './writer.js';

export type Rect = [number, number, number, number]; // x1, y1, x2, y2 in PDF user space (points)
export interface AppearanceSpec {
  /** 0-based; negative counts from the end (-1 = last page). */
  page: number;
  /** The widget's rectangle on the page. */
  rect: Rect;
  /** PNGs (alpha kept as an SMask), each rect relative to the widget's lower-left corner. */
  images?: Array<{ png: Buffer; rect: Rect }>;
  /** Lines top to bottom, top-left aligned in rect (default: the whole widget), in DejaVu Serif. */
  text?: { lines: string[]; fontSize: number; color?: [number, number, number]; rect?: Rect };
}

/** [x, y, width, height] of a rect given by any two opposite corners; throws on non-numbers. */
export function normRect(r: Rect, what: string): [number, number, number, number] {
  if (!Array.isArray(r) || r.length !== 4 || !r.every((n) => typeof n === 'number' && Number.isFinite(n))) {
    throw new Error(`${what} must be four finite numbers [x1, y1, x2, y2]`);
  }
  const [x1, y1, x2, y2] = r;
  return [Math.min(x1, x2), Math.min(y1, y2), Math.abs(x2 - x1), Math.abs(y2 - y1)];
}

/**
 * Registers the appearance Form XObject (and the font and images it uses) in `doc`'s context
 * and returns its reference. `width`/`height` are the widget's size; zero gives an empty form,
 * which invisible signatures still carry (PDF/A wants an /AP on every widget). A bare context
 * is enough without images (those need a PDFDocument: pdf-lib embeds PNGs there).
 */
export async function buildAppearance(doc: PDFDocument | PDFContext, width: number, height: number, spec?: AppearanceSpec): Promise<PDFRef> {
  const ctx = doc instanceof PDFDocument ? doc.context : doc;
  const ops: string[] = [];
  const xobjects: string[] = [];
  let font: PDFRef | null = null;

  for (const [i, img] of (spec?.images ?? []).entries()) {
    const [x, y, w, h] = normRect(img.rect, `appearance.images[${i}].rect`);
    if (!Buffer.isBuffer(img.png)) throw new Error(`appearance.images[${i}].png must be a Buffer`);
    if (!(doc instanceof PDFDocument)) throw new Error('images in an appearance need a scratch PDFDocument');
    const embedded = await doc.embedPng(img.png).catch((e: unknown) => {
      throw new Error(`appearance.images[${i}] is not a readable PNG: ${(e as Error).message}`);
    });
    xobjects.push(`/Im${i} ${embedded.ref.objectNumber} 0 R`);
    // An image XObject fills the unit square; cm scales it to w x h and moves it to (x, y).
    ops.push(`q ${n(w)} 0 0 ${n(h)} ${n(x)} ${n(y)} cm /Im${i} Do Q`);
  }

  const text = spec?.text;
  if (text && text.lines.length > 0) {
    if (!(text.fontSize > 0 && Number.isFinite(text.fontSize))) throw new Error('appearance.text.fontSize must be a positive number');
    const [x, y, w, h] = text.rect ? normRect(text.rect, 'appearance.text.rect') : [0, 0, width, height];
    const [r, g, b] = text.color ?? [0, 0, 0];
    const metrics = serif();
    const embedded = await fontFor(text.lines);
    font = registerFont(ctx, embedded);
    const size = text.fontSize;
    // Clip to the text box so a long line cannot spill over the page outside the widget.
    ops.push(`q ${n(x)} ${n(y)} ${n(w)} ${n(h)} re W n`, `BT ${n(r)} ${n(g)} ${n(b)} rg /F0 ${n(size)} Tf`);
    ops.push(`${n(x)} ${n(y + h - metrics.ascent * size)} Td`); // first baseline one ascent below the top
    text.lines.forEach((line, i) => {
      if (i > 0) ops.push(`0 ${n(-metrics.lineGap * size)} Td`);
      ops.push(`${encodeLine(embedded, line)} Tj`);
    });
    ops.push('ET Q');
  }

  const resources = [font ? `/Font << /F0 ${font.objectNumber} 0 R >>` : '', xobjects.length ? `/XObject << ${xobjects.join(' ')} >>` : ''];
  const content = Buffer.from(ops.join('\n'), 'latin1');
  const dict = `<< /Type /XObject /Subtype /Form /BBox [0 0 ${n(width)} ${n(height)}] /Matrix [1 0 0 1 0 0]` +
    ` /Resources << ${resources.filter(Boolean).join(' ')} >> /Length ${content.length} >>\nstream\n`;
  const ref = ctx.nextRef();
  ctx.assign(ref, new RawObject(Buffer.concat([Buffer.from(dict, 'latin1'), content, Buffer.from('\nendstream', 'latin1')])));
  // Materialise the image objects (PNG decoding, SMask).
  if (xobjects.length && doc instanceof PDFDocument) await doc.flush();
  return ref;
}
