import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eq } from 'drizzle-orm';
import { axisDestinations, axisPackages, axisSystems } from '../src/modules/axis/tables.js';
import { events } from '../src/modules/events/tables.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { basic, edocXml, statusXml, storeState } from './helpers/axis.js';
import { buildUser, type TestUser } from './helpers/factories.js';

const XML = { 'content-type': 'application/xml' };

async function addSystem(env: TestEnv, admin: TestUser, body: Record<string, unknown>) {
  const r = await env.app.inject({ method: 'POST', url: '/api/axis/systems', headers: admin.auth, payload: body });
  assert.equal(r.statusCode, 201, r.body);
  return r.json() as { system: { systemId: string; name: string; organIdPrefixes: string[] }; secret: string };
}

async function world(t: Parameters<typeof buildTestEnv>[0]) {
  const env = await buildTestEnv(t, { axis: true, maxPackageBytes: 1024 * 1024 });
  const admin = await buildUser(env, { roles: ['admin'] });
  const a = await addSystem(env, admin, { systemId: 'sysA', name: 'Hệ thống A', organIdPrefixes: ['A.'] });
  const b = await addSystem(env, admin, { systemId: 'sysB', name: 'Hệ thống B' });
  const A = basic('sysA', a.secret);
  const B = basic('sysB', b.secret);
  let r = await env.app.inject({ method: 'PUT', url: '/axis/v1/directory', headers: A, payload: { units: [{ organId: 'A.01', name: 'UBND A' }, { organId: 'A.02', name: 'Sở A', parentOrganId: 'A.01' }] } });
  assert.equal(r.statusCode, 200, r.body);
  r = await env.app.inject({ method: 'PUT', url: '/axis/v1/directory', headers: B, payload: { units: [{ organId: 'B.01', name: 'UBND B' }, { organId: 'B.02', name: 'Sở B', parentOrganId: 'B.01' }] } });
  assert.equal(r.statusCode, 200, r.body);
  const post = (headers: Record<string, string>, xml: string | Buffer) =>
    env.app.inject({ method: 'POST', url: '/axis/v1/edocs', headers: { ...headers, ...XML }, payload: xml });
  return { env, admin, a, b, A, B, post };
}

test('axis: nothing is served unless AXIS=1', async (t) => {
  const env = await buildTestEnv(t);
  const admin = await buildUser(env, { roles: ['admin'] });
  for (const [method, url] of [['POST', '/api/axis/systems'], ['GET', '/api/axis/systems'], ['GET', '/axis/v1/directory'], ['POST', '/axis/v1/edocs'], ['GET', '/axis/v1/sent']] as const) {
    const r = await env.app.inject({ method, url, headers: admin.auth, ...(method === 'POST' ? { payload: {} } : {}) });
    assert.equal(r.statusCode, 404, `${method} ${url}`);
    assert.equal(r.json().error.code, 'not_found');
  }
});

