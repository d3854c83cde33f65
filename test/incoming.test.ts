import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, type TestUser } from './helpers/factories.js';
import { makePdf } from './helpers/pdf.js';

async function issued(env: TestEnv, author: TestUser, recipients: string[], o: { urgency?: 'normal' | 'flash'; subject?: string; files?: Buffer[] } = {}) {
  const { doc } = await buildDocument(env, { author, recipients, ...o });
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: author.auth });
  assert.equal(r.statusCode, 200, r.body);
  return r.json().document as { id: string; notation: string };
}

test('the core loop: a commune clerk finds it in the inbox, opens the PDF, accepts it; the issuer sees read and accepted', async (t) => {
  const env = await buildTestEnv(t);
  const issuer = await buildUser(env, { roles: ['clerk'] });
  const commune = await buildUnit(env, { name: 'Ủy ban nhân dân xã Sơn Tây' });
  const communeClerk = await buildUser(env, { unit: commune, roles: ['clerk'] });
  const pdf = makePdf('Chi thi phong chong bao');
  const doc = await issued(env, issuer, [commune.id], { subject: 'Về việc phòng, chống cơn bão số 3', files: [pdf] });

  const inbox = await env.app.inject({ url: '/api/inbox', headers: communeClerk.auth });
  assert.equal(inbox.statusCode, 200);
  const [item] = inbox.json().items;
  assert.equal(item.document.id, doc.id);
  assert.equal(item.document.subject, 'Về việc phòng, chống cơn bão số 3');
  assert.equal(item.document.issuer.id, issuer.unit.id);
  assert.equal(item.status, 'delivered');
  assert.equal(item.readAt, null);

  const detail = await env.app.inject({ url: `/api/documents/${doc.id}`, headers: communeClerk.auth });
  assert.equal(detail.statusCode, 200);
  assert.equal(detail.json().delivery.deliveryId, item.deliveryId);
  assert.equal(detail.json().delivery.statusCode, '01');
  assert.equal((await env.app.inject({ url: `/api/documents/${doc.id}`, headers: issuer.auth })).json().delivery, null);
  const file = detail.json().files[0];
  // Stored for offline reading (a meeting's papers): the bytes, but not a read.
  const prefetched = await env.app.inject({ url: `/api/documents/${doc.id}/files/${file.id}`, headers: { ...communeClerk.auth, 'x-purpose': 'prefetch' } });
  assert.deepEqual(prefetched.rawPayload, pdf);
  assert.equal((await env.app.inject({ url: `/api/documents/${doc.id}/tracking`, headers: issuer.auth })).json().deliveries[0].readAt, null);
  const dl = await env.app.inject({ url: `/api/documents/${doc.id}/files/${file.id}`, headers: communeClerk.auth });
  assert.equal(dl.statusCode, 200);
  assert.equal(dl.headers['content-type'], 'application/pdf');
  assert.deepEqual(dl.rawPayload, pdf);

  // Opening the file recorded the read.
  let tracking = (await env.app.inject({ url: `/api/documents/${doc.id}/tracking`, headers: issuer.auth })).json();
  assert.ok(tracking.deliveries[0].readAt);
  assert.equal(tracking.deliveries[0].acceptedAt, null);

  const accept = await env.app.inject({ method: 'POST', url: `/api/deliveries/${item.deliveryId}/accept`, headers: communeClerk.auth });
  assert.equal(accept.statusCode, 200);
  assert.equal(accept.json().incomingNumber, 1);
  assert.equal(accept.json().statusCode, '03');
  tracking = (await env.app.inject({ url: `/api/documents/${doc.id}/tracking`, headers: issuer.auth })).json();
  assert.equal(tracking.deliveries[0].status, 'accepted');
  assert.equal(tracking.deliveries[0].incomingNumber, 1);
  assert.ok(tracking.deliveries[0].acceptedAt);

  // Both timelines hold the events in order; the issuer's includes the recipient's steps. Issuing
  // is two steps: the number is committed first (document.numbered), then the sealed files are delivered.
  const events = (await env.app.inject({ url: `/api/documents/${doc.id}`, headers: issuer.auth })).json().events.map((e: { type: string }) => e.type);
  assert.deepEqual(events, ['document.drafted', 'document.files_added', 'document.numbered', 'document.issued', 'delivery.created', 'delivery.read', 'delivery.accepted']);
});

