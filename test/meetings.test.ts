import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestEnv } from './helpers/app.js';
import { buildUnit, buildUser } from './helpers/factories.js';

test('meetings: convene, list, read', async (t) => {
  const env = await buildTestEnv(t);
  env.clock.set('2026-12-01T02:00:00Z');
  const host = await buildUser(env, { roles: ['leader'] });
  const units = await Promise.all(Array.from({ length: 3 }, () => buildUnit(env)));
  const res = await env.app.inject({
    method: 'POST', url: '/api/meetings', headers: host.auth,
    payload: { title: 'Giao ban', startsAt: '2026-12-03T01:00:00Z', participants: units.map((u) => ({ unitId: u.id })), agenda: [{ title: 'Mục 1' }] },
  });
  assert.equal(res.statusCode, 201, res.body);
  const id = res.json().meeting.id;
  const list = await env.app.inject({ method: 'GET', url: '/api/meetings', headers: host.auth });
  assert.equal(list.statusCode, 200, list.body);
  assert.equal(list.json().items.length, 1);
  const one = await env.app.inject({ method: 'GET', url: `/api/meetings/${id}`, headers: host.auth });
  assert.equal(one.statusCode, 200, one.body);
  assert.equal(one.json().meeting.participants.length, 3);
});