test('axis: systems are registered by an admin, the secret shown once and only its argon2 hash stored', async (t) => {
  const env = await buildTestEnv(t, { axis: true });
  const admin = await buildUser(env, { roles: ['admin'] });
  const clerk = await buildUser(env);
  let r = await env.app.inject({ method: 'POST', url: '/api/axis/systems', headers: clerk.auth, payload: { systemId: 'x1', name: 'X' } });
  assert.equal(r.statusCode, 403);
  r = await env.app.inject({ method: 'POST', url: '/api/axis/systems', payload: { systemId: 'x1', name: 'X' } });
  assert.equal(r.statusCode, 401, 'bearer auth on /api/axis');

  const a = await addSystem(env, admin, { systemId: 'sysA', name: 'Hệ thống A', organIdPrefixes: ['A.'] });
  assert.ok(a.secret.length >= 32);
  assert.deepEqual(a.system.organIdPrefixes, ['A.']);
  const [row] = await env.db.select().from(axisSystems).where(eq(axisSystems.systemId, 'sysA'));
  assert.match(row!.secretHash, /^\$argon2id\$/);
  assert.ok(!row!.secretHash.includes(a.secret));
  r = await env.app.inject({ method: 'POST', url: '/api/axis/systems', headers: admin.auth, payload: { systemId: 'sysA', name: 'again' } });
  assert.equal(r.statusCode, 409);
  r = await env.app.inject({ method: 'POST', url: '/api/axis/systems', headers: admin.auth, payload: { systemId: 'bad:id', name: 'X' } });
  assert.equal(r.statusCode, 400);

  r = await env.app.inject({ url: '/api/axis/systems', headers: admin.auth });
  assert.equal(r.statusCode, 200);
  assert.deepEqual(r.json().systems.map((s: { systemId: string }) => s.systemId), ['sysA']);
  assert.ok(!r.body.includes(a.secret) && !r.body.includes('argon2'), 'the list shows no secret and no hash');
  r = await env.app.inject({ url: '/api/axis/systems', headers: clerk.auth });
  assert.equal(r.statusCode, 403);

  // The secret works (twice: the second check is the cached one); the audit trail has the addition.
  for (let i = 0; i < 2; i++) {
    r = await env.app.inject({ url: '/axis/v1/directory', headers: basic('sysA', a.secret) });
    assert.equal(r.statusCode, 200);
  }
  const added = await env.db.select().from(events).where(eq(events.type, 'axis.system_added'));
  assert.equal(added.length, 1);
  assert.equal(added[0]!.data.systemId, 'sysA');
  assert.equal(added[0]!.actorUserId, admin.user.id);

  r = await env.app.inject({ method: 'DELETE', url: '/api/axis/systems/sysA', headers: admin.auth });
  assert.equal(r.statusCode, 204);
  r = await env.app.inject({ method: 'DELETE', url: '/api/axis/systems/sysA', headers: admin.auth });
  assert.equal(r.statusCode, 404);
  r = await env.app.inject({ url: '/axis/v1/directory', headers: basic('sysA', a.secret) });
  assert.equal(r.statusCode, 401, 'a removed system is refused at once, cache or not');
  assert.equal((await env.db.select().from(events).where(eq(events.type, 'axis.system_removed'))).length, 1);
  // Its id can be registered again, with a new secret; the old one does not open it.
  const again = await addSystem(env, admin, { systemId: 'sysA', name: 'Hệ thống A mới' });
  r = await env.app.inject({ url: '/axis/v1/directory', headers: basic('sysA', a.secret) });
  assert.equal(r.statusCode, 401);
  r = await env.app.inject({ url: '/axis/v1/directory', headers: basic('sysA', again.secret) });
  assert.equal(r.statusCode, 200);
});

test('axis: Basic auth — wrong or missing secret is 401 with the usual error body', async (t) => {
  const { env, a } = await world(t);
  for (const headers of [{}, basic('sysA', 'wrong-secret'), basic('nobody', a.secret), { authorization: 'Bearer abc' }, { authorization: 'Basic !!!' }]) {
    const r = await env.app.inject({ url: '/axis/v1/directory', headers });
    assert.equal(r.statusCode, 401, JSON.stringify(headers));
    assert.equal(r.json().error.code, 'unauthorized');
    assert.match(r.json().error.message, /Sai mã hệ thống/);
    assert.match(String(r.headers['www-authenticate']), /^Basic/);
  }
  const r = await env.app.inject({ url: '/axis/v1/edocs', headers: { ...basic('sysA', 'nope'), 'accept-language': 'en' } });
  assert.equal(r.statusCode, 401);
  assert.match(r.json().error.message, /Wrong or missing system id or secret/);
  // A package from an unauthenticated caller is not read at all.
  const before = await storeState(env);
  const p = await env.app.inject({ method: 'POST', url: '/axis/v1/edocs', headers: { ...basic('sysA', 'nope'), ...XML }, payload: await edocXml({ from: 'A.01', to: ['B.01'], documentId: 'A.01,2026/11/30,1/UBND' }) });
  assert.equal(p.statusCode, 401);
  assert.deepEqual(await storeState(env), before);
});

