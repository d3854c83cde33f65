// The widget's appearance stream (/AP /N): a Form XObject drawing PNGs and text lines.
// It is built inside a scratch pdf-lib document whose object numbers start above the target
// file's, so pdf-lib does the font subsetting and PNG/SMask work and we only copy its objects.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import {
  beginText,
  clip,
  concatTransformationMatrix,
  drawObject,
  endPath,
  endText,
  moveText,
  PDFName,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  setFillingRgbColor,
  setFontAndSize,
  showText,
  type PDFDocument,
  type PDFOperator,
  type PDFRef,
} from 'pdf-lib';

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

// DejaVu Serif covers every Vietnamese letter precomposed; read once, it is 370 kB.
let fontCache: { bytes: Buffer; ascent: number; lineGap: number } | null = null;
function serifFont() {
  if (!fontCache) {
    const file = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSerif.ttf');
    const bytes = fs.readFileSync(file);
    const f = fontkit.create(bytes);
    // Metrics per 1 pt of font size; pdf-lib's heightAtSize({descender:false}) mixes scales.
    fontCache = { bytes, ascent: f.ascent / f.unitsPerEm, lineGap: (f.ascent - f.descent + f.lineGap) / f.unitsPerEm };
  }
  return fontCache;
}

/**
 * Registers the appearance Form XObject (and the font and images it uses) in `doc`'s context
 * and returns its reference. `width`/`height` are the widget's size; zero gives an empty form,
 * which invisible signatures still carry (PDF/A wants an /AP on every widget).
 */
export async function buildAppearance(doc: PDFDocument, width: number, height: number, spec?: AppearanceSpec): Promise<PDFRef> {
  const ctx = doc.context;
  const ops: PDFOperator[] = [];
  const xobjects: Record<string, PDFRef> = {};
  const fonts: Record<string, PDFRef> = {};

  for (const [i, img] of (spec?.images ?? []).entries()) {
    const [x, y, w, h] = normRect(img.rect, `appearance.images[${i}].rect`);
    if (!Buffer.isBuffer(img.png)) throw new Error(`appearance.images[${i}].png must be a Buffer`);
    const embedded = await doc.embedPng(img.png).catch((e: unknown) => {
      throw new Error(`appearance.images[${i}] is not a readable PNG: ${(e as Error).message}`);
    });
    const key = `Im${i}`;
    xobjects[key] = embedded.ref;
    // An image XObject fills the unit square; cm scales it to w x h and moves it to (x, y).
    ops.push(pushGraphicsState(), concatTransformationMatrix(w, 0, 0, h, x, y), drawObject(key), popGraphicsState());
  }

  const text = spec?.text;
  if (text && text.lines.length > 0) {
    if (!(text.fontSize > 0 && Number.isFinite(text.fontSize))) throw new Error('appearance.text.fontSize must be a positive number');
    const [x, y, w, h] = text.rect ? normRect(text.rect, 'appearance.text.rect') : [0, 0, width, height];
    const [r, g, b] = text.color ?? [0, 0, 0];
    const metrics = serifFont();
    doc.registerFontkit(fontkit);
    const font = await doc.embedFont(metrics.bytes, { subset: true });
    fonts.F0 = font.ref;
    const size = text.fontSize;
    // Clip to the text box so a long line cannot spill over the page outside the widget.
    ops.push(pushGraphicsState(), rectangle(x, y, w, h), clip(), endPath());
    ops.push(beginText(), setFillingRgbColor(r, g, b), setFontAndSize('F0', size));
    ops.push(moveText(x, y + h - metrics.ascent * size)); // first baseline one ascent below the top
    text.lines.forEach((line, i) => {
      if (i > 0) ops.push(moveText(0, -metrics.lineGap * size));
      // encodeText gives glyph ids of the (Identity-H) subset font and records them for subsetting.
      ops.push(showText(font.encodeText(line)));
    });
    ops.push(endText(), popGraphicsState());
  }

  const resources = ctx.obj({});
  if (Object.keys(fonts).length) resources.set(PDFName.of('Font'), ctx.obj(fonts));
  if (Object.keys(xobjects).length) resources.set(PDFName.of('XObject'), ctx.obj(xobjects));
  const form = ctx.formXObject(ops, { BBox: [0, 0, width, height], Resources: resources });
  const ref = ctx.register(form);
  // Materialise the font subset (only the glyphs used above) and the image objects.
  await doc.flush();
  return ref;
}
