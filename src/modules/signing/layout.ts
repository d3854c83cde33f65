import type { AppearanceSpec, Rect } from './pdf/incremental.js';
import { pngInfo } from './png.js';

/**
 * Where signatures go on the page (NĐ 30, appendix I). When the last page prints the signature
 * block (position lines and the signer's name, found in its text layer), the leader's signature is
 * the image alone in the block's gap; otherwise (or with an explicit placement) a box with the
 * competence line, the image and the name, by default at the bottom right of the last page.
 */
export interface Placement {
  page: number;
  /** Lower-left corner of the leader's box, in points. */
  x: number;
  y: number;
}

export const LEADER_BOX = { width: 200, height: 110 };
/** A round seal is about 36 mm across: ~102 pt at real size. */
export const SEAL_SIZE = 102;
const MARGIN = 56;
const FONT = 10;
/** Baseline to baseline of the appearance's text (DejaVu Serif's line gap at FONT). */
const LINE = Math.ceil(FONT * 1.17);

/** The box grows by a line for each competence line beyond the first (TM. / KT. / title). */
export function leaderRect(page: { width: number; height: number }, placement?: Placement | null, lines = 1): Rect {
  const height = LEADER_BOX.height + Math.max(0, lines - 1) * LINE;
  const x = placement ? placement.x : page.width - MARGIN - LEADER_BOX.width;
  const y = placement ? placement.y : 72;
  return [x, y, x + LEADER_BOX.width, y + height];
}

/**
 * The TEXT mode, for a page that does not print the signature block (or an explicit placement):
 * the competence and position lines on top (e.g. "TM. ỦY BAN NHÂN DÂN" / "CHỦ TỊCH"), the
 * handwritten signature image in the middle, the name below.
 */
export function leaderAppearance(p: { pageIndex: number; rect: Rect; lines: string[]; fullName: string; image: Buffer | null }): AppearanceSpec {
  const h = p.rect[3] - p.rect[1];
  const w = p.rect[2] - p.rect[0];
  const top = p.lines.length * LINE;
  const blank = Math.max(0, Math.floor((h - top - LINE - 4) / LINE));
  return {
    page: p.pageIndex,
    rect: p.rect,
    images: p.image ? [{ png: p.image, rect: fitImage(p.image, [10, FONT + 8, w - 10, h - top - 4]) }] : [],
    text: { lines: [...p.lines, ...Array(blank).fill(''), p.fullName], fontSize: FONT, color: [0, 0, 0] },
  };
}

/** The image's rect inside `box` keeping its aspect ratio, centred (a PNG we cannot read fills the box). */
function fitImage(png: Buffer, box: Rect): Rect {
  const info = pngInfo(png);
  const [x1, y1, x2, y2] = box;
  const bw = x2 - x1;
  const bh = y2 - y1;
  if (!info || bw <= 0 || bh <= 0) return box;
  const scale = Math.min(bw / info.width, bh / info.height);
  const w = info.width * scale;
  const h = info.height * scale;
  return [x1 + (bw - w) / 2, y1 + (bh - h) / 2, x1 + (bw + w) / 2, y1 + (bh + h) / 2];
}

