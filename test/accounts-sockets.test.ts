import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, type TestUser } from './helpers/factories.js';
import { connect, listen, syncSince, waitFor, type TestClient } from './helpers/sockets.js';

async function issue(env: TestEnv, author: TestUser, recipients: string[], subject: string) {
  const { doc } = await buildDocument(env, { author, recipients, subject });
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: author.auth });
  assert.equal(r.statusCode, 200, r.body);
  return doc;
}

function closedPromise(c: TestClient) {
  return new Promise<string>((resolve) => c.socket.once('disconnect', (reason) => resolve(reason)));
}

test('a connected user who is disabled is disconnected and gets no further delivery:new; a colleague still does', { timeout: 60_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const url = await listen(env);
  const admin = await buildUser(env, { roles: ['admin'] });
  const issuer = await buildUser(env);
  const unit = await buildUnit(env);
  const victim = await buildUser(env, { unit, roles: ['officer'] });
  const colleague = await buildUser(env, { unit, roles: ['clerk'] });
  const v = await connect(url, victim.token);
  const c = await connect(url, colleague.token);
  t.after(() => { v.close(); c.close(); });

  await issue(env, issuer, [unit.id], 'Trước khi khóa');
  await waitFor(() => v.of('delivery:new').length === 1 && c.of('delivery:new').length === 1, 5000, 'first delivery:new');

  const closed = closedPromise(v);
  const r = await env.app.inject({ method: 'POST', url: `/api/users/${victim.user.id}/disable`, headers: admin.auth });
  assert.equal(r.statusCode, 200, r.body);
  assert.equal(await closed, 'io server disconnect');

  await issue(env, issuer, [unit.id], 'Sau khi khóa — không được thấy');
  await waitFor(() => c.of('delivery:new').length === 2, 5000, 'the colleague gets the second document');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(v.of('delivery:new').length, 1, 'nothing reaches the disabled user');
  assert.ok(!v.received.some((x) => JSON.stringify(x.data).includes('không được thấy')));

  // Reconnecting with the old token is refused.
  await assert.rejects(connect(url, victim.token), /unauthorized/);
});

test('sync is authorised afresh: after the session ended or the account was disabled it is refused and the socket closed', { timeout: 60_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const url = await listen(env);
  const issuer = await buildUser(env);
  const unit = await buildUnit(env);
  const a = await buildUser(env, { unit });
  const b = await buildUser(env, { unit });
  await issue(env, issuer, [unit.id], 'Văn bản để đồng bộ');
  const ca = await connect(url, a.token);
  const cb = await connect(url, b.token);
  t.after(() => { ca.close(); cb.close(); });
  const ok = await syncSince(ca, 0);
  assert.ok(ok.events.some((e: { name: string }) => e.name === 'delivery:new'), JSON.stringify(ok));

  // The session row ends without its event reaching this replica (e.g. a worker far behind): the
  // socket stays up, but its next sync is refused.
  const sid = JSON.parse(Buffer.from(a.token.split('.')[1]!, 'base64url').toString()).sid;
  await env.db.execute(sql`update sessions set ended_at = now(), end_reason = 'logout' where id = ${sid}`);
  const closedA = closedPromise(ca);
  const refused = await syncSince(ca, 0);
  assert.deepEqual(refused.events, undefined);
  assert.equal(refused.error.code, 'unauthorized');
  assert.equal(await closedA, 'io server disconnect');

  // The same for an account disabled behind the app's back.
  await env.db.execute(sql`update users set disabled = true where id = ${b.user.id}`);
  const closedB = closedPromise(cb);
  assert.equal((await syncSince(cb, 0)).error.code, 'unauthorized');
  await closedB;
});

test('logout disconnects that session\'s socket only; the same person\'s other device keeps its pushes', { timeout: 60_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const url = await listen(env);
  const issuer = await buildUser(env);
  const unit = await buildUnit(env);
  const u = await buildUser(env, { unit, roles: ['clerk'] });
  const phone = await env.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: u.user.username, password: 'test-password-1' } });
  assert.equal(phone.statusCode, 200, phone.body);
  const phoneToken = phone.json().token as string;
  const p = await connect(url, phoneToken);
  const laptop = await connect(url, u.token);
  t.after(() => { p.close(); laptop.close(); });

  const closed = closedPromise(p);
  const out = await env.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: `Bearer ${phoneToken}` } });
  assert.equal(out.statusCode, 204, out.body);
  assert.equal(await closed, 'io server disconnect');
  await issue(env, issuer, [unit.id], 'Sau khi đăng xuất');
  await waitFor(() => laptop.of('delivery:new').length === 1, 5000, 'the laptop still gets pushes');
  assert.equal(laptop.socket.connected, true);
  assert.equal(p.of('delivery:new').length, 0);
  assert.ok((await syncSince(laptop, 0)).events.length >= 1);
});

test('two replicas: a role change made through A disconnects the person\'s socket on B; a logout through B the one on A', { timeout: 60_000 }, async (t) => {
  const a = await buildTestEnv(t);
  const b = await buildTestEnv(t, {}, { database: { url: a.dbUrl } });
  const [urlA, urlB] = [await listen(a), await listen(b)];
  const admin = await buildUser(a, { roles: ['admin'] });
  const u = await buildUser(a, { roles: ['clerk'] });
  const w = await buildUser(a, { roles: ['clerk'] });
  const onB = await connect(urlB, u.token);
  const onA = await connect(urlA, w.token);
  t.after(() => { onB.close(); onA.close(); });

  const closedB = closedPromise(onB);
  const r = await a.app.inject({ method: 'PATCH', url: `/api/users/${u.user.id}`, headers: admin.auth, payload: { roles: ['officer'] } });
  assert.equal(r.statusCode, 200, r.body);
  assert.equal(await closedB, 'io server disconnect');

  const closedA = closedPromise(onA);
  assert.equal((await b.app.inject({ method: 'POST', url: '/api/auth/logout', headers: w.auth })).statusCode, 204);
  assert.equal(await closedA, 'io server disconnect');
});
