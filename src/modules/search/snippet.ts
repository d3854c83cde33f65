import { foldWithMap } from './fold.js';

/** A query word (folded); `prefix`: it matches any word it begins (the word being typed). */
export interface Term {
  word: string;
  prefix: boolean;
}

/** Longest snippet, in characters (an ellipsis at either cut end comes on top). */
export const SNIPPET_CHARS = 200;
/** Characters of context kept before the first match when the text must be cut. */
const LEAD = 60;

/** Numbers compare without leading zeros: "05/QĐ-UBND" is found by "5". */
const bare = (w: string) => (/^[0-9]+$/.test(w) ? w.replace(/^0+(?=[0-9])/, '') : w);

/** A test of a folded word against the query words (numbers without leading zeros), the words prepared once. */
function matcher(terms: readonly Term[]): (word: string) => boolean {
  const ts = terms.map((t) => ({ word: bare(t.word), prefix: t.prefix }));
  return (word) => {
    const w = word.charCodeAt(0) <= 57 ? bare(word) : word;
    return ts.some((t) => (t.prefix ? w.startsWith(t.word) : w === t.word));
  };
}

/** Where each query word occurs in `text`: [start, end) offsets into the original text, in order. */
export function findMatches(text: string, terms: readonly Term[]): Array<[number, number]> {
  const m = foldWithMap(text);
  const hit = matcher(terms);
  const out: Array<[number, number]> = [];
  let i = 0;
  for (const word of m.folded.split(' ')) {
    if (word && hit(word)) out.push([m.start[i]!, m.end[i + word.length - 1]!]);
    i += word.length + 1;
  }
  return out;
}

/** How many different query words occur in `text` (to tell which field matched best). */
export function countTerms(text: string, terms: readonly Term[]): number {
  const words = foldWithMap(text).folded.split(' ').filter((w) => w);
  return terms.filter((t) => {
    const one = matcher([t]);
    return words.some(one);
  }).length;
}

/**
 * Plain text of at most SNIPPET_CHARS around the first match (the whole text when short enough),
 * whitespace runs (line and page breaks) made one space, "…" where cut, and the [start, end)
 * offsets into it of every matched word — never HTML. Without a match: the beginning of the text.
 */
export function makeSnippet(text: string, terms: readonly Term[]): { snippet: string; highlights: Array<[number, number]> } {
  const found = findMatches(text, terms);
  let from = 0;
  let to = text.length;
  if (text.length > SNIPPET_CHARS) {
    const first = found[0]?.[0] ?? 0;
    from = Math.max(0, first - LEAD);
    if (from > 0) {
      const space = text.slice(from, first).search(/\s/);
      if (space >= 0) from += space + 1;
    }
    to = Math.min(text.length, from + SNIPPET_CHARS);
    if (to < text.length) {
      const cut = text.slice(first, to).search(/\s\S*$/);
      if (cut > 0) to = first + cut;
    }
  }
  // The cut text with whitespace runs collapsed, and where each original offset lands in it.
  let out = from > 0 ? '…' : '';
  const at = new Map<number, number>();
  let space = false;
  for (let i = from; i < to; i++) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      at.set(i, out.length);
      space = true;
      continue;
    }
    if (space && out.length > 0 && out !== '…') out += ' ';
    space = false;
    at.set(i, out.length);
    out += c;
  }
  at.set(to, out.length);
  const highlights: Array<[number, number]> = [];
  for (const [s, e] of found) {
    if (s < from || e > to) continue;
    highlights.push([at.get(s)!, at.get(e - 1)! + 1]);
  }
  if (to < text.length) out += '…';
  return { snippet: out, highlights };
}