/** A line of the page's text layer: its text, baseline `y`, left `x`, width and height (≈ font size), in points. */
export interface PrintedLine {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The signature block a page already prints: its lowest position line in capitals and the name below a blank gap. */
export interface PrintedBlock {
  position: PrintedLine;
  name: PrintedLine;
}

const fold = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('vi');
const isCapitals = (s: string) => /\p{L}/u.test(s) && s === s.toLocaleUpperCase('vi');
/** Less than this between the position and the name is no room for a signature. */
const MIN_GAP = 24;

/**
 * Finds the printed signature block on a page's text lines (NĐ 30 appendix I: "TM. ỦY BAN NHÂN
 * DÂN" / "CHỦ TỊCH" / a blank of a few lines / "Nguyễn Văn An"): the lowest line that is the
 * signer's name, and the nearest line above it, in the same column and in capitals, with a gap for
 * the signature between. Null when there is none (a scan, a page without the block, another name).
 */
export function findSignatureBlock(lines: PrintedLine[], fullName: string): PrintedBlock | null {
  const want = fold(fullName);
  if (!want) return null;
  const names = lines.filter((l) => fold(l.text) === want).sort((a, b) => a.y - b.y);
  for (const name of names) {
    const above = lines
      .filter((l) => l !== name && l.y > name.y + name.height && l.x < name.x + name.width && l.x + l.width > name.x)
      .sort((a, b) => a.y - b.y);
    const position = above[0];
    if (!position || !isCapitals(position.text)) continue;
    if (gapOf({ position, name }).height < MIN_GAP) continue;
    return { position, name };
  }
  return null;
}

/** The blank between the block's position line (its descenders) and the name (its capitals' tops). */
function gapOf(b: PrintedBlock): { bottom: number; top: number; height: number } {
  const bottom = b.name.y + b.name.height * 0.8;
  const top = b.position.y - b.position.height * 0.25;
  return { bottom, top, height: top - bottom };
}

/** How tall the signature may be in the gap, and how wide the words "Đã ký" are given. */
const MAX_IMAGE = { width: 180, height: 80 };
const SIGNED_WORDS = { text: 'Đã ký', fontSize: 12, width: 60 };

/**
 * The IMAGE-ONLY mode's widget: in the printed block's gap, centred on the block (between the
 * centres of the position and name lines), as tall as the gap allows with a small margin, as wide
 * as the image's aspect ratio makes it. This rect is also the leader box the seal overlaps.
 */
export function imageOnlyRect(block: PrintedBlock, image: Buffer | null): Rect {
  const gap = gapOf(block);
  const margin = Math.min(4, gap.height / 10);
  let h = Math.min(MAX_IMAGE.height, gap.height - 2 * margin);
  let w = SIGNED_WORDS.width;
  const info = image ? pngInfo(image) : null;
  if (image) {
    w = info ? (h * info.width) / info.height : MAX_IMAGE.width;
    if (w > MAX_IMAGE.width) {
      h = (h * MAX_IMAGE.width) / w;
      w = MAX_IMAGE.width;
    }
  }
  const cx = (block.position.x + block.position.width / 2 + block.name.x + block.name.width / 2) / 2;
  const cy = (gap.bottom + gap.top) / 2;
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}

/**
 * The IMAGE-ONLY mode, when the page already prints the position and the name: the handwritten
 * signature alone; with no image installed, the words "Đã ký" in blue (never the title and name
 * again, which the page prints).
 */
export function imageOnlyAppearance(p: { pageIndex: number; rect: Rect; image: Buffer | null }): AppearanceSpec {
  const w = p.rect[2] - p.rect[0];
  const h = p.rect[3] - p.rect[1];
  if (p.image) return { page: p.pageIndex, rect: p.rect, images: [{ png: p.image, rect: [0, 0, w, h] }] };
  const size = Math.min(SIGNED_WORDS.fontSize, h);
  const tw = SIGNED_WORDS.width * 0.55 * (size / SIGNED_WORDS.fontSize);
  const x = Math.max(0, (w - tw) / 2);
  const y = Math.max(0, (h - size * 1.2) / 2);
  return { page: p.pageIndex, rect: p.rect, text: { lines: [SIGNED_WORDS.text], fontSize: size, color: [0, 0, 0.8], rect: [x, y, w, y + size * 1.2] } };
}

/** The red seal at real size, overlapping the left third of the leader's signature. */
export function sealRect(leader: Rect): Rect {
  const leaderWidth = leader[2] - leader[0];
  const right = leader[0] + leaderWidth / 3;
  const midY = (leader[1] + leader[3]) / 2;
  return [right - SEAL_SIZE, midY - SEAL_SIZE / 2, right, midY + SEAL_SIZE / 2];
}

export function sealAppearance(p: { pageIndex: number; rect: Rect; image: Buffer | null; unitName: string; when: string }): AppearanceSpec {
  const w = p.rect[2] - p.rect[0];
  const h = p.rect[3] - p.rect[1];
  if (p.image) return { page: p.pageIndex, rect: p.rect, images: [{ png: p.image, rect: [0, 0, w, h] }] };
  // No seal image installed: say in words who signed and when.
  return { page: p.pageIndex, rect: p.rect, text: { lines: ['Ký bởi:', p.unitName, p.when], fontSize: 7, color: [0.8, 0, 0] } };
}

/** Appendices: the organisation's signature as text only, top right of page 1, Times-like 10 pt black. */
export function appendixAppearance(page: { width: number; height: number }, text: string): AppearanceSpec {
  const rect: Rect = [page.width - MARGIN - 260, page.height - 40 - 16, page.width - MARGIN, page.height - 40];
  return { page: 0, rect, text: { lines: [text], fontSize: FONT, color: [0, 0, 0] } };
}

/** dd/MM/yyyy HH:mm:ss +07:00 in Vietnam time. */
export function vnTimestamp(at: Date): string {
  const d = new Date(at.getTime() + 7 * 3600 * 1000).toISOString();
  return `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)} ${d.slice(11, 19)} +07:00`;
}
