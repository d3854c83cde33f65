// The page tree (ISO 32000-1 7.7.3), read through PdfReader: the page count, and page N found
// by descending with the /Count of each intermediate node, so only the nodes on the way and the
// siblings before it are read. /MediaBox is inherited from the nearest ancestor that has one.
import { UnsupportedPdfError } from './trailer.js';
import type { Dict, PdfReader } from './reader.js';

export interface PageRef {
  num: number;
  gen: number;
  dict: Dict;
  /** [x1, y1, x2, y2], inherited if the page has none, US Letter if no ancestor has one either. */
  mediaBox: [number, number, number, number];
}

const LETTER: PageRef['mediaBox'] = [0, 0, 612, 792];
const MAX_DEPTH = 64;
/** An intermediate node has /Kids; "#" could spell it as a name escape. */
const LEX_IF = ['/Kids', '#'];

/** The document catalog (trailer /Root); throws UnsupportedPdfError if there is none. */
export function catalogOf(r: PdfReader): Dict {
  const c = r.resolve(r.trailer('Root'));
  if (c?.t !== 'dict') throw new UnsupportedPdfError('cannot read the PDF: it has no document catalog');
  return c;
}

/** Number of pages: the root node's /Count, or the leaves counted when that is missing or not a count. */
export function pageCountOf(r: PdfReader): number {
  const root = r.lookup(catalogOf(r), 'Pages', 'dict');
  if (!root) return 0;
  const n = count(r, root);
  return n ?? countLeaves(r, root, 0, new Set());
}

/** Page `index` (0-based, non-negative), or null if the tree has no such page. */
export function findPage(r: PdfReader, index: number): PageRef | null {
  const catalog = catalogOf(r);
  let node = r.lookup(catalog, 'Pages', 'dict');
  let inherited = mediaBoxOf(r, node);
  let remaining = index;
  const seen = new Set<number>();
  for (let depth = 0; node && depth < MAX_DEPTH; depth++) {
    const kids = r.lookup(node, 'Kids', 'arr')?.v ?? [];
    let next: Dict | undefined;
    // In a flat tree the page is kids[remaining]: reading that far first decompresses an object
    // stream once, instead of in steps while walking the kids before it.
    const guess = kids[Math.min(remaining, kids.length - 1)];
    if (guess?.t === 'ref') r.prefetch(guess.num);
    for (const kid of kids) {
      if (kid.t === 'ref') {
        if (seen.has(kid.num)) continue; // a loop in the tree
        seen.add(kid.num);
        // A page before the one wanted is only counted: its bytes tell it is no node, no need to
        // lex it (a flat tree of 100 pages would otherwise mean 100 page dictionaries read).
        if (remaining > 0 && !r.mayContain(kid.num, LEX_IF)) {
          remaining--;
          continue;
        }
      }
      const d = r.resolve(kid);
      if (d?.t !== 'dict') continue;
      if (isNode(d)) {
        const c = count(r, d) ?? countLeaves(r, d, depth + 1, new Set(seen));
        if (remaining < c) {
          next = d;
          break;
        }
        remaining -= c;
      } else if (remaining > 0) {
        remaining--;
      } else {
        if (kid.t !== 'ref') throw new UnsupportedPdfError('cannot read the PDF: a page is not an indirect object');
        return { num: kid.num, gen: kid.gen, dict: d, mediaBox: mediaBoxOf(r, d) ?? inherited ?? LETTER };
      }
    }
    if (next) inherited = mediaBoxOf(r, next) ?? inherited;
    node = next;
  }
  return null;
}

function isNode(d: Dict): boolean {
  const type = d.v.get('Type');
  if (type?.t === 'name' && (type.v === 'Pages' || type.v === 'Page')) return type.v === 'Pages';
  return d.v.has('Kids');
}

function count(r: PdfReader, d: Dict): number | undefined {
  const c = r.lookup(d, 'Count', 'num')?.v;
  return c !== undefined && Number.isSafeInteger(c) && c >= 0 ? c : undefined;
}

function countLeaves(r: PdfReader, node: Dict, depth: number, seen: Set<number>): number {
  if (depth > MAX_DEPTH) return 0;
  let n = 0;
  for (const kid of r.lookup(node, 'Kids', 'arr')?.v ?? []) {
    if (kid.t === 'ref') {
      if (seen.has(kid.num)) continue;
      seen.add(kid.num);
    }
    const d = r.resolve(kid);
    if (d?.t === 'dict') n += isNode(d) ? countLeaves(r, d, depth + 1, seen) : 1;
  }
  return n;
}

function mediaBoxOf(r: PdfReader, d: Dict | undefined): PageRef['mediaBox'] | undefined {
  const box = r.lookup(d, 'MediaBox', 'arr')?.v.map((x) => r.resolve(x));
  if (!box || box.length !== 4) return undefined;
  const nums = box.map((x) => (x?.t === 'num' ? x.v : Number.NaN));
  return nums.every(Number.isFinite) ? (nums as PageRef['mediaBox']) : undefined;
}
