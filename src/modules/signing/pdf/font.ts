// DejaVu Serif for signature appearances, embedded as a Type0/CIDFontType2 font (Identity-H).
// Subsetting per signature (pdf-lib's embedFont: parse 370 kB with fontkit, shape, subset and
// deflate in JS) took ~10 ms, so instead one subset for a fixed repertoire (ASCII, Latin-1, every
// Vietnamese letter, common punctuation) is built once per process and its objects' bytes are
// reused; text is encoded with a direct character -> glyph map (no shaping: Vietnamese letters
// are precomposed glyphs in DejaVu once the text is NFC). Characters outside the repertoire that
// the font has get a one-off subset (cached too); those it lacks are drawn as "?".
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import type { Font } from '@pdf-lib/fontkit';
import type { PDFContext, PDFRef } from 'pdf-lib';
import { formatNumber as n } from './serialize.js';
import { RawObject } from './writer.js';

let serifCache: { font: Font; ascent: number; lineGap: number } | null = null;
/** The parsed font, once per process, with metrics per 1 pt of font size. */
export function serif() {
  if (!serifCache) {
    const req = createRequire(import.meta.url);
    const file = req.resolve('dejavu-fonts-ttf/ttf/DejaVuSerif.ttf');
    // fontkit is loaded on the first signature (≈ 0.5 s of CPU), not by every process that imports signing.
    const fontkit = req('@pdf-lib/fontkit') as typeof import('@pdf-lib/fontkit');
    const font = fontkit.create(fs.readFileSync(file));
    serifCache = { font, ascent: font.ascent / font.unitsPerEm, lineGap: (font.ascent - font.descent + font.lineGap) / font.unitsPerEm };
  }
  return serifCache;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
/** ASCII, Latin-1, the Vietnamese letters outside it (Ă Đ Ĩ Ũ Ơ Ư, U+1EA0–1EF9), punctuation. */
export const REPERTOIRE: readonly number[] = [
  ...range(0x20, 0x7e), ...range(0xa0, 0xff), 0x102, 0x103, 0x110, 0x111, 0x128, 0x129, 0x168, 0x169, 0x1a0, 0x1a1, 0x1af, 0x1b0,
  ...range(0x1ea0, 0x1ef9), ...[...'–—‘’‚“”„•…‰‹›€№™−≤≥'].map((c) => c.codePointAt(0)!),
];

const repertoireSet = new Set(REPERTOIRE);

export interface EmbeddedFont {
  /** Code point -> glyph id in the subset (= CID). */
  gidOf: Map<number, number>;
  question: number;
  type0: (cid: number, toUnicode: number) => Buffer;
  cid: (descriptor: number) => Buffer;
  descriptor: (fontFile: number) => Buffer;
  fontFile: Buffer;
  toUnicode: Buffer;
}

let standard: Promise<EmbeddedFont> | null = null;
const oneOff = new Map<string, Promise<EmbeddedFont>>();

/** The font to draw `lines` with: the standard subset, or one that also has their unusual characters. */
export function fontFor(lines: string[]): Promise<EmbeddedFont> {
  const f = serif().font;
  const extra = new Set<number>();
  for (const line of lines) for (const ch of line.normalize('NFC')) {
    const cp = ch.codePointAt(0)!;
    if (!repertoireSet.has(cp) && f.hasGlyphForCodePoint(cp)) extra.add(cp);
  }
  if (extra.size === 0) {
    standard ??= build(REPERTOIRE).catch((e: unknown) => {
      standard = null;
      throw e;
    });
    return standard;
  }
  const key = [...extra].sort((a, b) => a - b).join(',');
  let p = oneOff.get(key);
  if (!p) {
    if (oneOff.size >= 32) oneOff.clear();
    p = build([...REPERTOIRE, ...extra]);
    oneOff.set(key, p);
    p.catch(() => oneOff.delete(key));
  }
  return p;
}

/** A line as a hex string of 2-byte glyph ids for Tj. */
export function encodeLine(font: EmbeddedFont, line: string): string {
  let hex = '';
  for (const ch of line.normalize('NFC')) hex += (font.gidOf.get(ch.codePointAt(0)!) ?? font.question).toString(16).padStart(4, '0');
  return `<${hex}>`;
}

/** Writes the font's five objects into `ctx` (fresh numbers) and returns the Type0 font's reference. */
export function registerFont(ctx: PDFContext, font: EmbeddedFont): PDFRef {
  const [type0, cid, descriptor, file, toUnicode] = [ctx.nextRef(), ctx.nextRef(), ctx.nextRef(), ctx.nextRef(), ctx.nextRef()];
  ctx.assign(type0, new RawObject(font.type0(cid.objectNumber, toUnicode.objectNumber)));
  ctx.assign(cid, new RawObject(font.cid(descriptor.objectNumber)));
  ctx.assign(descriptor, new RawObject(font.descriptor(file.objectNumber)));
  ctx.assign(file, new RawObject(font.fontFile));
  ctx.assign(toUnicode, new RawObject(font.toUnicode));
  return type0;
}

const stream = (dict: string, data: Buffer) => Buffer.concat([Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]);
const utf16Hex = (cp: number) => Buffer.from(String.fromCodePoint(cp), 'utf16le').swap16().toString('hex').toUpperCase();
const hex4 = (gid: number) => gid.toString(16).toUpperCase().padStart(4, '0');

async function build(codePoints: readonly number[]): Promise<EmbeddedFont> {
  const f = serif().font;
  const subset = f.createSubset();
  const gidOf = new Map<number, number>();
  const unicode = new Map<number, number>(); // gid -> the first code point drawn with it
  for (const cp of codePoints) {
    const g = f.glyphForCodePoint(cp);
    if (!g || g.id === 0) continue;
    const gid = subset.includeGlyph(g.id);
    gidOf.set(cp, gid);
    if (!unicode.has(gid)) unicode.set(gid, cp);
  }
  const parts: Uint8Array[] = [];
  await new Promise<void>((resolve, reject) => {
    const s = subset.encodeStream() as unknown as NodeJS.EventEmitter;
    s.on('data', (b: Uint8Array) => parts.push(b)).on('end', resolve).on('error', reject);
  });
  const ttf = Buffer.concat(parts);
  // Glyph ids in the subset: ours first, then composite glyphs' components added while encoding.
  const glyphs = (subset as unknown as { glyphs: number[] }).glyphs;
  const scale = 1000 / f.unitsPerEm;
  const widths = glyphs.map((id) => n(Math.round(f.getGlyph(id).advanceWidth * scale * 1000) / 1000)).join(' ');
  const tag = [...createHash('sha256').update(glyphs.join(',')).digest().subarray(0, 6)].map((b) => String.fromCharCode(65 + (b % 26))).join('');
  const baseFont = `/${tag}+${(f.postscriptName ?? 'DejaVuSerif').replace(/[^A-Za-z0-9-]/g, '')}`;

  const bfchar = [...unicode].map(([gid, cp]) => `<${hex4(gid)}> <${utf16Hex(cp)}>`);
  let cmap = '/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n' +
    '/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n';
  for (let i = 0; i < bfchar.length; i += 100) { // at most 100 entries per block
    const block = bfchar.slice(i, i + 100);
    cmap += `${block.length} beginbfchar\n${block.join('\n')}\nendbfchar\n`;
  }
  cmap += 'endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend';

  const familyClass = (f['OS/2']?.sFamilyClass ?? 0) as number;
  // As pdf-lib derives them: fixed pitch, serif, symbolic (always: Identity-H), script, italic.
  const flags = (f.post.isFixedPitch ? 1 : 0) | (familyClass >= 1 && familyClass <= 7 ? 2 : 0) | 4 | (familyClass === 10 ? 8 : 0) | (f.head.macStyle.italic ? 64 : 0);
  const b = f.bbox;
  const descriptor = `<< /Type /FontDescriptor /FontName ${baseFont} /Flags ${flags} /FontBBox [${[b.minX, b.minY, b.maxX, b.maxY].map((x) => n(x * scale)).join(' ')}]` +
    ` /ItalicAngle ${n(f.italicAngle)} /Ascent ${n(f.ascent * scale)} /Descent ${n(f.descent * scale)} /CapHeight ${n((f.capHeight || f.ascent) * scale)}` +
    ` /XHeight ${n((f.xHeight || 0) * scale)} /StemV 0 /FontFile2 `;
  const cid = `<< /Type /Font /Subtype /CIDFontType2 /BaseFont ${baseFont} /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>` +
    ` /CIDToGIDMap /Identity /W [0 [${widths}]] /FontDescriptor `;
  const type0 = `<< /Type /Font /Subtype /Type0 /BaseFont ${baseFont} /Encoding /Identity-H /DescendantFonts [`;
  const latin1 = (s: string) => Buffer.from(s, 'latin1');
  return {
    gidOf,
    question: gidOf.get(0x3f) ?? 0,
    type0: (c, u) => latin1(`${type0}${c} 0 R] /ToUnicode ${u} 0 R >>`),
    cid: (d) => latin1(`${cid}${d} 0 R >>`),
    descriptor: (file) => latin1(`${descriptor}${file} 0 R >>`),
    fontFile: stream(`/Filter /FlateDecode /Length1 ${ttf.length}`, zlib.deflateSync(ttf, { level: 9 })),
    toUnicode: stream('/Filter /FlateDecode', zlib.deflateSync(Buffer.from(cmap, 'latin1'), { level: 9 })),
  };
}
