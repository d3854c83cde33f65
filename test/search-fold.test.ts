import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { fold, foldWithMap } from '../src/modules/search/fold.js';
import { parseQuery } from '../src/modules/search/query.js';
import { makeSnippet } from '../src/modules/search/snippet.js';
import { buildTestEnv } from './helpers/app.js';

const VOWELS = ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y'];
const TONES = ['', '\u0300', '\u0301', '\u0309', '\u0303', '\u0323'];
const CONSONANTS = 'bcdđghklmnpqrstvx';

/** Every Vietnamese letter (each vowel with each tone), upper and lower, NFC and NFD. */
function alphabet(): string[] {
  const letters: string[] = [];
  for (const v of VOWELS) for (const t of TONES) letters.push((v + t).normalize('NFC'));
  for (const c of CONSONANTS) letters.push(c);
  const all = [...letters, ...letters.map((l) => l.toUpperCase()), 'Ð', 'ð'];
  return [...all, ...all.map((l) => l.normalize('NFD'))];
}

test('fold: the JavaScript twin agrees with SQL vn_fold on every Vietnamese letter, NFD input, old and new tone placement', async (t) => {
  const env = await buildTestEnv(t);
  const samples = [
    ...alphabet(),
    '12/QĐ-UBND Hỏa tốc', 'hoà', 'hòa', 'Hoà Bình'.normalize('NFD'), 'thuỷ', 'thủy', 'QUYẾT ĐỊNH', '  --a..b  ', '',
    '05-NQ/HU', 'Công văn số 123/UBND-VP ngày 5/2/2026', 'Ωmega ﬁ ß æ ø', 'x\u1ab0y', '\u0301abc', 'Tiếng Việt\fTrang 2',
    'Ðồng Nai', 'e\u0302\u0301', 'ÁÀẢÃẠ ăắằẳẵặ', '中文 한국어 text', 'a\u00a0b\tc\nd',
  ];
  const rows = await env.db.execute<{ i: number; f: string }>(
    sql`select i::int as i, vn_fold(s) as f from jsonb_array_elements_text(${JSON.stringify(samples)}::jsonb) with ordinality as x(s, i)`,
  );
  assert.equal(rows.length, samples.length);
  for (const r of rows) assert.equal(fold(samples[r.i - 1]!), r.f, JSON.stringify(samples[r.i - 1]));
  assert.equal(fold('12/QĐ-UBND Hỏa tốc'), '12 qd ubnd hoa toc');
  assert.equal(fold('hoà'), fold('hòa'));
  assert.equal(fold('Đường'), 'duong');
  for (const l of alphabet().filter((x) => x !== 'ð')) assert.match(fold(l), /^[a-z]$/, l);
});

test('foldWithMap: the same folding, each folded character mapped to its original characters', () => {
  const inputs = ['Hỏa tốc — Về việc 12/QĐ-UBND', 'Hoà Bình'.normalize('NFD'), '  ..x', 'abc', '', '—', 'Ðà\u0301 Lạt!'];
  for (const s of inputs) {
    const m = foldWithMap(s);
    assert.equal(m.folded, fold(s), s);
    assert.equal(m.start.length, m.folded.length);
    for (let i = 0; i < m.folded.length; i++) {
      if (m.folded[i] === ' ') continue;
      assert.equal(fold(s.slice(m.start[i], m.end[i])), m.folded[i], `${s} @${i}`);
    }
  }
  const s = 'Về việc Hỏa tốc';
  const m = foldWithMap(s);
  const at = m.folded.indexOf('hoa toc');
  assert.equal(s.slice(m.start[at], m.end[at + 'hoa toc'.length - 1]), 'Hỏa tốc');
  const nfd = 'Hỏa tốc'.normalize('NFD');
  const n = foldWithMap(nfd);
  assert.equal(nfd.slice(n.start[4], n.end[6]), 'tốc'.normalize('NFD'));
});

