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
