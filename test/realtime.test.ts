import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, type TestUser } from './helpers/factories.js';
import { connect, listen, syncSince, waitFor, type TestClient } from './helpers/sockets.js';
import { startPushReceiver } from './helpers/push-receiver.js';

async function issue(env: TestEnv, author: TestUser, recipients: string[], o: { urgency?: 'flash' | 'normal'; subject?: string } = {}) {
  const { doc } = await buildDocument(env, { author, recipients, ...o });
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: author.auth });
  assert.equal(r.statusCode, 200, r.body);
  return doc;
}

test('300 clients in 100 units: a document to 60 units reaches every client of those units and no other', { timeout: 120_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const url = await listen(env);
  const issuer = await buildUser(env);
  const units = [];
  for (let i = 0; i < 100; i++) units.push(await buildUnit(env));
  const clients: Array<{ unit: number; c: TestClient }> = [];
  t.after(() => clients.forEach(({ c }) => c.close()));
  for (const [i, unit] of units.entries()) {
    for (let k = 0; k < 3; k++) {
      const u = await buildUser(env, { unit, roles: ['officer'] });
      clients.push({ unit: i, c: await connect(url, u.token) });
    }
  }
  const issuerClient = await connect(url, issuer.token);
  t.after(() => issuerClient.close());
  const doc = await issue(env, issuer, units.slice(0, 60).map((u) => u.id), { subject: 'Về việc phòng chống bão' });
  const addressed = clients.filter((x) => x.unit < 60);
  await waitFor(() => addressed.every(({ c }) => c.of('delivery:new').length === 1), 10_000, 'all 180 addressed clients');
  await new Promise((r) => setTimeout(r, 300));
  for (const { unit, c } of clients) {
    const got = c.of('delivery:new');
    if (unit < 60) {
      assert.equal(got.length, 1);
      assert.equal(got[0].documentId, doc.id);
      assert.equal(got[0].subject, 'Về việc phòng chống bão');
      assert.equal(got[0].issuer.id, issuer.unit.id);
      assert.equal(typeof got[0].eventId, 'number');
    } else {
      assert.equal(c.received.length, 0, 'a unit that was not addressed received something');
    }
  }
  // The issuer sees each recipient's read live.
  const someone = clients[0]!;
  const item = (await env.app.inject({ url: '/api/inbox', headers: { authorization: `Bearer ${someone.c.socket.auth && (someone.c.socket.auth as { token: string }).token}` } })).json().items[0];
  await env.app.inject({ method: 'POST', url: `/api/deliveries/${item.deliveryId}/read`, headers: { authorization: `Bearer ${(someone.c.socket.auth as { token: string }).token}` } });
  await waitFor(() => issuerClient.of('delivery:updated').some((u) => u.status === 'delivered' || u.deliveryId === item.deliveryId), 5000, 'delivery:updated');
  const upd = issuerClient.of('delivery:updated').find((u) => u.deliveryId === item.deliveryId);
  assert.equal(upd.unitId, units[0]!.id);
  assert.equal(issuerClient.of('delivery:new').length, 0);
});

test('a client offline during the issue gets the missed events through sync, in order, without duplicates', { timeout: 60_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const url = await listen(env);
  const issuer = await buildUser(env);
  const unit = await buildUnit(env);
  const reader = await buildUser(env, { unit, roles: ['officer'] });
  const first = await connect(url, reader.token);
  await issue(env, issuer, [unit.id], { subject: 'Trước khi mất mạng' });
  await waitFor(() => first.of('delivery:new').length === 1);
  const lastSeen = first.of('delivery:new')[0].eventId as number;
  first.close();
  const missed = [];
  for (let i = 0; i < 3; i++) missed.push(await issue(env, issuer, [unit.id], { subject: `Khi mất mạng ${i}` }));
  await new Promise((r) => setTimeout(r, 5000));
  const again = await connect(url, reader.token);
  t.after(() => again.close());
  const reply = await syncSince(again, lastSeen);
  const news = reply.events.filter((e: { name: string }) => e.name === 'delivery:new');
  assert.deepEqual(news.map((e: { data: { documentId: string } }) => e.data.documentId), missed.map((d) => d.id));
  const ids = reply.events.map((e: { data: { eventId: number } }) => e.data.eventId);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(ids.every((id: number) => id > lastSeen));
  assert.equal(reply.more, false);
  // Asking again from the last id returns nothing new.
  assert.deepEqual((await syncSince(again, reply.lastEventId)).events, []);
});

