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

/** Characters folded at a time while looking for the first match in a long text. */
const CHUNK = 400;

/** The last whitespace at or before `i` (0 when none): a cut there keeps every word and character cluster whole. */
function spaceBefore(text: string, i: number): number {
  for (let k = Math.min(i, text.length - 1); k > 0; k--) if (/\s/.test(text[k]!)) return k;
  return 0;
}

/** The first whitespace at or after `i` (the text's length when none). */
function spaceAfter(text: string, i: number): number {
  const k = text.slice(i).search(/\s/);
  return k < 0 ? text.length : i + k;
}

/** findMatches over text[from, to) (both at whitespace or the ends), as offsets into the whole text. */
function matchesIn(text: string, from: number, to: number, terms: readonly Term[]): Array<[number, number]> {
  return findMatches(text.slice(from, to), terms).map(([s, e]) => [s + from, e + from]);
}

/**
 * The matches a snippet of a long text needs, without folding all of it: the text is folded
 * CHUNK characters at a time (cut at whitespace) until the first match, then only around it.
 * The same as findMatches(text) within any window starting at most LEAD before the first match.
 */
function matchesNearFirst(text: string, terms: readonly Term[]): Array<[number, number]> {
  for (let at = 0; at < text.length; ) {
    const end = spaceAfter(text, at + CHUNK);
    const found = matchesIn(text, at, end, terms);
    if (found.length > 0) {
      const first = found[0]![0];
      const from = spaceBefore(text, first - LEAD);
      return matchesIn(text, Math.max(from, at), spaceAfter(text, first + SNIPPET_CHARS), terms);
    }
    at = end;
  }
  return [];
}

/**
 * Plain text of at most SNIPPET_CHARS around the first match (the whole text when short enough),
 * whitespace runs (line and page breaks) made one space, "…" where cut, and the [start, end)
 * offsets into it of every matched word — never HTML. Without a match: the beginning of the text.
 */
export function makeSnippet(text: string, terms: readonly Term[]): { snippet: string; highlights: Array<[number, number]> } {
  const found = text.length > CHUNK ? matchesNearFirst(text, terms) : findMatches(text, terms);
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
