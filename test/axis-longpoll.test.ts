import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { basic, edocXml } from './helpers/axis.js';
import { buildUser } from './helpers/factories.js';
import { listen } from './helpers/sockets.js';

async function register(env: TestEnv, systemId: string, units: string[]) {
  const admin = await buildUser(env, { roles: ['admin'] });
  const r = await env.app.inject({ method: 'POST', url: '/api/axis/systems', headers: admin.auth, payload: { systemId, name: `Hệ thống ${systemId}` } });
  assert.equal(r.statusCode, 201, r.body);
  const auth = basic(systemId, r.json().secret);
  const d = await env.app.inject({ method: 'PUT', url: '/axis/v1/directory', headers: auth, payload: { units: units.map((organId) => ({ organId, name: organId })) } });
  assert.equal(d.statusCode, 200, d.body);
  return auth;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('axis long-poll over HTTP across two replicas: a package and its delivery cross in well under a second', async (t) => {
  // Two app instances on one database (as two axis replicas behind a load balancer): B waits on
  // the second, A posts to the first; only PostgreSQL NOTIFY connects them.
  const one = await buildTestEnv(t, { axis: true });
  const two = await buildTestEnv(t, { axis: true }, { database: { url: one.dbUrl } });
  const url1 = await listen(one);
  const url2 = await listen(two);
  const A = await register(one, 'sysA', ['A.01']);
  const B = await register(one, 'sysB', ['B.01']);

  const started = Date.now();
  const waiting = fetch(`${url2}/axis/v1/edocs?wait=10`, { headers: B });
  await sleep(400);
  const xml = await edocXml({ from: 'A.01', to: ['B.01'], documentId: 'A.01,2026/11/30,99/UBND', subject: 'Hỏa tốc: sơ tán dân' });
  const posted = Date.now();
  const p = await fetch(`${url1}/axis/v1/edocs`, { method: 'POST', headers: { ...A, 'content-type': 'application/xml' }, body: xml });
  assert.equal(p.status, 202);
  const { docId } = (await p.json()) as { docId: string };
  const r = await waiting;
  const arrived = Date.now();
  assert.equal(r.status, 200);
  const body = (await r.json()) as { items: Array<{ docId: string; to: string }> };
  assert.deepEqual(body.items.map((i) => [i.docId, i.to]), [[docId, 'B.01']]);
  t.diagnostic(`package crossed replicas ${arrived - posted} ms after the POST began`);
  assert.ok(arrived - posted < 1000, `arrived ${arrived - posted} ms after the POST`);
  assert.ok(arrived - started < 5000, 'answered long before the 10 s wait ended');

  // The download goes to the replica holding the file (each test env has its own store folder).
  const dl = await fetch(`${url1}/axis/v1/edocs/${docId}`, { headers: B });
  assert.equal(dl.status, 200);
  assert.equal(Buffer.from(await dl.arrayBuffer()).toString('utf8'), xml);

  // A long-polls /sent on replica two after having seen "queued"; B's done on replica one wakes it.
  const first = (await (await fetch(`${url2}/axis/v1/sent`, { headers: A })).json()) as { items: Array<{ transport: string }>; cursor: string };
  assert.deepEqual(first.items.map((i) => i.transport), ['queued']);
  const sentWait = fetch(`${url2}/axis/v1/sent?since=${first.cursor}&wait=10`, { headers: A });
  await sleep(400);
  const doneAt = Date.now();
  const done = await fetch(`${url1}/axis/v1/edocs/${docId}/done`, { method: 'POST', headers: B });
  assert.equal(done.status, 200);
  const s = await sentWait;
  const sentAt = Date.now();
  const sent = (await s.json()) as { items: Array<{ docId: string; to: string; transport: string }>; cursor: string };
  assert.deepEqual(sent.items.map((i) => [i.docId, i.to, i.transport]), [[docId, 'B.01', 'delivered']]);
  assert.ok(Number(sent.cursor) > Number(first.cursor));
  assert.ok(sentAt - doneAt < 1000, `delivered seen ${sentAt - doneAt} ms after done`);

  // Nothing new: a wait of 1 s answers empty after about a second, with the same cursor.
  const t0 = Date.now();
  const empty = (await (await fetch(`${url2}/axis/v1/sent?since=${sent.cursor}&wait=1`, { headers: A })).json()) as { items: unknown[]; cursor: string };
  assert.deepEqual(empty, { items: [], cursor: sent.cursor });
  assert.ok(Date.now() - t0 >= 900, 'held for the wait');
});

test('axis long-poll: at most 20 waiting requests per system; shutdown answers the waiting ones at once', async (t) => {
  const env = await buildTestEnv(t, { axis: true });
  const B = await register(env, 'sysB', ['B.01']);
  const A = await register(env, 'sysA', ['A.01']);
  // The secret check is cached after this one, so the 20 below do not each pay argon2.
  assert.equal((await env.app.inject({ url: '/axis/v1/edocs', headers: B })).statusCode, 200);
  // (inject starts a request only when awaited: `.then` sends them now.)
  const held = Array.from({ length: 20 }, (_, i) => env.app.inject({ url: `/axis/v1/${i % 2 ? 'sent' : 'edocs'}?wait=30`, headers: B }).then((r) => r));
  // Time for all 20 to pass auth and start waiting (slow on a busy test machine).
  await sleep(2000);
  const over = await env.app.inject({ url: '/axis/v1/edocs?wait=5', headers: B });
  assert.equal(over.statusCode, 429, over.body);
  assert.equal(over.json().error.code, 'too_many_requests');
  // Another system is not held back by B's, and a wait=0 call is never refused.
  assert.equal((await env.app.inject({ url: '/axis/v1/edocs?wait=0', headers: B })).statusCode, 200);
  const other = env.app.inject({ url: '/axis/v1/edocs?wait=30', headers: A }).then((r) => r);
  await sleep(300);

  const closing = Date.now();
  await env.app.close();
  const answers = await Promise.all([...held, other]);
  assert.ok(Date.now() - closing < 5000, `shutdown took ${Date.now() - closing} ms`);
  for (const r of answers) {
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json().items, []);
  }
});
