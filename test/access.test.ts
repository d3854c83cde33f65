import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser } from './helpers/factories.js';

test('a unit that was not addressed gets 404 for the document, its files and its tracking', async (t) => {
  const env = await buildTestEnv(t);
  const issuer = await buildUser(env);
  const addressed = await buildUnit(env);
  const outsider = await buildUser(env, { roles: ['clerk', 'leader', 'officer'] });
  const { doc } = await buildDocument(env, { author: issuer, recipients: [addressed.id] });
  // Even a draft's existence is hidden.
  assert.equal((await env.app.inject({ url: `/api/documents/${doc.id}`, headers: outsider.auth })).statusCode, 404);
  await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: issuer.auth });
  const file = (await env.app.inject({ url: `/api/documents/${doc.id}`, headers: issuer.auth })).json().files[0];
  for (const url of [`/api/documents/${doc.id}`, `/api/documents/${doc.id}/files/${file.id}`, `/api/documents/${doc.id}/tracking`]) {
    const r = await env.app.inject({ url, headers: outsider.auth });
    assert.equal(r.statusCode, 404, url);
    assert.equal(r.json().error.code, 'not_found');
  }
  // The same 404 as for an id that does not exist at all.
  const none = await env.app.inject({ url: '/api/documents/00000000-0000-4000-8000-000000000000', headers: outsider.auth });
  assert.deepEqual(none.json(), (await env.app.inject({ url: `/api/documents/${doc.id}`, headers: outsider.auth })).json());
  // Nor can it recall or issue it.
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/recall`, headers: outsider.auth, payload: { reason: 'x' } })).statusCode, 404);
  // An addressed unit reads it but sees no tracking of other recipients.
  const reader = await buildUser(env, { unit: addressed, roles: ['officer'] });
  assert.equal((await env.app.inject({ url: `/api/documents/${doc.id}`, headers: reader.auth })).statusCode, 200);
  assert.equal((await env.app.inject({ url: `/api/documents/${doc.id}/tracking`, headers: reader.auth })).statusCode, 404);
});

test('an officer can draft but cannot issue (403); a leader cannot issue either', async (t) => {
  const env = await buildTestEnv(t);
  const unit = await buildUnit(env);
  const officer = await buildUser(env, { unit, roles: ['officer'] });
  const leader = await buildUser(env, { unit, roles: ['leader'] });
  const { doc } = await buildDocument(env, { author: officer });
  for (const who of [officer, leader]) {
    const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: who.auth });
    assert.equal(r.statusCode, 403);
    assert.equal(r.json().error.code, 'forbidden');
  }
  const draft = (await env.app.inject({ url: `/api/documents/${doc.id}`, headers: officer.auth })).json().document;
  assert.equal(draft.status, 'draft');
  assert.equal(draft.number, null);
});

test('a clerk of unit A cannot accept, refuse, read or acknowledge for unit B', async (t) => {
  const env = await buildTestEnv(t);
  const issuer = await buildUser(env);
  const unitB = await buildUnit(env);
  const clerkA = await buildUser(env, { roles: ['clerk'] });
  const clerkB = await buildUser(env, { unit: unitB, roles: ['clerk'] });
  const { doc } = await buildDocument(env, { author: issuer, recipients: [unitB.id, clerkA.unit.id] });
  await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: issuer.auth });
  const [itemB] = (await env.app.inject({ url: '/api/inbox', headers: clerkB.auth })).json().items;
  for (const action of ['accept', 'read', 'acknowledge', 'refuse']) {
    const r = await env.app.inject({ method: 'POST', url: `/api/deliveries/${itemB.deliveryId}/${action}`, headers: clerkA.auth, payload: { reason: 'x' } });
    assert.equal(r.statusCode, 404, action);
  }
  const tracking = (await env.app.inject({ url: `/api/documents/${doc.id}/tracking`, headers: issuer.auth })).json();
  const b = tracking.deliveries.find((d: { unit: { id: string } }) => d.unit.id === unitB.id);
  assert.equal(b.status, 'delivered');
  assert.equal(b.readAt, null);
  // An officer of B may read and acknowledge, but only the clerk accepts.
  const officerB = await buildUser(env, { unit: unitB, roles: ['officer'] });
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${itemB.deliveryId}/acknowledge`, headers: officerB.auth })).statusCode, 200);
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${itemB.deliveryId}/accept`, headers: officerB.auth })).statusCode, 403);
});

test('without a valid token every API call is 401; only an admin creates units and users', async (t) => {
  const env = await buildTestEnv(t);
  assert.equal((await env.app.inject({ url: '/api/inbox' })).statusCode, 401);
  assert.equal((await env.app.inject({ url: '/api/inbox', headers: { authorization: 'Bearer not.a.token' } })).statusCode, 401);
  const clerk = await buildUser(env);
  env.clock.advance(13 * 3600 * 1000);
  const expired = await env.app.inject({ url: '/api/inbox', headers: clerk.auth });
  assert.equal(expired.statusCode, 401);
  assert.match(expired.json().error.message, /hết hạn/);
  const fresh = await buildUser(env);
  const r = await env.app.inject({ method: 'POST', url: '/api/units', headers: fresh.auth, payload: { code: '000.99.31.H41', name: 'X', shortName: 'X', kind: 'other' } });
  assert.equal(r.statusCode, 403);
  const admin = await buildUser(env, { roles: ['admin'] });
  const ok = await env.app.inject({ method: 'POST', url: '/api/units', headers: admin.auth, payload: { code: '000.99.31.H41', name: 'Phòng Thử', shortName: 'PT', kind: 'department' } });
  assert.equal(ok.statusCode, 201);
  const dup = await env.app.inject({ method: 'POST', url: '/api/units', headers: admin.auth, payload: { code: '000.99.31.H41', name: 'Phòng Thử', shortName: 'PT', kind: 'department' } });
  assert.equal(dup.statusCode, 409);
  const user = await env.app.inject({
    method: 'POST', url: '/api/users', headers: admin.auth,
    payload: { username: 'vanthu.thu', password: 'mat-khau-dai', fullName: 'Lê Thị Thư', unitId: ok.json().unit.id, roles: ['clerk'] },
  });
  assert.equal(user.statusCode, 201);
  const login = await env.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'vanthu.thu', password: 'mat-khau-dai' } });
  assert.equal(login.statusCode, 200);
  const me = await env.app.inject({ url: '/api/me', headers: { authorization: `Bearer ${login.json().token}` } });
  assert.equal(me.json().user.fullName, 'Lê Thị Thư');
  const wrong = await env.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'vanthu.thu', password: 'sai-mat-khau' } });
  assert.equal(wrong.statusCode, 401);
  assert.equal(wrong.json().error.code, 'unauthorized');
});

test('a leader lists the people of its unit and its departments, not of other units', async (t) => {
  const env = await buildTestEnv(t);
  const unit = await buildUnit(env);
  const dept = await buildUnit(env, { kind: 'department', parentId: unit.id });
  const leader = await buildUser(env, { unit, roles: ['leader'] });
  const staff = await buildUser(env, { unit: dept, roles: ['officer'], fullName: 'Chuyên viên Phòng' });
  const stranger = await buildUser(env);
  const list = await env.app.inject({ url: `/api/units/${dept.id}/users`, headers: leader.auth });
  assert.equal(list.statusCode, 200);
  assert.deepEqual(list.json().users.map((u: { id: string }) => u.id), [staff.user.id]);
  assert.ok(!JSON.stringify(list.json()).includes('password'));
  assert.equal((await env.app.inject({ url: `/api/units/${unit.id}/users`, headers: stranger.auth })).statusCode, 404);
  assert.equal((await env.app.inject({ url: `/api/units/${dept.id}/users`, headers: stranger.auth })).statusCode, 404);
});
