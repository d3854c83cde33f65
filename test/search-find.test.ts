import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser } from './helpers/factories.js';
import { makePdf } from './helpers/pdf.js';
import { MAX_EXPANSION } from '../src/modules/search/search.js';
import { ids, issue, marked, search } from './helpers/search.js';

test('search finds by subject without diacritics, by notation in any form, by issuer and signer, with highlighted snippets', async (t) => {
  const env = await buildTestEnv(t);
  const unit = await buildUnit(env, { name: 'Sở Tài nguyên và Môi trường', shortName: 'STNMT' });
  const clerk = await buildUser(env, { unit, roles: ['clerk'] });
  const leader = await buildUser(env, { unit, roles: ['leader'], fullName: 'Trần Thị Bích Ngọc' });
  const recipient = await buildUser(env, { roles: ['clerk'] });
  const { doc: d1 } = await buildDocument(env, { author: clerk, recipients: [recipient.unit.id], subject: 'Về việc Hỏa tốc phòng chống bão số 3', urgency: 'flash' });
  const one = await issue(env, clerk, d1.id);
  env.clock.advance(60_000);
  const { doc: d2 } = await buildDocument(env, { author: clerk, recipients: [recipient.unit.id], type: 'QĐ', subject: 'Phê duyệt kế hoạch hoà giải ở cơ sở', signerId: leader.user.id });
  const two = await issue(env, clerk, d2.id);
  assert.equal(two.notation, '02/QĐ-STNMT');

  // Without diacritics, any case; the word being typed is a prefix.
  const a = await search(env, recipient, { q: 'HOA TOC phong cho' });
  assert.deepEqual(ids(a), [d1.id]);
  assert.equal(a.items[0]!.matchedIn, 'subject');
  assert.equal(a.items[0]!.snippet, 'Về việc Hỏa tốc phòng chống bão số 3');
  assert.deepEqual(marked(a.items[0]!), ['Hỏa', 'tốc', 'phòng', 'chống']);
  assert.equal(a.items[0]!.direction, 'incoming');
  assert.ok(a.items[0]!.deliveryId);
  assert.equal(a.nextCursor, null);
  // Old and new tone placement, đ = d.
  for (const q of ['hòa giải', 'hoà giải', 'hoa giai', 'Phe duyet ke hoach']) assert.deepEqual(ids(await search(env, recipient, { q })), [d2.id], q);
  // The notation in full, in pieces, without the leading zero; the exact one first.
  for (const q of ['02/QĐ-STNMT', '02/qd-stnmt', '2/QĐ-STNMT', 'qd stnmt 02']) {
    const r = await search(env, recipient, { q });
    assert.equal(r.items[0]?.document.id, d2.id, q);
    assert.equal(r.items[0]!.matchedIn, 'notation', q);
  }
  const n = (await search(env, recipient, { q: '02/QĐ-STNMT' })).items[0]!;
  assert.equal(n.snippet, '02/QĐ-STNMT');
  assert.deepEqual(marked(n), ['02', 'QĐ', 'STNMT']);
  assert.deepEqual(ids(await search(env, recipient, { q: one.notation })), [d1.id]);
  // Issuer name (newest first) and signer.
  const byIssuer = await search(env, recipient, { q: 'tai nguyen moi truong' });
  assert.deepEqual(ids(byIssuer), [d2.id, d1.id]);
  assert.equal(byIssuer.items[0]!.matchedIn, 'issuer');
  assert.deepEqual(marked(byIssuer.items[0]!), ['Tài', 'nguyên', 'Môi', 'trường']);
  const bySigner = await search(env, recipient, { q: 'bich ngoc' });
  assert.deepEqual(ids(bySigner), [d2.id]);
  assert.equal(bySigner.items[0]!.matchedIn, 'signer');
  // The issuer finds them as outgoing.
  const own = await search(env, clerk, { q: 'hoa toc' });
  assert.equal(own.items[0]!.direction, 'outgoing');
  assert.equal(own.items[0]!.deliveryId, null);
  // Nothing else matches a word nobody wrote; a draft is never found.
  assert.deepEqual(ids(await search(env, recipient, { q: 'khong co dau' })), []);
  await buildDocument(env, { author: clerk, recipients: [recipient.unit.id], subject: 'Dự thảo hỏa tốc chưa ban hành' });
  assert.deepEqual(ids(await search(env, clerk, { q: 'hoa toc' })), [d1.id]);
});

