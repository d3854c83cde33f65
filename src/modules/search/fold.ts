/**
 * The one folding of text for search, the JavaScript twin of SQL `vn_fold` (migration 0013): NFD,
 * combining marks (U+0300–U+036F) dropped, đ/Đ/ð/Ð → d, lower case, every run of characters other
 * than a-z and 0-9 one space, no space at either end ("Hỏa tốc" → "hoa toc", "hoà" = "hòa",
 * "12/QĐ-UBND" → "12 qd ubnd"). test/search-fold.test.ts compares the two over the Vietnamese
 * alphabet, decomposed input and other scripts.
 */

/** Combining marks (U+0300–U+036F: Vietnamese tones, circumflex, breve, horn …), dropped after NFD. */
const MARK = /[\u0300-\u036f]/;
/** Letters that do not decompose: đ Đ (and the look-alike eth ð Ð) are d. */
const D = /[đĐðÐ]/;

const isWordChar = (c: string) => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

/** vn_fold in JavaScript: the same string the database indexes. */
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]+/g, '')
    .replace(/[đĐðÐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Whether a code point is a mark (\p{M}), memoised; below U+0300 none is, U+0300–U+036F all are. */
const markCache = new Map<number, boolean>();
const MARK_ANY = /^\p{M}$/u;
function isMark(cp: number): boolean {
  if (cp < 0x300) return false;
  if (cp <= 0x36f) return true;
  let v = markCache.get(cp);
  if (v === undefined) markCache.set(cp, (v = MARK_ANY.test(String.fromCodePoint(cp))));
  return v;
}

/** A cluster's characters after folding, "\0" for each character that is not a-z or 0-9; memoised (a text has few distinct clusters). */
const clusterCache = new Map<string, string>();
const CLUSTER_CACHE_MAX = 20_000;
function foldCluster(cluster: string): string {
  let v = clusterCache.get(cluster);
  if (v !== undefined) return v;
  v = '';
  for (const ch of cluster.normalize('NFD')) {
    if (MARK.test(ch)) continue;
    for (const c of D.test(ch) ? 'd' : ch.toLowerCase()) v += isWordChar(c) ? c : '\0';
  }
  if (clusterCache.size < CLUSTER_CACHE_MAX) clusterCache.set(cluster, v);
  return v;
}

/** ASCII characters folded alone (the common case): lower-cased letter or digit, or "\0". */
const ASCII = Array.from({ length: 128 }, (_, i) => {
  const c = String.fromCharCode(i).toLowerCase();
  return isWordChar(c) ? c : '\0';
});

/**
 * The folding with, for each character of `folded`, the range [start, end) of the original
 * characters (UTF-16 offsets into `s`) it came from; a space stands for the whole run of other
 * characters it replaced. Lets a match found in folded text be highlighted in the original.
 * Works on clusters (a character with its combining marks, or a run of marks with no base), so
 * decomposed (NFD) input maps too. Clusters are folded once each (memoised) and an ASCII
 * character with no mark after it directly: a page of text folds in tens of microseconds.
 */
export function foldWithMap(s: string): { folded: string; start: number[]; end: number[] } {
  const codes: number[] = [];
  const start: number[] = [];
  const end: number[] = [];
  let gap = -1; // start of a pending run of other characters, -1 when none
  const n = s.length;
  let i = 0;
  while (i < n) {
    const from = i;
    const code = s.charCodeAt(i);
    i++;
    if (code >= 0xd800 && code <= 0xdbff && i < n) {
      const low = s.charCodeAt(i);
      if (low >= 0xdc00 && low <= 0xdfff) i++;
    }
    // The marks that follow belong to this cluster (as do the marks after a mark with no base).
    while (i < n) {
      if (s.charCodeAt(i) < 0x300) break;
      const cp = s.codePointAt(i)!;
      if (!isMark(cp)) break;
      i += cp > 0xffff ? 2 : 1;
    }
    const out = i - from === 1 && code < 0x80 ? ASCII[code]! : foldCluster(s.slice(from, i));
    for (let k = 0; k < out.length; k++) {
      const c = out.charCodeAt(k);
      if (c === 0) {
        if (gap < 0) gap = from;
        continue;
      }
      if (gap >= 0 && codes.length > 0) {
        codes.push(32);
        start.push(gap);
        end.push(from);
      }
      gap = -1;
      codes.push(c);
      start.push(from);
      end.push(i);
    }
  }
  let folded = '';
  for (let k = 0; k < codes.length; k += 4096) folded += String.fromCharCode(...codes.slice(k, k + 4096));
  return { folded, start, end };
}
