import assert from 'node:assert/strict';
import { test } from 'node:test';

// The web app's words (src/web/public/app/i18n.js): every key in Vietnamese has its English, and
// the other way round, and no text is empty. The module reads localStorage and sets <html lang>
// when it loads, so both get a stand-in first.
test('the vi and en dictionaries of the web app have the same keys and no empty text', async () => {
  const store = new Map<string, string>();
  const g = globalThis as Record<string, unknown>;
  g.localStorage ??= {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, String(v)),
    removeItem: (k: string) => void store.delete(k),
  };
  g.document ??= { documentElement: { lang: '' } };
  // A plain JS module outside the TypeScript program: imported by URL, its shape asserted below.
  const url = new URL('../src/web/public/app/i18n.js', import.meta.url).href;
  const { DICTS } = (await import(url)) as { DICTS: Record<'vi' | 'en', Record<string, unknown>> };

  const vi = Object.keys(DICTS.vi).sort();
  const en = Object.keys(DICTS.en).sort();
  assert.ok(vi.length > 100, `the Vietnamese dictionary has ${vi.length} keys`);
  assert.deepEqual(vi.filter((k) => !(k in DICTS.en)), [], 'keys missing in English');
  assert.deepEqual(en.filter((k) => !(k in DICTS.vi)), [], 'keys missing in Vietnamese');
  assert.deepEqual(vi, en);

  for (const lang of ['vi', 'en'] as const) {
    const empty = Object.entries(DICTS[lang]).filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => k);
    assert.deepEqual(empty, [], `empty or non-text values in ${lang}`);
  }
  // A placeholder like {n} is filled in both languages or in neither.
  const holes = (s: unknown) => [...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  const mismatched = vi.filter((k) => JSON.stringify(holes(DICTS.vi[k])) !== JSON.stringify(holes(DICTS.en[k])));
  assert.deepEqual(mismatched, [], 'keys whose {placeholders} differ between vi and en');
});

// The type pickers offer what the server accepts for the issuing unit's style: a State unit never
// sees a Party-only type (KL, QĐi, TT) nor a Party committee a State-only one (QyĐ, CĐ …).
test('the web app offers each unit the document types the server accepts for its style (NĐ 30 / HD 36)', async () => {
  const g = globalThis as Record<string, unknown>;
  const store = new Map<string, string>();
  g.localStorage ??= { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, String(v)), removeItem: (k: string) => void store.delete(k) };
  g.document ??= { documentElement: { lang: '' } };
  const url = new URL('../src/web/public/app/i18n.js', import.meta.url).href;
  const web = (await import(url)) as { docTypesFor: (kind: string) => Array<[string, string]>; ALL_DOC_TYPES: Array<[string, string]> };
  const { PARTY_DOCUMENT_TYPES, STATE_DOCUMENT_TYPES, DOCUMENT_TYPES } = await import('../src/modules/documents/numbering.js');
  const party = web.docTypesFor('party').map(([c]) => c);
  const state = web.docTypesFor('government').map(([c]) => c);
  for (const c of ['KL', 'QĐi', 'TT', 'CV', 'NQ']) assert.ok(party.includes(c), `Party committees are offered ${c}`);
  for (const c of party) assert.ok(c in PARTY_DOCUMENT_TYPES, `${c} offered to a Party committee is a Party type`);
  for (const c of state) assert.ok(c in STATE_DOCUMENT_TYPES, `${c} offered to a State unit is a State type`);
  for (const c of ['KL', 'QĐi', 'TT']) assert.ok(!state.includes(c), `a State unit is not offered ${c}`);
  for (const [c] of web.ALL_DOC_TYPES) assert.ok(c in DOCUMENT_TYPES, `${c} is a known type`);
  assert.equal(new Set(web.ALL_DOC_TYPES.map(([c]) => c)).size, web.ALL_DOC_TYPES.length, 'no type twice');
});

// Every word the app shows: each `t('key')` in the app's files is in both dictionaries, each
// `t(`prefix.${…}`)` family has its keys in both, and every document type has its English name
// (issue 14: types stayed Vietnamese in English).
test("every t('…') key of the web app is in the vi and en dictionaries, and every document type has an English name", async () => {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const g = globalThis as Record<string, unknown>;
  const store = new Map<string, string>();
  g.localStorage ??= { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, String(v)), removeItem: (k: string) => void store.delete(k) };
  g.document ??= { documentElement: { lang: '' } };
  const url = new URL('../src/web/public/app/i18n.js', import.meta.url);
  const web = (await import(url.href)) as {
    DICTS: Record<'vi' | 'en', Record<string, string>>;
    DOC_TYPE_NAMES: Record<string, [string, string]>;
    ALL_DOC_TYPES: Array<[string, string]>;
    docTypesFor: (kind: string) => Array<[string, string]>;
    docTypeName: (code: string, all?: boolean) => string;
    setLang: (l: string) => void;
  };
  const dir = path.dirname(url.pathname);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.js'));
  assert.ok(files.length > 15, `app files: ${files.join(', ')}`);
  const literal = new Map<string, string>();
  const prefixes = new Map<string, string>();
  for (const f of files) {
    const src = fs.readFileSync(path.join(dir, f), 'utf8');
    for (const m of src.matchAll(/\bt\(\s*(['"])([^'"]+)\1/g)) literal.set(m[2]!, f);
    for (const m of src.matchAll(/\bt\(\s*`([A-Za-z]+\.)\$\{/g)) prefixes.set(m[1]!, f);
  }
  assert.ok(literal.size > 200, `${literal.size} literal keys found`);
  for (const lang of ['vi', 'en'] as const) {
    const missing = [...literal].filter(([k]) => !(k in web.DICTS[lang])).map(([k, f]) => `${k} (${f})`);
    assert.deepEqual(missing, [], `t('…') keys missing in ${lang}`);
    const families = [...prefixes].filter(([p]) => !Object.keys(web.DICTS[lang]).some((k) => k.startsWith(p))).map(([p, f]) => `${p}* (${f})`);
    assert.deepEqual(families, [], `t(\`prefix.\${…}\`) families with no key in ${lang}`);
  }

  const codes = new Set([...web.ALL_DOC_TYPES, ...web.docTypesFor('party'), ...web.docTypesFor('government')].map(([c]) => c));
  for (const code of codes) {
    const names = web.DOC_TYPE_NAMES[code];
    assert.ok(names, `${code} has names`);
    const [vi, en] = names;
    assert.ok(vi.trim() && en.trim(), `${code}: both names non-empty`);
    assert.notEqual(en, vi, `${code}: the English name is not the Vietnamese one`);
    assert.doesNotMatch(en, /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i, `${code}: "${en}" has no Vietnamese letters`);
  }
  web.setLang('en');
  assert.equal(web.docTypeName('CV'), 'Official letter');
  assert.equal(web.docTypeName('KL', true), 'Conclusion (Party)');
  web.setLang('vi');
  assert.equal(web.docTypeName('QĐ'), 'Quyết định');
  assert.equal(web.docTypeName('TT', true), 'Thông tri (Đảng)');
});
