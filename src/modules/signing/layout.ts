import type { AppearanceSpec, Rect } from './pdf/incremental.js';

/**
 * Where signatures go on the page (NĐ 30, appendix I). We cannot know where the signature block
 * of an uploaded PDF is, so without an explicit placement the leader signs in a box at the bottom
 * right of the last page, where Vietnamese documents put it.
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

export function leaderRect(page: { width: number; height: number }, placement?: Placement | null): Rect {
  const x = placement ? placement.x : page.width - MARGIN - LEADER_BOX.width;
  const y = placement ? placement.y : 72;
  return [x, y, x + LEADER_BOX.width, y + LEADER_BOX.height];
}

/** Position line on top, the handwritten signature image in the middle, the name below. */
export function leaderAppearance(p: { pageIndex: number; rect: Rect; title: string; fullName: string; image: Buffer | null }): AppearanceSpec {
  const h = p.rect[3] - p.rect[1];
  const w = p.rect[2] - p.rect[0];
  const blank = Math.max(0, Math.floor((h - 2 * (FONT + 2) - 4) / (FONT + 2)));
  return {
    page: p.pageIndex,
    rect: p.rect,
    images: p.image ? [{ png: p.image, rect: [10, FONT + 8, w - 10, h - FONT - 8] }] : [],
    text: { lines: [p.title.toLocaleUpperCase('vi'), ...Array(blank).fill(''), p.fullName], fontSize: FONT, color: [0, 0, 0] },
  };
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
