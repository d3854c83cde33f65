// Three systems over real HTTP on loopback: an axis (AXIS=1) and two connected systems A and B,
// each its own database. A issues a hỏa tốc document to a commune of B; it crosses the axis; B's
// clerk acknowledges and accepts it; A's tracking shows each step, and the transport status.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { buildTestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser } from './helpers/factories.js';
import { connect, listen, waitFor } from './helpers/sockets.js';
import { Readable } from 'node:stream';
import { axisClient } from '../src/modules/exchange/axis-client.js';
import { writeDocumentPackage } from '../src/modules/exchange/edxml/index.js';
import { makePdf } from './helpers/pdf.js';
import { testPki } from './helpers/signing.js';

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
  let last: unknown;
  const row = await until('A tracking accepted', async () => {
    const d = (await a.app.inject({ url: `/api/documents/${doc.id}/tracking`, headers: clerkA.auth })).json().deliveries[0];
    last = d;
    return d.status === 'accepted' && d.acknowledgedAt && d.transport === 'delivered' ? d : null;
  }, 30_000).catch((e) => assert.fail(`${e.message}: ${JSON.stringify(last)}`));
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

test('a tampered sealed header is refused by the axis (400); a package B cannot take is answered with 02 and the reason, nothing stored on B', { timeout: 120_000 }, async (t) => {
  const hub = await buildTestEnv(t, { axis: true }, { realClock: true });
  const hubUrl = await listen(hub);
  const admin = await buildUser(hub, { roles: ['admin'] });
  const secret = async (systemId: string) => (await hub.app.inject({ method: 'POST', url: '/api/axis/systems', headers: admin.auth, payload: { systemId, name: systemId } })).json().secret as string;
  const [secretA, secretB] = [await secret('sys-a3'), await secret('sys-b3')];
  const b = await buildTestEnv(t, { axisClient: { url: hubUrl, systemId: 'sys-b3', secret: secretB } }, { realClock: true });
  const communeB = await buildUnit(b, { code: '000.03.22.H41', name: 'UBND xã B3' });
  await b.app.exchange!.refreshDirectory();
  // A sends by hand through the axis (as another vendor's system would). A sealed header changed after
  // signing is refused by the axis itself (400 to the sender); a package B cannot take (no PDF) is
  // accepted by the axis and refused by B, which answers 02 with the reason.
  const axisA = axisClient({ url: hubUrl, systemId: 'sys-a3', secret: secretA });
  await axisA.putDirectory([{ organId: '000.00.12.H41', name: 'UBND huyện A3', parentOrganId: null }]);
  const pki = testPki('UBND huyện A3');
  const header = {
    from: { organId: '000.00.12.H41', organName: 'UBND huyện A3' }, to: [{ organId: communeB.code, organName: 'UBND xã B3' }],
    documentId: '000.00.12.H41,2026/11/30,9/UBND-VP', code: { codeNumber: '9', codeNotation: 'UBND-VP' }, subject: 'Về việc kiểm tra', otherInfo: { priority: 0 as const },
  };
  const bytes = async (r: Readable) => {
    const parts: Buffer[] = [];
    for await (const c of r) parts.push(Buffer.from(c as Uint8Array));
    return Buffer.concat(parts);
  };
  const seal = { seal: { privateKeyPem: pki.seal.privateKeyPem, certificate: pki.seal.certificate } };
  const signed = await bytes(writeDocumentPackage(header, [{ contentId: 'f1', name: 'cv.pdf', contentType: 'application/pdf', open: () => Readable.from([makePdf('cv')]) }], seal));
  const tampered = Buffer.from(signed.toString('utf8').replace('Về việc kiểm tra', 'Về việc chuyển tiền'));
  await assert.rejects(axisA.send(tampered), (e: Error & { status?: number }) => e.status === 400 && /chữ ký số/i.test(e.message));
  await axisA.send(await bytes(writeDocumentPackage(header, [], seal)));
  const answer = await until('02 from B on the axis', async () => {
    const rows = (await hub.db.execute(sql`select kind, status_code, from_organ_id from axis_packages where kind = 'status'`)) as unknown as Array<{ kind: string; status_code: string; from_organ_id: string }>;
    return rows.find((r) => r.status_code === '02' && r.from_organ_id === communeB.code) ?? null;
  }, 30_000);
  assert.ok(answer);
  // A (its system) finds the refusal and its reason waiting for it.
  const waiting = await axisA.waiting(0);
  const status = waiting.find((w) => w.messagetype === 'status');
  assert.ok(status, 'the refusal waits for A');
  const body = (await bytes(await axisA.fetchPackage(status!.docId))).toString('utf8');
  assert.match(body, /<StatusCode>02<\/StatusCode>/);
  assert.match(body, /Từ chối: Gói tin không có tệp PDF/);
  const [{ n }] = (await b.db.execute(sql`select count(*)::int as n from documents`)) as unknown as [{ n: number }];
  assert.equal(n, 0);
});
