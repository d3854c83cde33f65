// Three systems over real HTTP on loopback: an axis (AXIS=1) and two connected systems A and B,
// each its own database. A issues a hỏa tốc document to a commune of B; it crosses the axis; B's
// clerk acknowledges and accepts it; A's tracking shows each step, and the transport status.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { buildTestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser } from './helpers/factories.js';
import { connect, listen, waitFor } from './helpers/sockets.js';

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a flash document crosses the axis from A to a commune of B; B acknowledges and accepts; A sees 01 → 03 and the transport, each once', { timeout: 120_000 }, async (t) => {
  const hub = await buildTestEnv(t, { axis: true }, { realClock: true });
  const hubUrl = await listen(hub);
  const admin = await buildUser(hub, { roles: ['admin'] });
  const addSystem = async (systemId: string, name: string) => {
    const r = await hub.app.inject({ method: 'POST', url: '/api/axis/systems', headers: admin.auth, payload: { systemId, name } });
    assert.equal(r.statusCode, 201, r.body);
    return r.json().secret as string;
  };
  const secretA = await addSystem('he-thong-a', 'Hệ thống huyện A');
  const secretB = await addSystem('he-thong-b', 'Hệ thống huyện B');

  const a = await buildTestEnv(t, { axisClient: { url: hubUrl, systemId: 'he-thong-a', secret: secretA } }, { realClock: true });
  const b = await buildTestEnv(t, { axisClient: { url: hubUrl, systemId: 'he-thong-b', secret: secretB } }, { realClock: true });
  const ubndA = await buildUnit(a, { code: '000.00.10.H41', name: 'Ủy ban nhân dân huyện A', shortName: 'UBND' });
  const clerkA = await buildUser(a, { unit: ubndA, roles: ['clerk'] });
  const communeB = await buildUnit(b, { code: '000.01.20.H41', name: 'UBND xã B1', shortName: 'UBND' });
  const clerkB = await buildUser(b, { unit: communeB, roles: ['clerk'] });
  const colleagueB = await buildUser(b, { unit: communeB, roles: ['officer'] });
  await a.app.exchange!.refreshDirectory();
  await b.app.exchange!.refreshDirectory();
  await a.app.exchange!.refreshDirectory();

  // A's secretary sees B's commune in the picker, under B's system.
  const remote = (await a.app.inject({ url: '/api/units?external=1', headers: clerkA.auth })).json().units.find((u: { code: string }) => u.code === communeB.code);
  assert.ok(remote, 'B\'s commune is in A\'s directory');
  assert.deepEqual([remote.external, remote.systemId, remote.systemName], [true, 'he-thong-b', 'Hệ thống huyện B']);

  const urlB = await listen(b);
  const phone = await connect(urlB, colleagueB.token);
  t.after(() => phone.close());
  const urlA = await listen(a);
  const issuerPhone = await connect(urlA, clerkA.token);
  t.after(() => issuerPhone.close());

  const { doc } = await buildDocument(a, { author: clerkA, recipients: [remote.id], urgency: 'flash', subject: 'Hỏa tốc: sơ tán dân vùng lũ' });
  const started = Date.now();
  const issued = await a.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: clerkA.auth });
  assert.equal(issued.statusCode, 200, issued.body);

  // B's phone rings: delivery:new for the commune, then the flash alarm.
  await waitFor(() => phone.of('delivery:new').length === 1, 10_000, 'delivery:new on B');
  const crossedMs = Date.now() - started;
  const arrived = phone.of('delivery:new')[0];
  assert.equal(arrived.subject, 'Hỏa tốc: sơ tán dân vùng lũ');
  assert.equal(arrived.urgency, 'flash');
  await waitFor(() => phone.of('urgent:alarm').length >= 1, 10_000, 'flash alarm on B');
  t.diagnostic(`issue on A → delivery:new on B: ${crossedMs} ms`);

  // The colleague acknowledges; the clerk accepts (số đến).
  const deliveryB = arrived.deliveryId;
  assert.equal((await b.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryB}/acknowledge`, headers: colleagueB.auth })).statusCode, 200);
  const accepted = await b.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryB}/accept`, headers: clerkB.auth });
  assert.equal(accepted.statusCode, 200, accepted.body);
  assert.equal(accepted.json().incomingNumber, 1);

  // A's tracking follows, live, exactly as for a local recipient.
  await waitFor(() => issuerPhone.of('delivery:updated').some((u) => u.status === 'accepted'), 15_000, 'accepted on A');
  const row = await until('A tracking accepted', async () => {
    const d = (await a.app.inject({ url: `/api/documents/${doc.id}/tracking`, headers: clerkA.auth })).json().deliveries[0];
    return d.status === 'accepted' && d.acknowledgedAt && d.transport === 'delivered' ? d : null;
  });
  assert.equal(row.unit.code, communeB.code);
  assert.deepEqual(row.history.map((h: { event: string }) => h.event), ['created', 'acknowledged', 'accepted']);
  assert.deepEqual(row.history.map((h: { code: string | null }) => h.code), ['01', null, '03']);
  // Each package once on each side.
  const [{ n: docsOnB }] = (await b.db.execute(sql`select count(*)::int as n from documents`)) as unknown as [{ n: number }];
  assert.equal(docsOnB, 1);
  const [{ n: packagesOnHub }] = (await hub.db.execute(sql`select count(*)::int as n from axis_packages`)) as unknown as [{ n: number }];
  // One document package, then 01 arrived, 01 acknowledged and 03 accepted from B.
  assert.equal(packagesOnHub, 4);
});