test('a file download honours Range, including suffix ranges, and rejects an unsatisfiable one with 416', async (t) => {
  const env = await buildTestEnv(t);
  const issuer = await buildUser(env);
  const pdf = makePdf('range test', 5000);
  const doc = await issued(env, issuer, [(await buildUnit(env)).id], { files: [pdf] });
  const file = (await env.app.inject({ url: `/api/documents/${doc.id}`, headers: issuer.auth })).json().files[0];
  const url = `/api/documents/${doc.id}/files/${file.id}`;
  const part = await env.app.inject({ url, headers: { ...issuer.auth, range: 'bytes=100-199' } });
  assert.equal(part.statusCode, 206);
  assert.equal(part.headers['content-range'], `bytes 100-199/${pdf.length}`);
  assert.deepEqual(part.rawPayload, pdf.subarray(100, 200));
  const tail = await env.app.inject({ url, headers: { ...issuer.auth, range: 'bytes=-50' } });
  assert.deepEqual(tail.rawPayload, pdf.subarray(pdf.length - 50));
  const bad = await env.app.inject({ url, headers: { ...issuer.auth, range: `bytes=${pdf.length + 10}-` } });
  assert.equal(bad.statusCode, 416);
  assert.equal(bad.headers['content-range'], `bytes */${pdf.length}`);
});

test('incoming numbers are consecutive per unit and year; a flash dispatch leads the inbox until acknowledged', async (t) => {
  const env = await buildTestEnv(t);
  env.clock.set('2026-12-31T09:00:00Z');
  const issuer = await buildUser(env);
  const unit = await buildUnit(env);
  const clerk = await buildUser(env, { unit, roles: ['clerk'] });
  const officer = await buildUser(env, { unit, roles: ['officer'] });
  const older = await issued(env, issuer, [unit.id], { urgency: 'flash', subject: 'Hỏa tốc: sơ tán dân' });
  env.clock.advance(60_000);
  const a = await issued(env, issuer, [unit.id], { subject: 'Văn bản A' });
  env.clock.advance(60_000);
  const b = await issued(env, issuer, [unit.id], { subject: 'Văn bản B' });
  const order = async () => (await env.app.inject({ url: '/api/inbox', headers: officer.auth })).json().items.map((i: { document: { id: string } }) => i.document.id);
  assert.deepEqual(await order(), [older.id, b.id, a.id]);

  const items = (await env.app.inject({ url: '/api/inbox', headers: officer.auth })).json().items;
  const ack = await env.app.inject({ method: 'POST', url: `/api/deliveries/${items[0].deliveryId}/acknowledge`, headers: officer.auth });
  assert.equal(ack.statusCode, 200);
  assert.deepEqual(await order(), [b.id, a.id, older.id]);
  // Filter by urgency, and paginate with a cursor.
  const flash = (await env.app.inject({ url: '/api/inbox?urgency=flash', headers: officer.auth })).json().items;
  assert.equal(flash.length, 1);
  const p1 = (await env.app.inject({ url: '/api/inbox?limit=2', headers: officer.auth })).json();
  const p2 = (await env.app.inject({ url: `/api/inbox?limit=2&cursor=${p1.nextCursor}`, headers: officer.auth })).json();
  assert.deepEqual([...p1.items, ...p2.items].map((i: { document: { id: string } }) => i.document.id), [b.id, a.id, older.id]);
  assert.equal(p2.nextCursor, null);

  const accept = async (i: number) =>
    (await env.app.inject({ method: 'POST', url: `/api/deliveries/${items[i].deliveryId}/accept`, headers: clerk.auth })).json().incomingNumber;
  assert.equal(await accept(0), 1);
  assert.equal(await accept(1), 2);
  env.clock.set('2026-12-31T17:00:01Z'); // 1/1/2027 in Vietnam: số đến restarts
  assert.equal(await accept(2), 1);

  // Delivery ids are time-ordered (UUIDv7, migration 0024): later deliveries sort after earlier ones.
  const ids = [items[0].deliveryId, items[2].deliveryId, items[1].deliveryId] as string[]; // older, a, b (items: older, b, a)
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/);
  assert.deepEqual([...ids].sort(), ids);
  // The number stays unique per unit and series (the index only leaves out unnumbered deliveries).
  await assert.rejects(
    env.deps.sql`update deliveries set incoming_series = x.incoming_series, incoming_number = x.incoming_number
      from deliveries x where x.id = ${items[0].deliveryId} and deliveries.id = ${items[2].deliveryId}`,
    /deliveries_incoming_uq/,
  );
});

