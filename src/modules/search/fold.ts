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

/**
 * The folding with, for each character of `folded`, the range [start, end) of the original
 * characters (UTF-16 offsets into `s`) it came from; a space stands for the whole run of other
 * characters it replaced. Lets a match found in folded text be highlighted in the original.
 * Works on clusters (a character with its combining marks), so decomposed (NFD) input maps too.
 */
export function foldWithMap(s: string): { folded: string; start: number[]; end: number[] } {
  let folded = '';
  const start: number[] = [];
  const end: number[] = [];
  let gap = -1; // start of a pending run of other characters, -1 when none
  const clusters = s.match(/\P{M}\p{M}*|\p{M}+/gsu) ?? [];
  let at = 0;
  for (const cluster of clusters) {
    const from = at;
    at += cluster.length;
    for (const ch of cluster.normalize('NFD')) {
      if (MARK.test(ch)) continue;
      for (const c of D.test(ch) ? 'd' : ch.toLowerCase()) {
        if (!isWordChar(c)) {
          if (gap < 0) gap = from;
          continue;
        }
        if (gap >= 0 && folded.length > 0) {
          folded += ' ';
          start.push(gap);
          end.push(from);
        }
        gap = -1;
        folded += c;
        start.push(from);
        end.push(at);
      }
    }
  }
  return { folded, start, end };
}