test('the axis is down for 30 s while A issues to B: after it restarts every package arrives exactly once, and every status once', { timeout: 180_000 }, async (t) => {
  const hub = await buildTestEnv(t, { axis: true }, { realClock: true });
  const hubUrl = await listen(hub);
  const port = Number(new URL(hubUrl).port);
  const admin = await buildUser(hub, { roles: ['admin'] });
  const secret = async (systemId: string) => (await hub.app.inject({ method: 'POST', url: '/api/axis/systems', headers: admin.auth, payload: { systemId, name: systemId } })).json().secret as string;
  const [secretA, secretB] = [await secret('sys-a'), await secret('sys-b')];
  const a = await buildTestEnv(t, { axisClient: { url: hubUrl, systemId: 'sys-a', secret: secretA } }, { realClock: true });
  const b = await buildTestEnv(t, { axisClient: { url: hubUrl, systemId: 'sys-b', secret: secretB } }, { realClock: true });
  const unitA = await buildUnit(a, { code: '000.00.11.H41', name: 'UBND huyện A2' });
  const clerkA = await buildUser(a, { unit: unitA, roles: ['clerk'] });
  const communeB = await buildUnit(b, { code: '000.02.21.H41', name: 'UBND xã B2' });
  const clerkB = await buildUser(b, { unit: communeB, roles: ['clerk'] });
  await a.app.exchange!.refreshDirectory();
  await b.app.exchange!.refreshDirectory();
  await a.app.exchange!.refreshDirectory();
  const remote = (await a.app.inject({ url: '/api/units?external=1', headers: clerkA.auth })).json().units.find((u: { code: string }) => u.code === communeB.code);

  // The axis goes down.
  await hub.app.close();
  const docs = [];
  for (const urgency of ['flash', 'normal'] as const) {
    const { doc } = await buildDocument(a, { author: clerkA, recipients: [remote.id], urgency, subject: `Gửi khi trục ngừng (${urgency})` });
    assert.equal((await a.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: clerkA.auth })).statusCode, 200);
    docs.push(doc);
  }
  await new Promise((r) => setTimeout(r, 30_000));
  const waiting = (await a.db.execute(sql`select transport, attempts, last_error from exchange_outbox`)) as unknown as Array<{ transport: string; attempts: number; last_error: string | null }>;
  assert.equal(waiting.length, 2);
  assert.ok(waiting.every((w) => w.transport === 'queued' && w.attempts >= 2 && w.last_error), 'queued, retried, with the error kept');

  // It comes back on the same address and database.
  const hub2 = await buildTestEnv(t, { axis: true }, { realClock: true, database: { url: hub.dbUrl } });
  await hub2.app.listen({ port, host: '127.0.0.1' });
  const inbox = await until('both documents on B', async () => {
    const items = (await b.app.inject({ url: '/api/inbox', headers: clerkB.auth })).json().items;
    return items.length === 2 ? items : null;
  }, 60_000);
  assert.deepEqual(inbox.map((i: { document: { subject: string } }) => i.document.subject).sort(), ['Gửi khi trục ngừng (flash)', 'Gửi khi trục ngừng (normal)']);
  // A hears "arrived" (01) for both and the transport is delivered; nothing twice anywhere.
  await until('transport delivered on A', async () => {
    const rows = (await a.db.execute(sql`select transport from exchange_outbox`)) as unknown as Array<{ transport: string }>;
    return rows.every((r) => r.transport === 'delivered');
  }, 30_000);
  await until('01 back on B\'s queue sent', async () => {
    const rows = (await b.db.execute(sql`select transport from exchange_outbox`)) as unknown as Array<{ transport: string }>;
    return rows.length === 2 && rows.every((r) => r.transport !== 'queued');
  }, 30_000);
  await new Promise((r) => setTimeout(r, 1500));
  const [{ n: onB }] = (await b.db.execute(sql`select count(*)::int as n from documents`)) as unknown as [{ n: number }];
  assert.equal(onB, 2);
  const [{ n: deliveriesOnB }] = (await b.db.execute(sql`select count(*)::int as n from deliveries`)) as unknown as [{ n: number }];
  assert.equal(deliveriesOnB, 2);
  const [{ n: packages }] = (await hub2.db.execute(sql`select count(*)::int as n from axis_packages`)) as unknown as [{ n: number }];
  assert.equal(packages, 4, 'two documents and two 01 statuses, each kept once');
  const [{ n: received }] = (await b.db.execute(sql`select count(*)::int as n from exchange_inbox`)) as unknown as [{ n: number }];
  assert.equal(received, 2);
});