test('flash: the alarm repeats until someone acknowledges; unacknowledged, it escalates once to the leaders, across a restart', { timeout: 60_000 }, async (t) => {
  const settings = { alarmRepeatSeconds: 1, escalateAfterMinutes: 3 / 60, alarmTickMs: 200 };
  const env = await buildTestEnv(t, settings, { realClock: true });
  const url = await listen(env);
  const issuer = await buildUser(env);
  const unit = await buildUnit(env);
  const officer = await buildUser(env, { unit, roles: ['officer'] });
  const leader = await buildUser(env, { unit, roles: ['leader'] });
  const receiver = await startPushReceiver();
  t.after(() => receiver.close());
  assert.equal((await env.app.inject({ method: 'POST', url: '/api/push/subscriptions', headers: officer.auth, payload: receiver.subscription })).statusCode, 201);
  const phone = await connect(url, officer.token);
  const leaderPhone = await connect(url, leader.token);
  t.after(() => { phone.close(); leaderPhone.close(); });

  // Document 1 is acknowledged after a few alarms: they stop.
  const acked = await issue(env, issuer, [unit.id], { urgency: 'flash', subject: 'Hỏa tốc: sơ tán dân' });
  await waitFor(() => phone.of('urgent:alarm').filter((a) => a.documentId === acked.id).length >= 3, 8000, '3 alarms');
  const repeats = phone.of('urgent:alarm').filter((a) => a.documentId === acked.id).map((a) => a.repeat);
  assert.deepEqual(repeats.slice(0, 3), [0, 1, 2]);
  // The phone with the app closed rang too: an encrypted Web Push the subscription's keys decrypt.
  await waitFor(() => receiver.messages.length > 0, 5000, 'a web push');
  const push = receiver.messages[0]!;
  assert.equal(JSON.parse(push.payload).title, 'HỎA TỐC');
  assert.equal(JSON.parse(push.payload).body, 'Hỏa tốc: sơ tán dân');
  assert.equal(push.headers['content-encoding'], 'aes128gcm');
  const deliveryId = phone.of('urgent:alarm')[0].deliveryId;
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryId}/acknowledge`, headers: officer.auth })).statusCode, 200);
  const afterAck = phone.of('urgent:alarm').filter((a) => a.documentId === acked.id).length;
  await new Promise((r) => setTimeout(r, 2500));
  assert.ok(phone.of('urgent:alarm').filter((a) => a.documentId === acked.id).length <= afterAck + 1, 'alarms went on after acknowledge');

  // Document 2 is left alone; the app restarts before the escalation is due.
  const ignored = await issue(env, issuer, [unit.id], { urgency: 'flash', subject: 'Hỏa tốc: không ai nhận' });
  await waitFor(() => phone.of('urgent:alarm').some((a) => a.documentId === ignored.id), 3000, 'first alarm');
  phone.close();
  leaderPhone.close();
  await env.app.close();
  const env2 = await buildTestEnv(t, settings, { realClock: true, database: { url: env.dbUrl } });
  const url2 = await listen(env2);
  const leaderAgain = await connect(url2, leader.token);
  t.after(() => leaderAgain.close());
  await waitFor(() => leaderAgain.of('urgent:alarm').some((a) => a.documentId === ignored.id && a.escalated), 8000, 'escalation');
  await new Promise((r) => setTimeout(r, 1500));
  const [{ n }] = (await env2.db.execute(sql`select count(*)::int as n from events where type = 'delivery.escalated' and document_id = ${ignored.id}`)) as unknown as [{ n: number }];
  assert.equal(n, 1);
  const tracking = (await env2.app.inject({ url: `/api/documents/${ignored.id}/tracking`, headers: issuer.auth })).json();
  assert.ok(tracking.deliveries[0].escalatedAt);
  assert.equal(tracking.deliveries[0].acknowledgedAt, null);
  const ackTracking = (await env2.app.inject({ url: `/api/documents/${acked.id}/tracking`, headers: issuer.auth })).json();
  assert.equal(ackTracking.deliveries[0].escalatedAt, null);
  // Alarms kept ringing on the new instance, without a gap in their count.
  const [{ max }] = (await env2.db.execute(sql`select max((data->>'repeat')::int) as max from events where type = 'delivery.alarm' and document_id = ${ignored.id}`)) as unknown as [{ max: number }];
  const [{ distinct, total }] = (await env2.db.execute(sql`select count(distinct data->>'repeat')::int as distinct, count(*)::int as total from events where type = 'delivery.alarm' and document_id = ${ignored.id}`)) as unknown as [{ distinct: number; total: number }];
  assert.equal(distinct, total, 'an alarm repeat fired twice');
  assert.equal(max + 1, total);
});

test('one clerk acknowledges a flash dispatch: the other clerk of the unit gets delivery:updated at once and its alarm stops', { timeout: 60_000 }, async (t) => {
  // A long repeat, so a stopped alarm cannot be confused with one that simply has not rung again yet.
  const env = await buildTestEnv(t, { alarmRepeatSeconds: 3600, escalateAfterMinutes: 60, alarmTickMs: 100 }, { realClock: true });
  const url = await listen(env);
  const issuer = await buildUser(env);
  const unit = await buildUnit(env);
  const clerk1 = await buildUser(env, { unit, roles: ['clerk'] });
  const clerk2 = await buildUser(env, { unit, roles: ['clerk'] });
  const phone1 = await connect(url, clerk1.token);
  const phone2 = await connect(url, clerk2.token);
  const issuerPhone = await connect(url, issuer.token);
  t.after(() => { phone1.close(); phone2.close(); issuerPhone.close(); });
  const doc = await issue(env, issuer, [unit.id], { urgency: 'flash', subject: 'Hỏa tốc: ứng phó lũ quét' });
  await waitFor(() => phone1.of('urgent:alarm').length >= 1 && phone2.of('urgent:alarm').length >= 1, 5000, 'both phones ring');
  const deliveryId = phone2.of('urgent:alarm')[0].deliveryId;
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryId}/acknowledge`, headers: clerk1.auth })).statusCode, 200);
  // The colleague's phone is told by the server, not by its next poll: the event names the delivery and the acknowledgement.
  await waitFor(() => phone2.of('delivery:updated').some((u) => u.deliveryId === deliveryId), 5000, 'delivery:updated on the other clerk');
  const upd = phone2.of('delivery:updated').find((u) => u.deliveryId === deliveryId);
  assert.equal(upd.documentId, doc.id);
  assert.equal(upd.unitId, unit.id);
  assert.equal(upd.event, 'acknowledged');
  assert.equal(typeof upd.eventId, 'number');
  // The issuer's tracking gets the same update.
  await waitFor(() => issuerPhone.of('delivery:updated').some((u) => u.deliveryId === deliveryId && u.event === 'acknowledged'), 5000, 'issuer update');
  // The alarm row is closed in the acknowledging transaction: no further ring is due for anyone.
  const [{ done }] = (await env.db.execute(sql`select (done_at is not null) as done from urgent_alarms where delivery_id = ${deliveryId}`)) as unknown as [{ done: boolean }];
  assert.equal(done, true);
  // Catching up through sync gives the colleague the same update (nothing lost across a reconnect).
  const reply = await syncSince(phone2, 0);
  assert.ok(reply.events.some((e: { name: string; data: { deliveryId: string; event?: string } }) => e.name === 'delivery:updated' && e.data.deliveryId === deliveryId && e.data.event === 'acknowledged'));
});

