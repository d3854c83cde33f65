import { badRequest } from '../../lib/errors.js';
import { fold } from './fold.js';

/** At most this many words in a query, each at most this long once folded (400 beyond). */
export const MAX_TERMS = 20;
export const MAX_TERM_LENGTH = 64;
export const MAX_QUERY_LENGTH = 500;

/**
 * A group of folded words that must follow one another (a quoted phrase, or one typed token that
 * folds into several words: "12/QĐ-UBND" → 12 qd ubnd); a group of one word is a plain word.
 * `prefix`: its last word matches any word it begins (the word being typed).
 */
export interface Group {
  words: string[];
  prefix: boolean;
  quoted: boolean;
}

export interface ParsedQuery {
  groups: Group[];
  /** Every word once, for highlighting; those matched as prefixes marked. */
  terms: Array<{ word: string; prefix: boolean }>;
  /** The whole query folded ("12/QĐ-UBND" → "12 qd ubnd"): a notation typed in full equals it. */
  folded: string;
  /** tsquery text built only from [a-z0-9] words: all groups (AND). */
  tsquery: string;
  /** The same, every word restricted to the given weight (e.g. A = subject). */
  weighted(weight: 'A' | 'B' | 'C'): string;
  /** All words as one phrase in the given weight (exact phrase in the subject or notation). */
  phrase(weight: 'A' | 'B' | 'C'): string;
  /**
   * The pairs of adjacent words of the phrase (phrase()), as tsquery text for `::tsquery` — the
   * vectors hold them as lexemes "a_b" (vn_pairs): `'so_chuyen' & 'chuyen_doi'`, the word being typed
   * as its words or its prefix (`'chuyen_doi' | 'chuyen_doan'`, `'chuyen_d':*`). Null for one word.
   */
  pairs: string | null;
  /** Has a digit: may be a number/notation. */
  numeric: boolean;
  /** The word being typed, matched as a prefix (null: none). */
  prefix: string | null;
  /**
   * The same query with the word being typed searched as exactly these words (those it begins,
   * looked up in search_terms): the tsquery texts name them, `bao` or `(sinh | sinhhoat)`, in place
   * of PostgreSQL's prefix match `sin:*`. Highlighting still treats the word as a prefix.
   */
  expand(words: readonly string[]): ParsedQuery;
}

/** The pairs of adjacent words of a group (see ParsedQuery.pairs), or null when it has one word. */
function pairsText(g: Group, expansion?: readonly string[]): string | null {
  if (g.words.length < 2) return null;
  const parts: string[] = [];
  for (let i = 0; i + 1 < g.words.length; i++) {
    const a = g.words[i]!;
    const b = g.words[i + 1]!;
    const typed = g.prefix && i + 1 === g.words.length - 1;
    if (!typed) parts.push(`'${a}_${b}'`);
    else if (!expansion) parts.push(`'${a}_${b}':*`);
    else {
      const words = expansion.length > 0 ? expansion : [b];
      parts.push(words.length === 1 ? `'${a}_${words[0]}'` : `(${words.map((e) => `'${a}_${e}'`).join(' | ')})`);
    }
  }
  return parts.join(' & ');
}

const qError = (vi: string, en: string) => badRequest(`Tham số q: ${vi}`, `Parameter q: ${en}`);

/** Splits raw input into quoted phrases and bare tokens. An unterminated quote runs to the end. */
function tokens(q: string): Array<{ text: string; quoted: boolean }> {
  const out: Array<{ text: string; quoted: boolean }> = [];
  const re = /"([^"]*)"?|[^\s"]+/g;
  for (let m = re.exec(q); m; m = re.exec(q)) {
    if (m[1] !== undefined) out.push({ text: m[1], quoted: true });
    else out.push({ text: m[0], quoted: false });
  }
  return out;
}

/**
 * The tsquery text of one group (words joined by <->, the last a prefix when typed), optionally in
 * one weight; with `expansion`, the word being typed is any of those exact words instead of a prefix.
 */