test('axis: directory — each system lists its units; taken OrganIds 409 naming the system, outside prefixes 403', async (t) => {
  const { env, A, B } = await world(t);
  let r = await env.app.inject({ url: '/axis/v1/directory', headers: B });
  assert.equal(r.statusCode, 200);
  assert.deepEqual(r.json().units, [
    { organId: 'A.01', name: 'UBND A', parentOrganId: null, systemId: 'sysA', systemName: 'Hệ thống A' },
    { organId: 'A.02', name: 'Sở A', parentOrganId: 'A.01', systemId: 'sysA', systemName: 'Hệ thống A' },
    { organId: 'B.01', name: 'UBND B', parentOrganId: null, systemId: 'sysB', systemName: 'Hệ thống B' },
    { organId: 'B.02', name: 'Sở B', parentOrganId: 'B.01', systemId: 'sysB', systemName: 'Hệ thống B' },
  ]);
  // B (no prefixes) may not take A's unit: 409 naming A; nothing of B's list changes.
  r = await env.app.inject({ method: 'PUT', url: '/axis/v1/directory', headers: { ...B, 'accept-language': 'en' }, payload: { units: [{ organId: 'B.01', name: 'UBND B' }, { organId: 'A.01', name: 'x' }] } });
  assert.equal(r.statusCode, 409);
  assert.match(r.json().error.message, /A\.01 is already served by system sysA/);
  // A (prefix "A.") may not serve C.01.
  r = await env.app.inject({ method: 'PUT', url: '/axis/v1/directory', headers: A, payload: { units: [{ organId: 'A.01', name: 'UBND A' }, { organId: 'C.01', name: 'x' }] } });
  assert.equal(r.statusCode, 403);
  assert.equal(r.json().error.code, 'forbidden');
  // Bad OrganIds and duplicates → 400.
  for (const units of [[{ organId: 'A 01', name: 'x' }], [{ organId: 'A.' + '1'.repeat(40), name: 'x' }], [{ organId: 'A.05', name: 'x' }, { organId: 'A.05', name: 'y' }]]) {
    r = await env.app.inject({ method: 'PUT', url: '/axis/v1/directory', headers: A, payload: { units } });
    assert.equal(r.statusCode, 400, JSON.stringify(units));
  }
  // Replacing: B drops B.02 and adds B.03; the answer is B's list.
  r = await env.app.inject({ method: 'PUT', url: '/axis/v1/directory', headers: B, payload: { units: [{ organId: 'B.01', name: 'UBND B (mới)' }, { organId: 'B.03', name: 'Xã B' }] } });
  assert.equal(r.statusCode, 200);
  assert.deepEqual(r.json().units.map((u: { organId: string; name: string }) => `${u.organId} ${u.name}`), ['B.01 UBND B (mới)', 'B.03 Xã B']);
  r = await env.app.inject({ url: '/axis/v1/directory', headers: A });
  assert.deepEqual(r.json().units.map((u: { organId: string }) => u.organId), ['A.01', 'A.02', 'B.01', 'B.03']);
  // The freed B.02 can now be taken by another system.
  r = await env.app.inject({ method: 'PUT', url: '/axis/v1/directory', headers: A, payload: { units: [{ organId: 'A.01', name: 'UBND A' }, { organId: 'A.02', name: 'Sở A' }, { organId: 'B.02', name: 'y' }] } });
  assert.equal(r.statusCode, 403, 'B.02 is outside A’s prefixes');
});