test('parseQuery: words, phrases, prefixes, notations; empty and oversized input refused naming q', () => {
  const a = parseQuery('hoa toc');
  assert.equal(a.tsquery, 'hoa & toc:*');
  assert.equal(parseQuery('hoa toc ').tsquery, 'hoa & toc');
  assert.equal(parseQuery('"kế hoạch năm" 2026').tsquery, '(ke <-> hoach <-> nam) & 2026');
  assert.equal(parseQuery('12/UBND').tsquery, '(12 <-> ubnd:*)');
  assert.equal(parseQuery('12/QĐ-UBND').folded, '12 qd ubnd');
  assert.equal(parseQuery('12 ubnd').tsquery, '12 & ubnd:*');
  // After other words the word being typed counts from its third letter; alone, from its second.
  assert.equal(parseQuery('Hỏa t').tsquery, 'hoa');
  assert.equal(parseQuery('phong ch').tsquery, 'phong');
  assert.deepEqual(parseQuery('phong ch').terms, [{ word: 'phong', prefix: false }]);
  assert.equal(parseQuery('phong cho').tsquery, 'phong & cho:*');
  assert.equal(parseQuery('phong ch ').tsquery, 'phong & ch', 'a finished word counts whatever its length');
  assert.equal(parseQuery('ph').tsquery, 'ph:*');
  assert.equal(parseQuery('12/QĐ-UB').tsquery, '(12 <-> qd)');
  assert.equal(parseQuery('12/QĐ-UB').folded, '12 qd ub', 'a notation typed in full is still compared whole');
  assert.equal(parseQuery('so 12').tsquery, 'so & 12', 'numbers are words, never left out');
  assert.equal(parseQuery('hoa toc').weighted('A'), 'hoa:A & toc:*A');
  assert.equal(parseQuery('12/UBND').phrase('C'), '(12:C <-> ubnd:*C)');
  assert.deepEqual(parseQuery('"hoa" hoa').terms, [{ word: 'hoa', prefix: true }]);
  // The word being typed, searched as the exact words it begins (looked up in search_terms).
  const typed = parseQuery('ung pho bao');
  assert.equal(typed.prefix, 'bao');
  assert.equal(typed.expand(['bao']).tsquery, 'ung & pho & bao');
  assert.equal(typed.expand(['bao', 'baoxyz']).phrase('A'), '(ung:A <-> pho:A <-> (bao:A | baoxyz:A))');
  assert.equal(typed.expand(['bao', 'baoxyz']).weighted('C'), 'ung:C & pho:C & (bao:C | baoxyz:C)');
  assert.equal(typed.expand([]).tsquery, 'ung & pho & bao', 'a prefix nobody wrote stays itself (finds nothing)');
  assert.deepEqual(typed.expand(['bao']).terms, typed.terms, 'highlighting still treats it as a prefix');
  assert.equal(parseQuery('12/UBND').expand(['ubnd']).tsquery, '(12 <-> ubnd)');
  assert.equal(parseQuery('hoa toc ').prefix, null);
  // The phrase's word pairs (lexemes "a_b" in the vectors, vn_pairs), the word being typed as its words or prefix.
  assert.equal(parseQuery('số chuyển đổi ').pairs, "'so_chuyen' & 'chuyen_doi'");
  assert.equal(parseQuery('so chuyen d').pairs, "'so_chuyen'", 'a word being typed shorter than three letters is left out');
  assert.equal(parseQuery('so chuyen doi').pairs, "'so_chuyen' & 'chuyen_doi':*");
  assert.equal(typed.expand(['bao', 'baoxyz']).pairs, "'ung_pho' & ('pho_bao' | 'pho_baoxyz')");
  assert.equal(parseQuery('hoa').pairs, null);
  for (const bad of ['', '   ', '?!/-', '""', 'a '.repeat(21), 'x'.repeat(65), 'y'.repeat(501)]) {
    assert.throws(() => parseQuery(bad), (e: { status?: number; text?: { vi: string } }) => e.status === 400 && /\bq\b/.test(e.text!.vi), JSON.stringify(bad));
  }
  assert.equal(parseQuery('a '.repeat(20)).terms.length, 1);
});

test('makeSnippet: ≤ 200 characters around the first match, whitespace runs as one space, offsets of every matched word', () => {
  const terms = [{ word: 'bien', prefix: false }, { word: 'doi', prefix: false }, { word: 'kh', prefix: true }];
  const short = makeSnippet('Ứng phó  biến đổi\nkhí hậu', terms);
  assert.equal(short.snippet, 'Ứng phó biến đổi khí hậu');
  assert.deepEqual(short.highlights.map(([s, e]) => short.snippet.slice(s, e)), ['biến', 'đổi', 'khí']);
  const long = `${'Mở đầu văn bản. '.repeat(30)}Điều 2. Ứng phó biến đổi khí hậu\f${'trang sau nữa. '.repeat(30)}`;
  const cut = makeSnippet(long, terms);
  assert.ok(cut.snippet.startsWith('…') && cut.snippet.endsWith('…'), cut.snippet);
  assert.ok(cut.snippet.length <= 202, String(cut.snippet.length));
  assert.ok(cut.snippet.includes('Điều 2. Ứng phó biến đổi khí hậu trang'), cut.snippet);
  assert.deepEqual(cut.highlights.map(([s, e]) => cut.snippet.slice(s, e)), ['biến', 'đổi', 'khí']);
  // Numbers match without their leading zeros; no match: the beginning.
  const num = makeSnippet('05/QĐ-UBND', [{ word: '5', prefix: false }]);
  assert.deepEqual(num.highlights, [[0, 2]]);
  assert.deepEqual(makeSnippet('Chẳng có gì', terms), { snippet: 'Chẳng có gì', highlights: [] });
});