export function groupText(g: Group, weight?: string, expansion?: readonly string[]): string {
  const w = weight ? `:${weight}` : '';
  const typed = (x: string) => {
    if (!expansion) return `${x}:*${weight ?? ''}`;
    const words = expansion.length > 0 ? expansion : [x];
    return words.length === 1 ? `${words[0]}${w}` : `(${words.map((e) => `${e}${w}`).join(' | ')})`;
  };
  const parts = g.words.map((x, i) => (g.prefix && i === g.words.length - 1 ? typed(x) : `${x}${w}`));
  return parts.length > 1 ? `(${parts.join(' <-> ')})` : parts[0]!;
}

/** A word typed so far is matched as a prefix when it has a letter and at least two characters. */
const mayPrefix = (word: string) => word.length >= 2 && /[a-z]/.test(word);
/**
 * After other words, the word being typed counts from its third character: folded, one or two letters
 * begin too many words ("ch": chỉ, chính, chức, chủ, chống, chương…) — at 1M documents "phong ch" took
 * 490 ms where "phong" and "phong cho" take 15–130 — and narrow nothing a reader would notice.
 */
const TYPING_MIN_AFTER_WORDS = 3;

/**
 * Parses `q`: words in any order (AND), "quoted phrases", the last unquoted word a prefix while
 * typing (unless the query ends with a space; after other words only from its third letter, shorter
 * it is left out until then), notations in any form ("12/UBND", "12 ubnd",
 * "12/QĐ-UBND"). Empty or punctuation only, more than MAX_TERMS words or a word longer than
 * MAX_TERM_LENGTH → 400 naming q. The tsquery text contains only folded [a-z0-9] words and
 * operators, so it is safe to hand to to_tsquery('simple', $1) as a parameter.
 */
export function parseQuery(raw: string): ParsedQuery {
  if (raw.length > MAX_QUERY_LENGTH) throw qError(`dài quá ${MAX_QUERY_LENGTH} ký tự`, `longer than ${MAX_QUERY_LENGTH} characters`);
  const groups: Group[] = [];
  for (const t of tokens(raw)) {
    const folded = fold(t.text);
    if (!folded) continue;
    groups.push({ words: folded.split(' '), prefix: false, quoted: t.quoted });
  }
  const all = groups.flatMap((g) => g.words);
  if (all.length === 0) throw qError('cần ít nhất một từ (chữ hoặc số)', 'needs at least one word (letters or digits)');
  if (all.length > MAX_TERMS) throw qError(`nhiều hơn ${MAX_TERMS} từ`, `more than ${MAX_TERMS} words`);
  const long = all.find((w) => w.length > MAX_TERM_LENGTH);
  if (long) throw qError(`có từ dài quá ${MAX_TERM_LENGTH} ký tự`, `a word is longer than ${MAX_TERM_LENGTH} characters`);
  let last = groups[groups.length - 1]!;
  const typing = !last.quoted && !/\s$/.test(raw);
  const typed = last.words[last.words.length - 1]!;
  if (typing && all.length > 1 && /[a-z]/.test(typed) && typed.length < TYPING_MIN_AFTER_WORDS) {
    // "phong ch" searches "phong" until the third letter: left out, not matched as a word.
    last.words.pop();
    if (last.words.length === 0) groups.pop();
    last = groups[groups.length - 1]!;
  } else if (typing && mayPrefix(typed)) last.prefix = true;
  const kept = groups.flatMap((g) => g.words);

  const terms = new Map<string, boolean>();
  for (const g of groups) g.words.forEach((w, i) => terms.set(w, (terms.get(w) ?? false) || (g.prefix && i === g.words.length - 1)));
  const flat: Group = { words: kept, prefix: last.prefix, quoted: true };
  const made = (expansion?: readonly string[]): ParsedQuery => ({
    groups,
    terms: [...terms].map(([word, prefix]) => ({ word, prefix })),
    folded: all.join(' '),
    tsquery: groups.map((g) => groupText(g, undefined, expansion)).join(' & '),
    weighted: (weight) => groups.map((g) => groupText(g, weight, expansion)).join(' & '),
    phrase: (weight) => groupText(flat, weight, expansion),
    pairs: pairsText(flat, expansion),
    numeric: /[0-9]/.test(kept.join('')),
    prefix: last.prefix ? last.words[last.words.length - 1]! : null,
    expand: (words) => made(words),
  });
  return made();
}
