import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, refreshToken } from './helpers/factories.js';
import { ids, issue, search } from './helpers/search.js';

test('search filters (type, urgency, issuer, dates, direction, status), cursor pages stable under inserts, bad input 400s', async (t) => {
  const env = await buildTestEnv(t);
  env.clock.set('2026-03-01T03:00:00Z');
  const a = await buildUnit(env, { name: 'Sở Giáo dục và Đào tạo', shortName: 'SGDĐT' });
  const b = await buildUnit(env, { name: 'Sở Xây dựng', shortName: 'SXD' });
  let clerkA = await buildUser(env, { unit: a, roles: ['clerk'] });
  let clerkB = await buildUser(env, { unit: b, roles: ['clerk'] });
  const made: Array<{ id: string; type: string; urgency: string; day: string; from: 'a' | 'b' }> = [];
  // Seven reports over a week: five from A to B, two from B to A; one a day, 03:00 UTC = 10:00 in Vietnam.
  const plan = [
    { type: 'BC', urgency: 'normal', from: 'a' }, { type: 'CV', urgency: 'urgent', from: 'a' }, { type: 'BC', urgency: 'normal', from: 'b' },
    { type: 'CV', urgency: 'normal', from: 'a' }, { type: 'BC', urgency: 'flash', from: 'a' }, { type: 'CV', urgency: 'normal', from: 'b' },
    { type: 'BC', urgency: 'normal', from: 'a' },
  ] as const;
  for (const [i, p] of plan.entries()) {
    clerkA = await refreshToken(env, clerkA);
    clerkB = await refreshToken(env, clerkB);
    const author = p.from === 'a' ? clerkA : clerkB;
    const to = p.from === 'a' ? b.id : a.id;
    const { doc } = await buildDocument(env, { author, recipients: [to], type: p.type, urgency: p.urgency, subject: `Báo cáo tuần số ${i + 1} về an toàn trường học` });
    await issue(env, author, doc.id);
    made.push({ id: doc.id, ...p, day: env.clock().toISOString().slice(0, 10) });
    env.clock.advance(86_400_000);
  }
  clerkA = await refreshToken(env, clerkA);
  clerkB = await refreshToken(env, clerkB);
  const q = 'bao cao an toan';
  const newestFirst = made.map((m) => m.id).reverse();
  assert.deepEqual(ids(await search(env, clerkA, { q })), newestFirst);
  const pick = (f: (m: (typeof made)[number]) => boolean) => made.filter(f).map((m) => m.id).reverse();
  assert.deepEqual(ids(await search(env, clerkA, { q, type: 'BC' })), pick((m) => m.type === 'BC'));
  assert.deepEqual(ids(await search(env, clerkA, { q, urgency: 'flash' })), pick((m) => m.urgency === 'flash'));
  assert.deepEqual(ids(await search(env, clerkA, { q, issuer: b.id })), pick((m) => m.from === 'b'));
  assert.deepEqual(ids(await search(env, clerkA, { q, direction: 'outgoing' })), pick((m) => m.from === 'a'));
  assert.deepEqual(ids(await search(env, clerkA, { q, direction: 'incoming' })), pick((m) => m.from === 'b'));
  const incoming = await search(env, clerkB, { q, direction: 'incoming' });
  assert.ok(incoming.items.every((i) => i.direction === 'incoming'));
  // Dates are Vietnam days, inclusive at both ends.
  assert.deepEqual(ids(await search(env, clerkA, { q, from: made[2]!.day, to: made[4]!.day })), [made[4]!.id, made[3]!.id, made[2]!.id]);
  assert.deepEqual(ids(await search(env, clerkA, { q, from: made[6]!.day })), [made[6]!.id]);
  assert.deepEqual(ids(await search(env, clerkA, { q, to: made[0]!.day })), [made[0]!.id]);
  // Status: the caller's copy (B accepts one), or the document's.
  const copy = (await env.app.inject({ url: '/api/inbox', headers: clerkB.auth })).json().items.find((i: { document: { id: string } }) => i.document.id === made[1]!.id);
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${copy.deliveryId}/accept`, headers: clerkB.auth })).statusCode, 200);
  assert.deepEqual(ids(await search(env, clerkB, { q, status: 'accepted' })), [made[1]!.id]);
  assert.equal((await search(env, clerkB, { q, status: 'delivered' })).items.length, 4);
  assert.deepEqual(ids(await search(env, clerkA, { q, status: 'recalled' })), []);

  // Pages of two: a document issued between two pages (newest, so before them) shifts nothing.
  const p1 = await search(env, clerkA, { q, limit: 2 });
  assert.deepEqual(ids(p1), newestFirst.slice(0, 2));
  const { doc: late } = await buildDocument(env, { author: clerkA, recipients: [b.id], subject: 'Báo cáo an toàn bổ sung' });
  await issue(env, clerkA, late.id);
  const seen = [...ids(p1)];
  let cursor = p1.nextCursor;
  for (let i = 0; cursor && i < 10; i++) {
    const page = await search(env, clerkA, { q, limit: 2, cursor });
    seen.push(...ids(page));
    cursor = page.nextCursor;
  }
  assert.deepEqual(seen, newestFirst);
  assert.deepEqual(ids(await search(env, clerkA, { q, limit: 1 })), [late.id]);

  // Bad input: 400 naming the parameter, in Vietnamese by default.
  const bad: Array<[Record<string, string>, RegExp]> = [
    [{ q: '' }, /\bq\b/], [{ q: '  ?!  ' }, /\bq\b/], [{ q: 'từ '.repeat(21) }, /\bq\b/], [{ q: 'x'.repeat(65) }, /\bq\b/],
    [{ q, cursor: 'not-a-cursor' }, /cursor/], [{ q, cursor: Buffer.from('9|x|y').toString('base64url') }, /cursor/],
    [{ q, from: '2026-02-30' }, /from/], [{ q, to: '1/3/2026' }, /to/], [{ q, from: '2026-03-05', to: '2026-03-01' }, /from/],
    [{ q, direction: 'sideways' }, /direction/], [{ q, status: 'lost' }, /status/], [{ q, urgency: 'soon' }, /urgency/],
    [{ q, issuer: 'abc' }, /issuer/], [{ q, limit: '51' }, /limit/], [{}, /q/],
  ];
  for (const [params, name] of bad) {
    const r = await search(env, clerkA, params, 400);
    assert.equal(r.error?.code, 'bad_request');
    assert.match(r.error!.message, name, JSON.stringify(params));
  }
  const en = await env.app.inject({ url: '/api/search?q=', headers: { ...clerkA.auth, 'accept-language': 'en' } });
  assert.match(en.json().error.message, /Parameter q/);
});
