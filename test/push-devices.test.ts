// GET /api/me/push-subscriptions and DELETE /api/me/push-subscriptions/:id: the account page's
// "devices that will ring" — only one's own, named from the User-Agent sent when subscribing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deviceLabel } from '../src/modules/realtime/devices.js';
import { buildTestEnv } from './helpers/app.js';
import { buildUser } from './helpers/factories.js';
import { startPushReceiver } from './helpers/push-receiver.js';

const ANDROID = 'Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

test('device labels from User-Agents', () => {
  assert.equal(deviceLabel(ANDROID), 'Chrome · Android');
  assert.equal(deviceLabel(IPHONE), 'Safari · iPhone');
  assert.equal(deviceLabel('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0'), 'Edge · Windows');
  assert.equal(deviceLabel('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'), 'Firefox · Linux');
  assert.equal(deviceLabel(null), '?');
});

test("a person lists and removes their own push subscriptions, never another's", async (t) => {
  const env = await buildTestEnv(t);
  const me = await buildUser(env);
  const other = await buildUser(env);
  const [phone, tablet, theirs] = [await startPushReceiver(), await startPushReceiver(), await startPushReceiver()];
  t.after(() => Promise.all([phone.close(), tablet.close(), theirs.close()]));
  const subscribe = async (who: typeof me, sub: typeof phone.subscription, ua: string) => {
    const r = await env.app.inject({ method: 'POST', url: '/api/push/subscriptions', headers: { ...who.auth, 'user-agent': ua }, payload: sub });
    assert.equal(r.statusCode, 201, r.body);
    return r.json().subscription.id as string;
  };
  const phoneId = await subscribe(me, phone.subscription, ANDROID);
  env.clock.advance(60_000); // listed in the order they were turned on (the test clock is frozen otherwise)
  await subscribe(me, tablet.subscription, IPHONE);
  const theirId = await subscribe(other, theirs.subscription, ANDROID);

  const list = async (who: typeof me, endpoint?: string) => {
    const r = await env.app.inject({ url: `/api/me/push-subscriptions${endpoint ? `?endpoint=${encodeURIComponent(endpoint)}` : ''}`, headers: who.auth });
    assert.equal(r.statusCode, 200, r.body);
    return r.json().subscriptions as Array<{ id: string; label: string; userAgent: string | null; thisDevice: boolean; createdAt: string }>;
  };
  const mine = await list(me, phone.subscription.endpoint);
  assert.deepEqual(mine.map((s) => [s.label, s.thisDevice]), [['Chrome · Android', true], ['Safari · iPhone', false]]);
  assert.equal(mine[0]!.id, phoneId);
  assert.equal(mine[1]!.userAgent, IPHONE);
  assert.ok(!Number.isNaN(Date.parse(mine[0]!.createdAt)));
  assert.deepEqual((await list(me)).map((s) => s.thisDevice), [false, false], 'no endpoint named: none is this device');
  assert.deepEqual((await list(other)).map((s) => s.id), [theirId]);

  // Another person's subscription: 404, and it stays.
  const foreign = await env.app.inject({ method: 'DELETE', url: `/api/me/push-subscriptions/${theirId}`, headers: me.auth });
  assert.equal(foreign.statusCode, 404);
  assert.equal(foreign.json().error.code, 'not_found');
  assert.equal((await list(other)).length, 1);
  assert.equal((await env.app.inject({ method: 'DELETE', url: '/api/me/push-subscriptions/not-a-uuid', headers: me.auth })).statusCode, 400);
  assert.equal((await env.app.inject({ url: '/api/me/push-subscriptions' })).statusCode, 401);

  assert.equal((await env.app.inject({ method: 'DELETE', url: `/api/me/push-subscriptions/${phoneId}`, headers: me.auth })).statusCode, 204);
  assert.deepEqual((await list(me)).map((s) => s.label), ['Safari · iPhone']);
  assert.equal((await env.app.inject({ method: 'DELETE', url: `/api/me/push-subscriptions/${phoneId}`, headers: me.auth })).statusCode, 404);
});