test('axis: A sends to a unit of B; B lists, downloads the same bytes, marks done; A sees queued then delivered', async (t) => {
  const { env, A, B, post } = await world(t);
  const xml = await edocXml({ from: 'A.01', to: ['B.01'], documentId: 'A.01,2026/11/30,12/UBND-VP', subject: 'Về việc phòng, chống cơn bão số 3' });
  let r = await post(A, xml);
  assert.equal(r.statusCode, 202, r.body);
  const { docId } = r.json() as { docId: string };

  r = await env.app.inject({ url: '/axis/v1/edocs?messagetype=edoc', headers: B });
  assert.equal(r.statusCode, 200);
  const items = r.json().items;
  assert.equal(items.length, 1);
  assert.deepEqual({ ...items[0], createdAt: undefined }, { docId, messagetype: 'edoc', from: 'A.01', to: 'B.01', size: Buffer.byteLength(xml), createdAt: undefined });
  r = await env.app.inject({ url: '/axis/v1/edocs?messagetype=status', headers: B });
  assert.deepEqual(r.json().items, []);
  r = await env.app.inject({ url: '/axis/v1/edocs', headers: A });
  assert.deepEqual(r.json().items, [], 'nothing waits for A');

  r = await env.app.inject({ url: `/axis/v1/edocs/${docId}`, headers: B });
  assert.equal(r.statusCode, 200);
  assert.match(String(r.headers['content-type']), /^application\/xml/);
  assert.ok(r.rawPayload.equals(Buffer.from(xml)), 'byte-equal');
  for (const url of [`/axis/v1/edocs/${docId}`, `/axis/v1/edocs/00000000-0000-4000-8000-000000000000`, '/axis/v1/edocs/not-a-uuid']) {
    r = await env.app.inject({ url, headers: url.includes(docId) ? A : B });
    assert.equal(r.statusCode, 404, `${url}: only a system serving a destination may download`);
  }

  r = await env.app.inject({ url: '/axis/v1/sent', headers: A });
  assert.equal(r.statusCode, 200);
  const first = r.json() as { items: Array<{ docId: string; to: string; transport: string }>; cursor: string };
  assert.deepEqual(first.items.map((i) => [i.docId, i.to, i.transport]), [[docId, 'B.01', 'queued']]);

  r = await env.app.inject({ method: 'POST', url: `/axis/v1/edocs/${docId}/done`, headers: B });
  assert.equal(r.statusCode, 200);
  assert.deepEqual(r.json(), { docId, to: ['B.01'] });
  r = await env.app.inject({ method: 'POST', url: `/axis/v1/edocs/${docId}/done`, headers: B });
  assert.equal(r.statusCode, 200, 'idempotent');
  r = await env.app.inject({ method: 'POST', url: `/axis/v1/edocs/${docId}/done`, headers: A });
  assert.equal(r.statusCode, 404, 'A serves no destination of it');
  r = await env.app.inject({ url: '/axis/v1/edocs', headers: B });
  assert.deepEqual(r.json().items, [], 'left B’s queue');
  r = await env.app.inject({ url: `/axis/v1/edocs/${docId}`, headers: B });
  assert.equal(r.statusCode, 200, 'still downloadable by its recipient');

  r = await env.app.inject({ url: `/axis/v1/sent?since=${first.cursor}`, headers: A });
  assert.deepEqual(r.json().items.map((i: { transport: string }) => i.transport), ['delivered'], 'once, though done was called twice');
  const next = r.json().cursor as string;
  assert.ok(Number(next) > Number(first.cursor));
  r = await env.app.inject({ url: '/axis/v1/sent', headers: A });
  assert.deepEqual(r.json().items.map((i: { to: string; transport: string }) => `${i.to} ${i.transport}`), ['B.01 queued', 'B.01 delivered'], 'in order');
  r = await env.app.inject({ url: `/axis/v1/sent?since=${next}`, headers: A });
  assert.deepEqual(r.json(), { items: [], cursor: next });
  r = await env.app.inject({ url: '/axis/v1/sent', headers: B });
  assert.deepEqual(r.json().items, [], 'B sent nothing');
});

