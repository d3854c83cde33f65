// Issue 11 items 5 and 6: text PostgreSQL cannot store (NUL, lone surrogates) and broken multipart
// bodies are the client's fault — 400 naming the field, nothing written — never a 500.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, type TestUser } from './helpers/factories.js';
import { makePdf, multipart } from './helpers/pdf.js';
import { badTextPath } from '../src/lib/text.js';
import { catchUpIndex } from '../src/modules/search/indexer.js';

/** Row counts of every table in the database and the store listing, to show a request wrote nothing. */
async function snapshot(env: TestEnv) {
  // The search index is derived from committed events in the background: brought up to date first,
  // so rows an earlier (accepted) request led to are not taken for this one's writes.
  await catchUpIndex(env.db);
  const tables = (await env.db.execute(sql`select tablename from pg_tables where schemaname = 'public' order by 1`)) as unknown as Array<{ tablename: string }>;
  const counts: Record<string, number> = {};
  for (const { tablename } of tables) {
    const [row] = (await env.db.execute(sql`select count(*)::int as n from ${sql.identifier(tablename)}`)) as unknown as [{ n: number }];
    counts[tablename] = row.n;
  }
  const objects: string[] = [];
  for await (const sha of env.store.list()) objects.push(sha);
  return { counts, objects: objects.sort() };
}

function assertError(r: { statusCode: number; body: string; json(): any }, status: number, code: string, message?: RegExp) {
  assert.equal(r.statusCode, status, r.body);
  const body = r.json();
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
  if (message) assert.match(body.error.message, message);
}

test('badTextPath finds NUL and lone surrogates anywhere, with a path', () => {
  assert.equal(badTextPath({ a: 'ok', b: ['x', 'y'], c: { d: 'Tiếng Việt 😀' } }, 'body'), null);
  assert.equal(badTextPath({ a: 'a\u0000b' }, 'body'), 'body.a');
  assert.equal(badTextPath({ a: [{ b: 'x' }, { b: '\ud800' }] }, 'body'), 'body.a[1].b');
  assert.equal(badTextPath({ 'k\u0000': 1 }, 'body'), 'body.k\\u0000');
  assert.equal(badTextPath('\udc00x', 'body'), 'body');
  assert.equal(badTextPath('a\ud83d\ude00b', 'body'), null, 'a surrogate pair is fine');
  assert.equal(badTextPath('\ud83d', 'body'), 'body');
  assert.equal(badTextPath('\ude00\ud83d', 'body'), 'body', 'a pair in the wrong order is two lone halves');
  // Deep nesting is walked without blowing the stack.
  let deep: unknown = 'x\u0000';
  for (let i = 0; i < 50_000; i++) deep = [deep];
  assert.match(String(badTextPath(deep, 'body')), /^body(\[0\])+$/);
});

