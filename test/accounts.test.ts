import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignJWT } from 'jose';
import { sql } from 'drizzle-orm';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildUnit, buildUser, PASSWORD, type TestUser } from './helpers/factories.js';
import { loadConfig } from '../src/config.js';
import { addressKey } from '../src/modules/auth/throttle.js';

const login = (env: TestEnv, username: string, password: string, address = '198.51.100.1') =>
  env.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'x-forwarded-for': address }, payload: { username, password } });

async function loginOk(env: TestEnv, who: TestUser, password = PASSWORD) {
  const r = await login(env, who.user.username, password);
  assert.equal(r.statusCode, 200, r.body);
  return { authorization: `Bearer ${r.json().token as string}` };
}

const me = (env: TestEnv, auth: { authorization: string }) => env.app.inject({ url: '/api/me', headers: auth });

const eventsOf = async (env: TestEnv, type: string) =>
  (await env.db.execute(sql`select type, data from events where type = ${type} order by id`)) as unknown as Array<{ type: string; data: any }>;

test('sessions: logout ends this token only; a token without a session or after its session ended is refused', async (t) => {
  const env = await buildTestEnv(t);
  const u = await buildUser(env);
  const a = await loginOk(env, u);
  const b = await loginOk(env, u);
  assert.equal((await me(env, a)).statusCode, 200);

  const out = await env.app.inject({ method: 'POST', url: '/api/auth/logout', headers: a });
  assert.equal(out.statusCode, 204, out.body);
  const after = await me(env, a);
  assert.equal(after.statusCode, 401);
  assert.equal(after.json().error.code, 'unauthorized');
  assert.equal((await me(env, b)).statusCode, 200, 'another session of the same person stays');
  assert.equal((await env.app.inject({ method: 'POST', url: '/api/auth/logout', headers: a })).statusCode, 401);
  const [row] = (await env.db.execute(sql`select end_reason, ended_at from sessions where ended_at is not null`)) as unknown as Array<{ end_reason: string }>;
  assert.equal(row?.end_reason, 'logout');
  const ended = await eventsOf(env, 'sessions.ended');
  assert.equal(ended.length, 1);
  assert.equal(ended[0]!.data.reason, 'logout');

  // A token signed with the right secret but naming no session (the old kind) → 401.
  const now = Math.floor(env.clock().getTime() / 1000);
  const old = await new SignJWT({ unit: u.unit.id }).setProtectedHeader({ alg: 'HS256' }).setSubject(u.user.id).setIssuer('lienthong')
    .setIssuedAt(now).setExpirationTime(now + 3600).sign(new TextEncoder().encode(env.config.appSecret!));
  assert.equal((await me(env, { authorization: `Bearer ${old}` })).statusCode, 401);
  // A session id of another person → 401.
  const other = await buildUser(env);
  const sid = JSON.parse(Buffer.from(b.authorization.split('.')[1]!, 'base64url').toString()).sid;
  const forged = await new SignJWT({ unit: other.unit.id, sid }).setProtectedHeader({ alg: 'HS256' }).setSubject(other.user.id).setIssuer('lienthong')
    .setIssuedAt(now).setExpirationTime(now + 3600).sign(new TextEncoder().encode(env.config.appSecret!));
  assert.equal((await me(env, { authorization: `Bearer ${forged}` })).statusCode, 401);
  // The session's expiry counts, not only the token's.
  env.clock.advance(env.config.tokenTtlSeconds * 1000 + 1000);
  assert.equal((await me(env, b)).statusCode, 401);
});