test('axis: the same package twice is kept once; a package to two units of B is two queue entries', async (t) => {
  const { env, A, B, post } = await world(t);
  const xml = await edocXml({ from: 'A.01', to: ['B.01', 'B.02'], documentId: 'A.01,2026/11/30,13/UBND' });
  const r1 = await post(A, xml);
  const objects = (await storeState(env)).objects;
  const r2 = await post(A, xml);
  assert.equal(r1.statusCode, 202);
  assert.equal(r2.statusCode, 202);
  assert.equal(r2.json().docId, r1.json().docId);
  // Another copy of the identity with other bytes (a later edition of the file) is the same package too.
  const r3 = await post(A, xml.replace('</edXML>', '<!-- again --></edXML>'));
  assert.equal(r3.json().docId, r1.json().docId);
  assert.deepEqual((await storeState(env)).objects, objects, 'one stored copy');
  assert.equal((await storeState(env)).staging, 0);
  assert.equal((await env.db.select().from(axisPackages)).length, 1);
  assert.equal((await env.db.select().from(axisDestinations)).length, 2);
  const inbox = await env.app.inject({ url: '/axis/v1/edocs', headers: B });
  assert.deepEqual(inbox.json().items.map((i: { docId: string; to: string }) => `${i.to}`), ['B.01', 'B.02']);
  // Done once for the package: both of B's entries leave its queue.
  const done = await env.app.inject({ method: 'POST', url: `/axis/v1/edocs/${r1.json().docId}/done`, headers: B });
  assert.deepEqual(done.json().to, ['B.01', 'B.02']);
  // Sent three times at once: one package, one docId.
  const xml2 = await edocXml({ from: 'A.01', to: ['B.01'], documentId: 'A.01,2026/11/30,17/UBND' });
  const parallel = await Promise.all([post(A, xml2), post(A, xml2), post(A, xml2)]);
  assert.deepEqual(parallel.map((p) => p.statusCode), [202, 202, 202]);
  assert.equal(new Set(parallel.map((p) => p.json().docId)).size, 1);
  assert.equal((await env.db.select().from(axisPackages)).length, 2);
  assert.equal((await storeState(env)).staging, 0);
  // A different To list is a different package.
  const r4 = await post(A, await edocXml({ from: 'A.01', to: ['B.01'], documentId: 'A.01,2026/11/30,13/UBND' }));
  assert.notEqual(r4.json().docId, r1.json().docId);
});

test('axis: status packages go to ResponseFor/OrganId and are kept once by StatusCode + Timestamp', async (t) => {
  const { env, A, B, post } = await world(t);
  const documentId = 'A.01,2026/11/30,14/UBND';
  const s1 = statusXml({ from: 'B.01', responseOrgan: 'A.01', documentId, statusCode: '01', timestamp: '2026/11/30 09:00:00' });
  const r1 = await post(B, s1);
  assert.equal(r1.statusCode, 202, r1.body);
  const r2 = await post(B, s1);
  assert.equal(r2.json().docId, r1.json().docId);
  const r3 = await post(B, statusXml({ from: 'B.01', responseOrgan: 'A.01', documentId, statusCode: '01', timestamp: '2026/11/30 09:05:00' }));
  const r4 = await post(B, statusXml({ from: 'B.01', responseOrgan: 'A.01', documentId, statusCode: '03', timestamp: '2026/11/30 09:00:00' }));
  assert.equal(new Set([r1.json().docId, r3.json().docId, r4.json().docId]).size, 3);
  let r = await env.app.inject({ url: '/axis/v1/edocs?messagetype=status', headers: A });
  assert.deepEqual(r.json().items.map((i: { messagetype: string; from: string; to: string }) => `${i.messagetype} ${i.from}→${i.to}`), ['status B.01→A.01', 'status B.01→A.01', 'status B.01→A.01']);
  r = await env.app.inject({ url: '/axis/v1/edocs?messagetype=edoc', headers: A });
  assert.deepEqual(r.json().items, []);
  r = await env.app.inject({ url: '/axis/v1/edocs?messagetype=other', headers: A });
  assert.equal(r.statusCode, 400);
});