test('two app instances on one database: issued through A, received on B', { timeout: 30_000 }, async (t) => {
  const a = await buildTestEnv(t);
  const b = await buildTestEnv(t, {}, { database: { url: a.dbUrl } });
  const urlB = await listen(b);
  const issuer = await buildUser(a);
  const unit = await buildUnit(a);
  const reader = await buildUser(a, { unit, roles: ['officer'] });
  const onB = await connect(urlB, reader.token);
  t.after(() => onB.close());
  const doc = await issue(a, issuer, [unit.id]);
  await waitFor(() => onB.of('delivery:new').length === 1, 5000, 'delivery on B');
  assert.equal(onB.of('delivery:new')[0].documentId, doc.id);
});

test('bad socket input never crashes the server and never leaks events', { timeout: 30_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const url = await listen(env);
  const issuer = await buildUser(env);
  const unitA = await buildUnit(env);
  const unitB = await buildUnit(env);
  const a = await buildUser(env, { unit: unitA, roles: ['officer'] });
  const b = await buildUser(env, { unit: unitB, roles: ['officer'] });
  await assert.rejects(connect(url, 'not-a-token'), /unauthorized/);
  await assert.rejects(connect(url, ''), /unauthorized/);
  const client = await connect(url, a.token);
  t.after(() => client.close());
  client.socket.emit('join', `unit:${unitB.id}`);
  client.socket.emit('subscribe', { room: `unit:${unitB.id}` });
  client.socket.emit('no-such-event', { x: 1 });
  client.socket.emit('sync', { sinceEventId: 0 }); // no ack callback
  for (const bad of [null, 'x', { sinceEventId: -1 }, { sinceEventId: 'abc' }, { sinceEventId: 1.5 }, { sinceEventId: 2 ** 60 }]) {
    const reply = await client.socket.timeout(5000).emitWithAck('sync', bad);
    assert.equal(reply.error.code, 'bad_request');
  }
  const docB = await issue(env, issuer, [unitB.id], { subject: 'Chỉ cho đơn vị B' });
  const bClient = await connect(url, b.token);
  t.after(() => bClient.close());
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(client.of('delivery:new').length, 0);
  const syncA = await syncSince(client, 0);
  assert.ok(!JSON.stringify(syncA).includes(docB.id), 'sync leaked another unit\'s document');
  const syncB = await syncSince(bClient, 0);
  assert.ok(JSON.stringify(syncB).includes(docB.id));
  // The server is still healthy and serving.
  assert.equal((await env.app.inject({ url: '/healthz' })).statusCode, 200);
});