test('admin: disable ends sessions (401), enable lets the person log in again; list, 403 for a clerk, 400s and 404', async (t) => {
  const env = await buildTestEnv(t);
  const admin = await buildUser(env, { roles: ['admin'] });
  const clerk = await buildUser(env, { roles: ['clerk'] });
  const victim = await buildUser(env, { roles: ['officer'] });
  const session = await loginOk(env, victim);

  const dis = await env.app.inject({ method: 'POST', url: `/api/users/${victim.user.id}/disable`, headers: admin.auth });
  assert.equal(dis.statusCode, 200, dis.body);
  assert.equal(dis.json().user.disabled, true);
  assert.equal((await me(env, session)).statusCode, 401);
  assert.equal((await me(env, victim.auth)).statusCode, 401, 'every session of the person ends');
  assert.equal((await login(env, victim.user.username, PASSWORD)).statusCode, 401);
  const disabledEvents = await eventsOf(env, 'user.disabled');
  assert.equal(disabledEvents.length, 1);
  const ended = await eventsOf(env, 'sessions.ended');
  assert.equal(ended.at(-1)!.data.reason, 'disabled');
  assert.equal(ended.at(-1)!.data.sessionIds.length, 2);

  const en = await env.app.inject({ method: 'POST', url: `/api/users/${victim.user.id}/enable`, headers: admin.auth });
  assert.equal(en.statusCode, 200, en.body);
  assert.equal(en.json().user.disabled, false);
  assert.equal((await login(env, victim.user.username, PASSWORD)).statusCode, 200);

  // Admin only: a clerk gets 403 on every account route, even for an unknown id.
  const unknown = '00000000-0000-4000-8000-000000000000';
  for (const [method, url, payload] of [
    ['POST', `/api/users/${victim.user.id}/disable`, undefined],
    ['POST', `/api/users/${victim.user.id}/enable`, undefined],
    ['PATCH', `/api/users/${victim.user.id}`, { title: 'x' }],
    ['POST', `/api/users/${victim.user.id}/password`, { password: 'another-password' }],
    ['POST', `/api/users/${unknown}/disable`, undefined],
    ['GET', '/api/users', undefined],
  ] as const) {
    const r = await env.app.inject({ method, url, headers: clerk.auth, ...(payload ? { payload } : {}) });
    assert.equal(r.statusCode, 403, `${method} ${url}: ${r.body}`);
  }
  // 404 for an unknown id.
  for (const [method, url, payload] of [
    ['POST', `/api/users/${unknown}/disable`, undefined],
    ['POST', `/api/users/${unknown}/enable`, undefined],
    ['PATCH', `/api/users/${unknown}`, { title: 'x' }],
    ['POST', `/api/users/${unknown}/password`, { password: 'another-password' }],
  ] as const) {
    const r = await env.app.inject({ method, url, headers: admin.auth, ...(payload ? { payload } : {}) });
    assert.equal(r.statusCode, 404, `${method} ${url}: ${r.body}`);
  }
  // 400s naming the field.
  const bad = async (payload: unknown, field: string, url = `/api/users/${victim.user.id}`, method: 'PATCH' | 'POST' = 'PATCH') => {
    const r = await env.app.inject({ method, url, headers: { ...admin.auth, 'accept-language': 'en' }, payload: payload as object });
    assert.equal(r.statusCode, 400, `${JSON.stringify(payload)}: ${r.body}`);
    assert.match(r.json().error.message, new RegExp(field), r.body);
  };
  await bad({ roles: [] }, 'roles');
  await bad({ roles: ['king'] }, 'roles');
  await bad({ position: 'boss' }, 'position');
  await bad({ unitId: 'nope' }, 'unitId');
  await bad({ unitId: unknown }, 'unitId');
  await bad({ fullName: '' }, 'fullName');
  await bad({ nickname: 'x' }, 'nickname');
  await bad({}, 'body');
  await bad({ password: 'short' }, 'password', `/api/users/${victim.user.id}/password`, 'POST');
  assert.equal((await env.app.inject({ method: 'PATCH', url: '/api/users/not-a-uuid', headers: admin.auth, payload: { title: 'x' } })).statusCode, 400);
  // An admin cannot lock themself out.
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/users/${admin.user.id}/disable`, headers: admin.auth })).statusCode, 409);
  assert.equal((await env.app.inject({ method: 'PATCH', url: `/api/users/${admin.user.id}`, headers: admin.auth, payload: { roles: ['clerk'] } })).statusCode, 409);

  // The list: all, or one unit's, paginated.
  const all = await env.app.inject({ url: '/api/users?limit=2', headers: admin.auth });
  assert.equal(all.statusCode, 200, all.body);
  assert.equal(all.json().users.length, 2);
  assert.equal(all.json().total, 3);
  const ofUnit = (await env.app.inject({ url: `/api/users?unitId=${victim.unit.id}`, headers: admin.auth })).json();
  assert.deepEqual(ofUnit.users.map((x: { id: string }) => x.id), [victim.user.id]);
  assert.equal(ofUnit.users[0].position, null);
  assert.equal(ofUnit.users[0].disabled, false);
});

test('a change of roles or unit ends the sessions; name, title and position do not', async (t) => {
  const env = await buildTestEnv(t);
  const admin = await buildUser(env, { roles: ['admin'] });
  const u = await buildUser(env, { roles: ['clerk'] });
  const other = await buildUnit(env);

  const s1 = await loginOk(env, u);
  const p = await env.app.inject({ method: 'PATCH', url: `/api/users/${u.user.id}`, headers: admin.auth, payload: { fullName: 'Trần Thị Mới', title: 'Phó Chủ tịch', position: 'deputy' } });
  assert.equal(p.statusCode, 200, p.body);
  assert.equal(p.json().user.fullName, 'Trần Thị Mới');
  assert.equal(p.json().user.position, 'deputy');
  assert.equal((await me(env, s1)).statusCode, 200, 'a new title keeps the session');
  assert.equal((await me(env, s1)).json().user.title, 'Phó Chủ tịch');

  const r = await env.app.inject({ method: 'PATCH', url: `/api/users/${u.user.id}`, headers: admin.auth, payload: { roles: ['clerk', 'leader'] } });
  assert.equal(r.statusCode, 200, r.body);
  assert.deepEqual(r.json().user.roles, ['clerk', 'leader']);
  assert.equal((await me(env, s1)).statusCode, 401, 'a role change ends the session');
  const s2 = await loginOk(env, u);
  assert.deepEqual((await me(env, s2)).json().user.roles, ['clerk', 'leader']);

  // The same roles again change nothing, and end nothing.
  assert.equal((await env.app.inject({ method: 'PATCH', url: `/api/users/${u.user.id}`, headers: admin.auth, payload: { roles: ['leader', 'clerk'] } })).statusCode, 200);
  assert.equal((await me(env, s2)).statusCode, 200);

  const m = await env.app.inject({ method: 'PATCH', url: `/api/users/${u.user.id}`, headers: admin.auth, payload: { unitId: other.id } });
  assert.equal(m.statusCode, 200, m.body);
  assert.equal(m.json().user.unitId, other.id);
  assert.equal((await me(env, s2)).statusCode, 401, 'a move to another unit ends the session');
  const s3 = await loginOk(env, u);
  assert.equal((await me(env, s3)).json().user.unitId, other.id);
  const updates = await eventsOf(env, 'user.updated');
  assert.equal(updates.length, 3);
  assert.deepEqual(updates[2]!.data.changes.unitId, { from: u.unit.id, to: other.id });
  assert.deepEqual((await eventsOf(env, 'sessions.ended')).map((e) => e.data.reason), ['roles', 'unit']);
});

test('password: my own change ends my other sessions and keeps this one; an admin reset ends all', async (t) => {
  const env = await buildTestEnv(t);
  const admin = await buildUser(env, { roles: ['admin'] });
  const u = await buildUser(env);
  const phone = await loginOk(env, u);
  const laptop = await loginOk(env, u);

  const wrong = await env.app.inject({ method: 'POST', url: '/api/me/password', headers: { ...laptop, 'accept-language': 'en' }, payload: { current: 'not-my-password', next: 'new-password-2' } });
  assert.equal(wrong.statusCode, 400);
  assert.match(wrong.json().error.message, /current/);
  const short = await env.app.inject({ method: 'POST', url: '/api/me/password', headers: { ...laptop, 'accept-language': 'en' }, payload: { current: PASSWORD, next: 'short' } });
  assert.equal(short.statusCode, 400);
  assert.match(short.json().error.message, /next/);
  assert.equal((await me(env, phone)).statusCode, 200, 'failed changes end nothing');

  const ok = await env.app.inject({ method: 'POST', url: '/api/me/password', headers: laptop, payload: { current: PASSWORD, next: 'new-password-2' } });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(ok.json().endedSessions, 2, 'the phone and the factory session');
  assert.equal((await me(env, laptop)).statusCode, 200, 'this session stays');
  assert.equal((await me(env, phone)).statusCode, 401);
  assert.equal((await me(env, u.auth)).statusCode, 401);
  assert.equal((await login(env, u.user.username, PASSWORD)).statusCode, 401);
  assert.equal((await login(env, u.user.username, 'new-password-2')).statusCode, 200);
  assert.equal((await eventsOf(env, 'user.password_changed')).length, 1);
  assert.equal(JSON.stringify(await eventsOf(env, 'user.password_changed')).includes('argon2'), false, 'no hash in the event');

  const reset = await env.app.inject({ method: 'POST', url: `/api/users/${u.user.id}/password`, headers: admin.auth, payload: { password: 'reset-password-3' } });
  assert.equal(reset.statusCode, 200, reset.body);
  assert.equal((await me(env, laptop)).statusCode, 401, 'a reset ends every session');
  assert.equal((await login(env, u.user.username, 'reset-password-3')).statusCode, 200);
  assert.equal((await eventsOf(env, 'user.password_reset')).length, 1);
});

test('throttling: per account and, with a higher threshold, per address; 429 with retry-after even for the right password; a success resets the account counter', async (t) => {
  const env = await buildTestEnv(t, { loginMaxFailuresPerUser: 3, loginMaxFailuresPerAddress: 5, loginWindowMinutes: 10, loginBlockMinutes: 5 });
  const u = await buildUser(env);
  const v = await buildUser(env);

  // Two failures, then a success: the account's counter starts again.
  for (let i = 0; i < 2; i++) assert.equal((await login(env, u.user.username, 'wrong-password', `203.0.113.${i + 1}`)).statusCode, 401);
  assert.equal((await login(env, u.user.username, PASSWORD, '203.0.113.9')).statusCode, 200);
  for (let i = 0; i < 3; i++) assert.equal((await login(env, u.user.username, 'wrong-password', `203.0.113.${i + 10}`)).statusCode, 401, `failure ${i + 1}`);
  // Past the threshold (3 failures from three addresses): blocked, the right password too.
  const blocked = await login(env, u.user.username, PASSWORD, '203.0.113.50');
  assert.equal(blocked.statusCode, 429, blocked.body);
  assert.equal(blocked.json().error.code, 'too_many_requests');
  const retry = Number(blocked.headers['retry-after']);
  assert.ok(retry > 0 && retry <= 300, `retry-after ${String(blocked.headers['retry-after'])}`);
  assert.equal((await login(env, u.user.username.toUpperCase(), PASSWORD, '203.0.113.51')).statusCode, 429, 'the username in another case is the same account');
  // Another account from the same addresses is not affected.
  assert.equal((await login(env, v.user.username, PASSWORD, '203.0.113.10')).statusCode, 200);
  // The block ends after LOGIN_BLOCK_MINUTES.
  env.clock.advance(5 * 60_000 + 1000);
  assert.equal((await login(env, u.user.username, PASSWORD, '203.0.113.52')).statusCode, 200);

  // Per address: failures on many accounts (or none) from one address.
  const nat = '192.0.2.77';
  for (let i = 0; i < 5; i++) assert.equal((await login(env, `nobody${i}`, 'wrong-password', nat)).statusCode, 401, `address failure ${i + 1}`);
  const fromNat = await login(env, v.user.username, PASSWORD, nat);
  assert.equal(fromNat.statusCode, 429, 'the address is blocked, the right password too');
  assert.ok(Number(fromNat.headers['retry-after']) > 0);
  assert.equal((await login(env, v.user.username, PASSWORD, '192.0.2.78')).statusCode, 200, 'another address is not');
  // The address's block did not count against v's account.
  const [row] = (await env.db.execute(sql`select failures from login_throttle where key = ${`user:${v.user.username}`}`)) as unknown as Array<{ failures: number }>;
  assert.equal(row, undefined);

  // A success does not reset the address's counter (one good account would open the door).
  const addr = '192.0.2.99';
  for (let i = 0; i < 4; i++) assert.equal((await login(env, `nobody${i}`, 'wrong-password', addr)).statusCode, 401);
  assert.equal((await login(env, v.user.username, PASSWORD, addr)).statusCode, 200);
  assert.equal((await login(env, 'nobody', 'wrong-password', addr)).statusCode, 401);
  assert.equal((await login(env, v.user.username, PASSWORD, addr)).statusCode, 429);

  // Parallel guesses cannot slip in beyond the threshold.
  const w = await buildUser(env);
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => login(env, w.user.username, 'wrong-password', `198.18.0.${i + 1}`)));
  assert.equal(results.filter((r) => r.statusCode === 401).length, 3, results.map((r) => r.statusCode).join(','));
  assert.equal(results.filter((r) => r.statusCode === 429).length, 7);
});

test('the address: X-Forwarded-For counts only from a trusted proxy (TRUST_PROXY); IPv6 by its /64', async (t) => {
  assert.deepEqual(loadConfig({}).trustProxy, ['loopback']);
  assert.equal(loadConfig({ TRUST_PROXY: '0' }).trustProxy, false);
  assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.5, 172.16.0.0/12,loopback' }).trustProxy, ['10.0.0.5', '172.16.0.0/12', 'loopback']);
  assert.throws(() => loadConfig({ TRUST_PROXY: 'my proxy' }), /TRUST_PROXY/);
  assert.equal(addressKey('2001:db8:1:2:3:4:5:6'), addressKey('2001:db8:1:2::ffff'));
  assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
  assert.equal(addressKey('::ffff:192.0.2.1'), addressKey('192.0.2.1'));

  // Nobody is trusted: a client naming a new address in every request is still one address.
  const env = await buildTestEnv(t, { trustProxy: false, loginMaxFailuresPerAddress: 2, loginMaxFailuresPerUser: 100 });
  for (let i = 0; i < 2; i++) assert.equal((await login(env, `nobody${i}`, 'wrong-password', `203.0.113.${i}`)).statusCode, 401);
  const r = await login(env, 'nobody9', 'wrong-password', '203.0.113.200');
  assert.equal(r.statusCode, 429, r.body);
  const [row] = (await env.db.execute(sql`select key from login_throttle where key like 'ip:%'`)) as unknown as Array<{ key: string }>;
  assert.equal(row?.key, 'ip:127.0.0.1');
});