test('axis: a To no system serves is failed/unknown_recipient; the package is still accepted; sent again once served, it is queued', async (t) => {
  const { env, admin, A, B, post } = await world(t);
  const xml = await edocXml({ from: 'A.01', to: ['B.01', 'Z.99'], documentId: 'A.01,2026/11/30,15/UBND' });
  const r = await post(A, xml);
  assert.equal(r.statusCode, 202);
  const sent = await env.app.inject({ url: '/axis/v1/sent', headers: A });
  const items = sent.json().items as Array<{ to: string; transport: string; reason?: string }>;
  assert.deepEqual(items.map((i) => [i.to, i.transport, i.reason ?? null]).sort(), [['B.01', 'queued', null], ['Z.99', 'failed', 'unknown_recipient']]);
  const inbox = await env.app.inject({ url: '/axis/v1/edocs', headers: B });
  assert.equal(inbox.json().items.length, 1);

  // Sent again while Z.99 is still unknown: nothing changes.
  assert.equal((await post(A, xml)).json().docId, r.json().docId);
  let later = await env.app.inject({ url: `/axis/v1/sent?since=${sent.json().cursor}`, headers: A });
  assert.deepEqual(later.json().items, []);
  // System C now serves Z.99; the same package sent again is queued for it (same docId, no new copy).
  const c = await addSystem(env, admin, { systemId: 'sysC', name: 'Hệ thống C' });
  const C = basic('sysC', c.secret);
  await env.app.inject({ method: 'PUT', url: '/axis/v1/directory', headers: C, payload: { units: [{ organId: 'Z.99', name: 'Xã Z' }] } });
  assert.equal((await post(A, xml)).json().docId, r.json().docId);
  later = await env.app.inject({ url: `/axis/v1/sent?since=${sent.json().cursor}`, headers: A });
  assert.deepEqual(later.json().items.map((i: { to: string; transport: string }) => `${i.to} ${i.transport}`), ['Z.99 queued']);
  const forC = await env.app.inject({ url: '/axis/v1/edocs', headers: C });
  assert.deepEqual(forC.json().items.map((i: { docId: string; to: string }) => [i.docId, i.to]), [[r.json().docId, 'Z.99']]);
  assert.equal((await env.db.select().from(axisPackages)).length, 1);
});

test('axis: From not served by the caller → 403; malformed, DOCTYPE, missing header → 400; too large → 413; nothing stored', async (t) => {
  const { env, A, B, post } = await world(t);
  const before = await storeState(env);
  const valid = await edocXml({ from: 'A.01', to: ['B.01'], documentId: 'A.01,2026/11/30,1/UBND' });
  const cases: Array<[string, Record<string, string>, string | Buffer, number]> = [
    ['From of another system', A, await edocXml({ from: 'B.01', to: ['B.02'], documentId: 'B.01,2026/11/30,1/UBND' }), 403],
    ['From no one serves', B, await edocXml({ from: 'Q.01', to: ['A.01'], documentId: 'Q.01,2026/11/30,1/UBND' }), 403],
    ['malformed XML', A, valid.slice(0, 400).replace('<MessageHeader>', '<MessageHeader><oops>') + '</edXMLHeader>', 400],
    ['not XML at all', A, 'hello, world', 400],
    ['DOCTYPE (XXE)', A, `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${valid.replace(/^<\?xml[^>]*>/, '').replace('</Subject>', '&xxe;</Subject>')}`, 400],
    ['no To', A, valid.replace(/<To>.*?<\/To>/, ''), 400],
    ['no DocumentId', A, valid.replace(/<DocumentId>[^<]*<\/DocumentId>/, ''), 400],
    ['no From', A, valid.replace(/<From>.*?<\/From>/, ''), 400],
    ['over MAX_PACKAGE_MB', A, await edocXml({ from: 'A.01', to: ['B.01'], documentId: 'A.01,2026/11/30,2/UBND', attachmentBytes: 800 * 1024 }), 413],
  ];
  for (const [what, headers, body, status] of cases) {
    const r = await post(headers, body);
    assert.equal(r.statusCode, status, `${what}: ${r.body}`);
    assert.ok(r.json().error.message, what);
  }
  // The 413 also without Content-Length (chunked): the stream is cut at the limit.
  const big = await edocXml({ from: 'A.01', to: ['B.01'], documentId: 'A.01,2026/11/30,3/UBND', attachmentBytes: 800 * 1024 });
  const { Readable } = await import('node:stream');
  const r = await env.app.inject({ method: 'POST', url: '/axis/v1/edocs', headers: { ...A, ...XML }, payload: Readable.from([Buffer.from(big)]) });
  assert.equal(r.statusCode, 413, r.body);
  assert.equal(r.json().error.message, 'Gói tin vượt quá 1 MB', 'the same words whichever reader meets the limit first');
  const wrongType = await env.app.inject({ method: 'POST', url: '/axis/v1/edocs', headers: { ...A, 'content-type': 'application/json' }, payload: '{}' });
  assert.equal(wrongType.statusCode, 415);
  assert.deepEqual(await storeState(env), before, 'nothing stored, nothing left in staging');
  assert.equal((await env.db.select().from(axisPackages)).length, 0);
  // Just under the limit is fine.
  const ok = await post(A, await edocXml({ from: 'A.01', to: ['B.01'], documentId: 'A.01,2026/11/30,4/UBND', attachmentBytes: 700_000 }));
  assert.equal(ok.statusCode, 202, ok.body);
});