test('refusing needs a reason and returns it to the sender; a refused delivery cannot then be accepted', async (t) => {
  const env = await buildTestEnv(t);
  const issuer = await buildUser(env);
  const unit = await buildUnit(env);
  const clerk = await buildUser(env, { unit, roles: ['clerk'] });
  const doc = await issued(env, issuer, [unit.id]);
  const [item] = (await env.app.inject({ url: '/api/inbox', headers: clerk.auth })).json().items;
  const noReason = await env.app.inject({ method: 'POST', url: `/api/deliveries/${item.deliveryId}/refuse`, headers: clerk.auth, payload: { reason: '  ' } });
  assert.equal(noReason.statusCode, 400);
  const r = await env.app.inject({ method: 'POST', url: `/api/deliveries/${item.deliveryId}/refuse`, headers: clerk.auth, payload: { reason: 'Gửi nhầm đơn vị' } });
  assert.equal(r.statusCode, 200);
  assert.equal(r.json().statusCode, '02');
  const tracking = (await env.app.inject({ url: `/api/documents/${doc.id}/tracking`, headers: issuer.auth })).json();
  assert.equal(tracking.deliveries[0].status, 'refused');
  assert.equal(tracking.deliveries[0].refusalReason, 'Gửi nhầm đơn vị');
  const accept = await env.app.inject({ method: 'POST', url: `/api/deliveries/${item.deliveryId}/accept`, headers: clerk.auth });
  assert.equal(accept.statusCode, 409);
});

test('recall asks every recipient (13): agreeing (15) withdraws the copy, refusing (16) keeps it; both timelines keep it', async (t) => {
  const env = await buildTestEnv(t);
  const issuer = await buildUser(env);
  const unitA = await buildUnit(env);
  const unitB = await buildUnit(env);
  const clerkA = await buildUser(env, { unit: unitA, roles: ['clerk'] });
  const clerkB = await buildUser(env, { unit: unitB, roles: ['clerk'] });
  const doc = await issued(env, issuer, [unitA.id, unitB.id]);
  const [itemA] = (await env.app.inject({ url: '/api/inbox', headers: clerkA.auth })).json().items;
  const [itemB] = (await env.app.inject({ url: '/api/inbox', headers: clerkB.auth })).json().items;
  const noReason = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/recall`, headers: issuer.auth, payload: {} });
  assert.equal(noReason.statusCode, 400);
  // Nothing to answer before the issuer asks.
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${itemA.deliveryId}/recall/agree`, headers: clerkA.auth })).statusCode, 409);
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/recall`, headers: issuer.auth, payload: { reason: 'Sai sót nội dung' } });
  assert.equal(r.statusCode, 200);
  assert.equal(r.json().document.status, 'recalled');
  // A officer cannot answer; the clerk of A agrees, the clerk of B refuses.
  const officerA = await buildUser(env, { unit: unitA, roles: ['officer'] });
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${itemA.deliveryId}/recall/agree`, headers: officerA.auth })).statusCode, 403);
  const agree = await env.app.inject({ method: 'POST', url: `/api/deliveries/${itemA.deliveryId}/recall/agree`, headers: clerkA.auth });
  assert.equal(agree.statusCode, 200);
  assert.equal(agree.json().statusCode, '15');
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${itemB.deliveryId}/recall/refuse`, headers: clerkB.auth, payload: { reason: 'Đã triển khai thực hiện' } })).json().statusCode, '16');

  assert.deepEqual((await env.app.inject({ url: '/api/inbox', headers: clerkA.auth })).json().items, []);
  assert.equal((await env.app.inject({ url: '/api/inbox?status=recalled', headers: clerkA.auth })).json().items.length, 1);
  assert.equal((await env.app.inject({ url: `/api/documents/${doc.id}`, headers: clerkA.auth })).statusCode, 404);
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${itemA.deliveryId}/accept`, headers: clerkA.auth })).statusCode, 409);
  assert.equal((await env.app.inject({ url: '/api/inbox', headers: clerkB.auth })).json().items.length, 1);
  assert.equal((await env.app.inject({ url: `/api/documents/${doc.id}`, headers: clerkB.auth })).statusCode, 200);

  const tracking = (await env.app.inject({ url: `/api/documents/${doc.id}/tracking`, headers: issuer.auth })).json();
  const codes = (unitId: string) => tracking.deliveries.find((d: { unit: { id: string } }) => d.unit.id === unitId).history.map((h: { code: string | null }) => h.code).filter(Boolean);
  assert.deepEqual(codes(unitA.id), ['01', '13', '15']);
  assert.deepEqual(codes(unitB.id), ['01', '13', '16']);
  const issuerView = (await env.app.inject({ url: `/api/documents/${doc.id}`, headers: issuer.auth })).json();
  assert.ok(issuerView.events.some((e: { type: string; data: { reason?: string } }) => e.type === 'document.recalled' && e.data.reason === 'Sai sót nội dung'));
  assert.ok(issuerView.events.some((e: { type: string }) => e.type === 'delivery.recalled'));
  const again = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/recall`, headers: issuer.auth, payload: { reason: 'x' } });
  assert.equal(again.statusCode, 409);
});