async function setting(env: TestEnv) {
  const issuer = await buildUser(env, { roles: ['clerk'] });
  const unit = await buildUnit(env);
  const clerk = await buildUser(env, { unit, roles: ['clerk'] });
  const leader = await buildUser(env, { unit, roles: ['leader'] });
  const officer = await buildUser(env, { unit, roles: ['officer'] });
  const { doc } = await buildDocument(env, { author: issuer, recipients: [unit.id] });
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: issuer.auth })).statusCode, 200);
  const item = (await env.app.inject({ url: '/api/inbox', headers: clerk.auth })).json().items.find((i: { document: { id: string } }) => i.document.id === doc.id);
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${item.deliveryId}/accept`, headers: clerk.auth })).statusCode, 200);
  const assign = await env.app.inject({
    method: 'POST', url: `/api/deliveries/${item.deliveryId}/assign`, headers: leader.auth,
    payload: { direction: 'Giao chuyên viên xử lý', lead: { userId: officer.user.id } },
  });
  assert.equal(assign.statusCode, 201, assign.body);
  const { doc: draft } = await buildDocument(env, { author: issuer, recipients: [unit.id], files: [] });
  return { issuer, clerk, leader, officer, doc, draft, deliveryId: item.deliveryId as string, assignmentId: assign.json().assignments[0].id as string };
}

const NUL = 'a\u0000b';
const LONE = '\ud800';
const INVALID = /ký tự không hợp lệ/;

test('NUL and lone surrogates → 400 naming the field, in JSON, query strings, params and multipart; nothing written', async (t) => {
  const env = await buildTestEnv(t);
  const s = await setting(env);
  const before = await snapshot(env);
  const json = (who: TestUser | null, method: string, url: string, payload: unknown) =>
    env.app.inject({ method: method as 'POST', url, headers: { ...(who?.auth ?? {}), 'content-type': 'application/json' }, payload: JSON.stringify(payload) });

  for (const bad of [NUL, LONE]) {
    const login = await json(null, 'POST', '/api/auth/login', { username: bad, password: 'x' });
    assertError(login, 400, 'bad_request', /body\.username/);
    assert.match(login.json().error.message, INVALID);
    const en = await env.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json', 'accept-language': 'en' }, payload: JSON.stringify({ username: 'x', password: bad }) });
    assertError(en, 400, 'bad_request', /body\.password.*invalid character/i);
    assertError(await json(s.issuer, 'POST', '/api/documents', { type: 'CV', subject: `Về việc ${bad}`, recipients: [s.clerk.unit.id] }), 400, 'bad_request', /body\.subject/);
    assertError(await json(s.issuer, 'PATCH', `/api/documents/${s.draft.id}`, { subject: bad }), 400, 'bad_request', /body\.subject/);
    assertError(await json(s.officer, 'POST', `/api/assignments/${s.assignmentId}/progress`, { note: `Đã xong ${bad}` }), 400, 'bad_request', /body\.note/);
    // A bad key is named too (escaped, so the message itself stays valid text).
    assertError(await json(s.issuer, 'POST', '/api/documents', { type: 'CV', subject: 'x', recipients: [s.clerk.unit.id], [bad]: 1 }), 400, 'bad_request', INVALID);
    // Query strings and path parameters.
    // (UTF-8 cannot carry a lone surrogate: %ED%A0%80 is bad percent-encoding, refused by the router.)
    const enc = bad === NUL ? 'a%00b' : '%ED%A0%80';
    assertError(await env.app.inject({ url: `/api/inbox?cursor=${enc}`, headers: s.clerk.auth }), 400, 'bad_request', bad === NUL ? /query\.cursor/ : undefined);
    assertError(await env.app.inject({ url: `/api/documents/${enc}`, headers: s.clerk.auth }), 400, 'bad_request', bad === NUL ? /params\.id/ : undefined);
    assertError(await env.app.inject({ url: `/api/documents/${enc}/tracking`, headers: s.clerk.auth }), 400, 'bad_request');
    // Multipart text fields: a progress note and a file name. (Multipart is bytes: UTF-8 cannot carry
    // a lone surrogate, busboy decodes bad bytes as U+FFFD; a NUL byte is the case to refuse.)
    if (bad !== NUL) continue;
    const form = multipart([{ name: 'note', data: `Báo cáo ${bad}` }, { name: 'file', filename: 'bao-cao.pdf', data: makePdf('bc') }]);
    assertError(await env.app.inject({ method: 'POST', url: `/api/assignments/${s.assignmentId}/progress`, headers: { ...s.officer.auth, ...form.headers }, payload: form.payload }), 400, 'bad_request', /note/);
    const named = multipart([{ name: 'file', filename: `bao${bad}cao.pdf`, data: makePdf('bc') }]);
    assertError(await env.app.inject({ method: 'POST', url: `/api/documents/${s.draft.id}/files`, headers: { ...s.issuer.auth, ...named.headers }, payload: named.payload }), 400, 'bad_request', /file/);
  }
  // A path parameter over the router's length limit: our 400, not fastify's own 414 body.
  assertError(await env.app.inject({ url: `/api/documents/${'x'.repeat(500)}`, headers: s.clerk.auth }), 400, 'bad_request');
  assert.deepEqual(await snapshot(env), before);
  // Valid Vietnamese text and emoji pass through untouched.
  const ok = await json(s.officer, 'POST', `/api/assignments/${s.assignmentId}/progress`, { note: 'Đã xử lý xong 😀 — ổn' });
  assert.equal(ok.statusCode, 200, ok.body);
});

/** Raw multipart bodies a broken or hostile client sends. */
function brokenBodies(): Array<{ what: string; headers: Record<string, string>; payload: Buffer }> {
  const good = multipart([{ name: 'owner', data: 'user' }, { name: 'file', filename: 'a.pdf', data: makePdf('x') }]);
  const boundary = /boundary=(.*)$/.exec(good.headers['content-type'])![1]!;
  const long = 'b'.repeat(1000);
  const longBody = Buffer.from(`--${long}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n${makePdf('x').toString('latin1')}\r\n--${long}--\r\n`, 'latin1');
  const closing = Buffer.from(`--${boundary}--\r\n`);
  const withoutClosing = good.payload.subarray(0, good.payload.length - closing.length);
  return [
    { what: 'no boundary', headers: { 'content-type': 'multipart/form-data' }, payload: good.payload },
    { what: 'empty boundary', headers: { 'content-type': 'multipart/form-data; boundary=' }, payload: good.payload },
    { what: 'wrong boundary', headers: { 'content-type': 'multipart/form-data; boundary=nothere' }, payload: good.payload },
    { what: 'truncated body', headers: good.headers, payload: good.payload.subarray(0, Math.floor(good.payload.length / 2)) },
    { what: 'missing closing line', headers: good.headers, payload: withoutClosing },
    { what: '1,000-char boundary', headers: { 'content-type': `multipart/form-data; boundary=${long}` }, payload: longBody },
    { what: 'garbage', headers: good.headers, payload: Buffer.from('this is not multipart at all') },
    { what: 'bad part header', headers: good.headers, payload: Buffer.from(`--${boundary}\r\nContent-Disposition form-data\r\n\r\nx\r\n--${boundary}--\r\n`) },
  ];
}

test('broken multipart → 4xx on every multipart route, nothing written', async (t) => {
  const env = await buildTestEnv(t);
  const s = await setting(env);
  const before = await snapshot(env);
  const routes: Array<{ url: string; who: TestUser }> = [
    { url: '/api/verify', who: s.clerk },
    { url: '/api/certificates', who: s.leader },
    { url: '/api/signature-images', who: s.leader },
    { url: `/api/assignments/${s.assignmentId}/progress`, who: s.officer },
    { url: `/api/documents/${s.draft.id}/files`, who: s.issuer },
  ];
  for (const r of routes) {
    for (const b of brokenBodies()) {
      const res = await env.app.inject({ method: 'POST', url: r.url, headers: { ...r.who.auth, ...b.headers }, payload: b.payload });
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${r.url} ${b.what}: ${res.statusCode} ${res.body}`);
      assert.equal(typeof res.json().error?.code, 'string', `${r.url} ${b.what}: ${res.body}`);
      if (b.what !== '1,000-char boundary') assert.equal(res.statusCode, 400, `${r.url} ${b.what}: ${res.statusCode} ${res.body}`);
    }
  }
  assert.deepEqual(await snapshot(env), before);
});

// DEFECT found by test/fuzz.test.ts, in code this file's author does not own (reported to the lead):
// src/modules/handling/progress.ts reportProgress() refuses an empty note before its try/catch, so
// the report PDF the route already staged is never discarded — a refused request leaves a staged
// copy behind (the store sweeper removes it only after STORE_SWEEP_GRACE_SECONDS). Fails until fixed.
test('a progress form without a note → 400 and no staged copy left behind', async (t) => {
  const env = await buildTestEnv(t);
  const s = await setting(env);
  const before = await snapshot(env);
  let staged = 0;
  const form = multipart([{ name: 'file', filename: 'bao-cao.pdf', data: makePdf('bc') }]);
  assertError(await env.app.inject({ method: 'POST', url: `/api/assignments/${s.assignmentId}/progress`, headers: { ...s.officer.auth, ...form.headers }, payload: form.payload }), 400, 'bad_request');
  for await (const _ of env.store.listStaging()) staged++;
  assert.equal(staged, 0, 'the staged report PDF is discarded');
  assert.deepEqual(await snapshot(env), before);
});