test('axis: a removed system is refused; what waited for it fails with system_removed; its units are free', async (t) => {
  const { env, admin, A, B, post } = await world(t);
  const r = await post(A, await edocXml({ from: 'A.01', to: ['B.01'], documentId: 'A.01,2026/11/30,16/UBND' }));
  assert.equal(r.statusCode, 202);
  const del = await env.app.inject({ method: 'DELETE', url: '/api/axis/systems/sysB', headers: admin.auth });
  assert.equal(del.statusCode, 204);
  for (const url of ['/axis/v1/edocs', '/axis/v1/directory', '/axis/v1/sent']) {
    assert.equal((await env.app.inject({ url, headers: B })).statusCode, 401, url);
  }
  const sent = await env.app.inject({ url: '/axis/v1/sent', headers: A });
  assert.deepEqual(sent.json().items.map((i: { transport: string; reason?: string }) => `${i.transport} ${i.reason ?? ''}`.trim()), ['queued', 'failed system_removed']);
  const dir = await env.app.inject({ url: '/axis/v1/directory', headers: A });
  assert.deepEqual(dir.json().units.map((u: { organId: string }) => u.organId), ['A.01', 'A.02']);
});

test('axis: every axis route is in the OpenAPI document with a 2xx and an error response', async (t) => {
  const env = await buildTestEnv(t, { axis: true });
  const r = await env.app.inject({ url: '/docs/json' });
  assert.equal(r.statusCode, 200);
  const spec = r.json() as { paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>; requestBody?: { content?: Record<string, unknown> } }>> };
  const expected = [
    'post /api/axis/systems', 'get /api/axis/systems', 'delete /api/axis/systems/{systemId}',
    'put /axis/v1/directory', 'get /axis/v1/directory', 'post /axis/v1/edocs', 'get /axis/v1/edocs',
    'get /axis/v1/edocs/{docId}', 'post /axis/v1/edocs/{docId}/done', 'get /axis/v1/sent',
  ];
  for (const id of expected) {
    const [method, path] = id.split(' ') as [string, string];
    const op = spec.paths[path]?.[method];
    assert.ok(op, `${id} documented`);
    const codes = Object.keys(op.responses ?? {});
    assert.ok(codes.some((c) => /^2/.test(c)), `${id}: a 2xx response`);
    assert.ok(codes.some((c) => /^4/.test(c)), `${id}: an error response`);
  }
  assert.ok(spec.paths['/axis/v1/edocs']!.post!.requestBody?.content?.['application/xml'], 'the package body is described as application/xml');
});