test('search finds a phrase inside a PDF once its text is read; the snippet is cut from the text', async (t) => {
  const env = await buildTestEnv(t, { textExtraction: true });
  const clerk = await buildUser(env, { roles: ['clerk'] });
  const recipient = await buildUser(env, { roles: ['officer'] });
  // One line that fits the page (text outside the page is not read).
  const text = 'Ung pho bien doi khi hau, phong thien tai';
  const { doc } = await buildDocument(env, { author: clerk, recipients: [recipient.unit.id], subject: 'Kế hoạch năm 2026', files: [makePdf(text)] });
  await issue(env, clerk, doc.id);
  let found = await search(env, recipient, { q: '"biến đổi khí hậu"' });
  for (let i = 0; i < 100 && found.items.length === 0; i++) {
    assert.equal((await search(env, recipient, { q: 'ke hoach' })).items[0]?.document.textState !== 'failed', true);
    await new Promise((r) => setTimeout(r, 200));
    found = await search(env, recipient, { q: '"biến đổi khí hậu"' });
  }
  assert.deepEqual(ids(found), [doc.id], 'found by a phrase of its PDF');
  const item = found.items[0]!;
  assert.equal(item.matchedIn, 'text');
  assert.equal(item.textState, null);
  assert.equal(item.snippet, text);
  assert.deepEqual(marked(item), ['bien', 'doi', 'khi', 'hau']);
  // The words in another order are not the phrase; as plain words they match.
  assert.deepEqual(ids(await search(env, recipient, { q: '"khi hau bien doi"' })), []);
  assert.deepEqual(ids(await search(env, recipient, { q: 'khi hau bien doi' })), [doc.id]);
  // All the words must be in the metadata or all in the text (docs/api.md).
  assert.deepEqual(ids(await search(env, recipient, { q: 'kế hoạch thien tai' })), []);
});

test('the word being typed: searched as the words it begins (search_terms, kept by the indexer), or as a prefix when it begins too many', async (t) => {
  const env = await buildTestEnv(t);
  const clerk = await buildUser(env, { roles: ['clerk'] });
  const recipient = await buildUser(env, { roles: ['clerk'] });
  // 30 words beginning "zq" (more than MAX_EXPANSION), ten of them "zq1…".
  const words = Array.from({ length: 30 }, (_, i) => `zq${String(i).padStart(2, '0')}`);
  assert.ok(words.length > MAX_EXPANSION);
  const { doc: d1 } = await buildDocument(env, { author: clerk, recipients: [recipient.unit.id], subject: `Danh mục ${words.join(' ')}` });
  await issue(env, clerk, d1.id);
  assert.deepEqual(ids(await search(env, recipient, { q: 'zq' })), [d1.id], 'a prefix of 30 words: PostgreSQL prefix match');
  const terms = await env.deps.sql<{ term: string }[]>`select term from search_terms where term like 'zq%' order by term`;
  assert.deepEqual(terms.map((r) => r.term), words, 'every word of the subject is in search_terms (indexed before the search ran)');
  assert.deepEqual(ids(await search(env, recipient, { q: 'danh zq1' })), [d1.id], 'a prefix of ten words: those words');
  assert.deepEqual(ids(await search(env, recipient, { q: 'danh zq29' })), [d1.id]);
  assert.deepEqual(ids(await search(env, recipient, { q: 'danh zq3' })), [], 'no word begins zq3');
  // A word that comes later is found by its prefix as soon as it is indexed.
  env.clock.advance(60_000);
  const { doc: d2 } = await buildDocument(env, { author: clerk, recipients: [recipient.unit.id], subject: 'Danh mục zq1xyz mới' });
  await issue(env, clerk, d2.id);
  assert.deepEqual(ids(await search(env, recipient, { q: 'danh zq1x' })), [d2.id]);
  assert.deepEqual(ids(await search(env, recipient, { q: 'danh zq1' })), [d2.id, d1.id]);
  const r = await search(env, recipient, { q: 'danh zq1' });
  assert.deepEqual(marked(r.items[0]!), ['Danh', 'zq1xyz'], 'the typed word is highlighted as a prefix');
});
