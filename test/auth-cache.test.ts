// The token cache of the HTTP request path (src/modules/auth/session-cache.ts): requests after the
// first make no session query, yet an ended session is never served — at once on the replica
// that ended it, within the push latency on another replica on the same database — and an
// expired token never passes.
import assert from 'node:assert/strict';
import test from 'node:test';
import { sql } from 'drizzle-orm';
import { recordEvents } from '../src/modules/events/service.js';
import { SESSIONS_ENDED } from '../src/modules/auth/service.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildUser, refreshToken, type TestUser } from './helpers/factories.js';

const me = (env: TestEnv, who: TestUser) => env.app.inject({ method: 'GET', url: '/api/me', headers: who.auth });

/** Polls `GET /api/me` on `env` until it answers 401; the milliseconds it took (bounded). */
async function msUntilRefused(env: TestEnv, who: TestUser, limitMs: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < 1000; i++) {
    const status = (await me(env, who)).statusCode;
    if (status === 401) return performance.now() - t0;
    assert.equal(status, 200);
    if (performance.now() - t0 > limitMs) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`still served after ${limitMs} ms`);
}

/** How many session lookups the database has answered: the cached path makes none. */
async function sessionQueries(env: TestEnv): Promise<number> {
  const [row] = (await env.db.execute(sql`select coalesce(sum(idx_scan), 0)::int as n from pg_stat_user_indexes where relname = 'sessions'`)) as unknown as Array<{ n: number }>;
  return row!.n;
}

test('the cache serves repeated requests, never an ended session (logout, disable, another replica) nor an expired token', { timeout: 60_000 }, async (t) => {
  const a = await buildTestEnv(t);
  const b = await buildTestEnv(t, {}, { database: { url: a.dbUrl } });
  const admin = await buildUser(a, { roles: ['admin'] });
  const u = await buildUser(a, { roles: ['clerk'] });

  // Warm, then many requests: no further session lookups (statistics are flushed lazily, so
  // compare a generous bound rather than an exact count).
  assert.equal((await me(a, u)).statusCode, 200);
  const before = await sessionQueries(a);
  for (let i = 0; i < 50; i++) assert.equal((await me(a, u)).statusCode, 200);
  await new Promise((r) => setTimeout(r, 700));
  assert.ok((await sessionQueries(a)) - before < 10, 'cached requests should not look the session up');

  // Logout on A: refused on A at once, on B (which had it cached) within the push latency.
  assert.equal((await me(b, u)).statusCode, 200);
  const out = await a.app.inject({ method: 'POST', url: '/api/auth/logout', headers: u.auth });
  assert.ok(out.statusCode < 300, out.body);
  assert.equal((await me(a, u)).statusCode, 401);
  const logoutMs = await msUntilRefused(b, u, 2500);

  // Disabled by an admin on B: refused on B at once, on A within the push latency.
  const v = await refreshToken(a, u);
  assert.equal((await me(a, v)).statusCode, 200);
  assert.equal((await me(b, v)).statusCode, 200);
  assert.equal((await b.app.inject({ method: 'POST', url: `/api/users/${u.user.id}/disable`, headers: admin.auth })).statusCode, 200);
  assert.equal((await me(b, v)).statusCode, 401);
  const disableMs = await msUntilRefused(a, v, 2500);
  t.diagnostic(`refused on the other replica after ${logoutMs.toFixed(0)} ms (logout), ${disableMs.toFixed(0)} ms (disable)`);

  // Ended by another process (only its committed event reaches this one): both replicas, which
  // had the token cached, refuse it once the event is read.
  const w = await buildUser(a, { roles: ['officer'] });
  assert.equal((await me(a, w)).statusCode, 200);
  assert.equal((await me(b, w)).statusCode, 200);
  const sid = JSON.parse(Buffer.from(w.token.split('.')[1]!, 'base64url').toString()).sid as string;
  await a.db.transaction(async (tx) => {
    await tx.execute(sql`update sessions set ended_at = now(), end_reason = 'logout' where id = ${sid}`);
    await recordEvents(tx, [{ type: SESSIONS_ENDED, at: new Date(), actor: null, unitIds: [w.unit.id], userIds: [w.user.id], data: { userId: w.user.id, reason: 'logout', sessionIds: [sid] } }]);
  });
  await msUntilRefused(a, w, 2500);
  await msUntilRefused(b, w, 2500);

  // An expired token never passes, cached or not.
  const x = await buildUser(a, { roles: ['officer'] });
  assert.equal((await me(a, x)).statusCode, 200);
  a.clock.advance(a.config.tokenTtlSeconds * 1000 + 1000);
  assert.equal((await me(a, x)).statusCode, 401);
});
