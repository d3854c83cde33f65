import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { syncDirectoryUnits } from '../src/modules/orgs/units.js';
import { writeDocumentPackage } from '../src/modules/exchange/edxml/index.js';
import { importPackage } from '../src/workflows/import-package.js';
import { packageForOutbound } from '../src/workflows/outbound-packages.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, type TestUser } from './helpers/factories.js';
import { makePdf } from './helpers/pdf.js';
import { addAnchor, installKey, pdfsig, testPki } from './helpers/signing.js';

async function bodyOf(p: Readable | Buffer): Promise<Buffer> {
  if (Buffer.isBuffer(p)) return p;
  const chunks: Buffer[] = [];
  for await (const c of p) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

const xml = (env: TestEnv, who: TestUser, payload: string | Buffer, type = 'application/xml') =>
  env.app.inject({ method: 'POST', url: '/api/exchange/edxml', headers: { ...who.auth, 'content-type': type }, payload });

/** System A: a district People's Committee with a leader key and a seal; system B: a commune. */
async function twoSystems(t: Parameters<typeof buildTestEnv>[0]) {
  const a = await buildTestEnv(t);
  const b = await buildTestEnv(t);
  const pki = testPki('Ủy ban nhân dân huyện A');
  const adminA = await buildUser(a, { roles: ['admin'] });
  const ubndA = await buildUnit(a, { code: '000.00.10.H41', name: 'Ủy ban nhân dân huyện A', shortName: 'UBND' });
  const clerkA = await buildUser(a, { unit: ubndA, roles: ['clerk'] });
  const leaderA = await buildUser(a, { unit: ubndA, roles: ['leader'], fullName: 'Nguyễn Văn Hùng', title: 'Chủ tịch' });
  await addAnchor(a, adminA, pki.ca);
  assert.equal((await installKey(a, clerkA, pki.seal, pki.ca, 'unit')).statusCode, 201);
  assert.equal((await installKey(a, leaderA, pki.leader, pki.ca, 'user')).statusCode, 201);
  const adminB = await buildUser(b, { roles: ['admin'] });
  const communeB = await buildUnit(b, { code: '000.01.20.H41', name: 'UBND xã B1', shortName: 'UBND' });
  const clerkB = await buildUser(b, { unit: communeB, roles: ['clerk'] });
  const leaderB = await buildUser(b, { unit: communeB, roles: ['leader'] });
  // B trusts A's CA, so A's signatures read "valid" there.
  await addAnchor(b, adminB, pki.ca);
  // Each system knows the other's unit from the directory.
  await syncDirectoryUnits(a.db, [{ organId: communeB.code, name: communeB.name, parentOrganId: null, systemId: 'b', systemName: 'Hệ thống B' }], a.clock());
  await syncDirectoryUnits(b.db, [{ organId: ubndA.code, name: ubndA.name, parentOrganId: null, systemId: 'a', systemName: 'Hệ thống A' }], b.clock());
  return { a, b, pki, ubndA, clerkA, leaderA, communeB, clerkB, leaderB };
}

test('a package exported by A and registered by hand on B: the same fields, files and valid signatures; the same package twice is one document', { timeout: 90_000 }, async (t) => {
  const s = await twoSystems(t);
  const remoteB = (await s.a.app.inject({ url: '/api/units?external=1', headers: s.clerkA.auth })).json().units.find((u: { code: string }) => u.code === s.communeB.code);
  const { doc } = await buildDocument(s.a, { author: s.clerkA, recipients: [remoteB.id], type: 'QĐ', subject: 'Quyết định về phòng chống lũ', urgency: 'flash', dueDate: '2026-12-15' });
  assert.equal((await s.a.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/sign`, headers: s.leaderA.auth })).statusCode, 200);
  const issued = await s.a.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: s.clerkA.auth });
  assert.equal(issued.statusCode, 200, issued.body);
  const notation = issued.json().document.notation;

  const exp = await s.a.app.inject({ url: `/api/documents/${doc.id}/edxml`, headers: s.clerkA.auth });
  assert.equal(exp.statusCode, 200, exp.body);
  assert.match(exp.headers['content-type'] as string, /application\/xml/);
  const pkg = exp.rawPayload;
  assert.match(pkg.toString('utf8', 0, 4000), /edXMLHeader/);
  assert.match(pkg.toString('utf8'), /<Signature xmlns="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#"/);

  const r = await xml(s.b, s.clerkB, pkg);
  assert.equal(r.statusCode, 202, r.body);
  const docB = r.json().documentId;
  const detail = (await s.b.app.inject({ url: `/api/documents/${docB}`, headers: s.clerkB.auth })).json();
  assert.equal(detail.document.subject, 'Quyết định về phòng chống lũ');
  assert.equal(detail.document.notation, notation);
  assert.equal(detail.document.type, 'QĐ');
  assert.equal(detail.document.urgency, 'flash');
  assert.equal(detail.document.dueDate, '2026-12-15');
  assert.equal(detail.document.issuerUnitId, (await s.b.app.inject({ url: '/api/units?external=1', headers: s.clerkB.auth })).json().units.find((u: { code: string }) => u.code === s.ubndA.code).id);
  // The clerk who registered it is a recipient of it, not its author: its delivery and actions are
  // there, and it is not among B's outgoing documents.
  assert.ok(detail.delivery, 'the registering clerk sees the delivery');
  assert.equal(detail.delivery.can.accept, true, JSON.stringify(detail.delivery.can));
  assert.equal((await s.b.app.inject({ url: '/api/outbox', headers: s.clerkB.auth })).json().items.some((d: { id: string }) => d.id === docB), false);
  // The PDF's two signatures (leader and seal) verify on B and in pdfsig.
  const main = detail.signatures.filter((x: { role: string }) => x.role === 'main');
  assert.deepEqual(main.map((x: { integrity: string; trust: string; revocation: string }) => [x.integrity, x.trust, x.revocation]), [['valid', 'trusted', 'good'], ['valid', 'trusted', 'good']]);
  const file = detail.files.find((f: { role: string }) => f.role === 'main');
  const bytes = (await s.b.app.inject({ url: `/api/documents/${docB}/files/${file.id}`, headers: s.clerkB.auth })).rawPayload;
  assert.equal((( await pdfsig(bytes, s.pki.ca)).match(/Signature is Valid/g) ?? []).length, 2);
  // It is in B's inbox as flash, and rings.
  const inbox = (await s.b.app.inject({ url: '/api/inbox', headers: s.clerkB.auth })).json().items;
  assert.equal(inbox[0].document.id, docB);
  assert.equal(inbox[0].signature, 'valid');
  const [{ alarms }] = (await s.b.db.execute(sql`select count(*)::int as alarms from urgent_alarms`)) as unknown as [{ alarms: number }];
  assert.equal(alarms, 1);
  // B queued "01 arrived" for A.
  const queued = (await s.b.db.execute(sql`select kind, status_code, to_organ_ids from exchange_outbox`)) as unknown as Array<{ kind: string; status_code: string; to_organ_ids: string[] }>;
  assert.deepEqual(queued.map((q) => [q.kind, q.status_code, q.to_organ_ids]), [['status', '01', [s.ubndA.code]]]);

  // Again: the same document, nothing new.
  const again = await xml(s.b, s.clerkB, pkg);
  assert.equal(again.statusCode, 202);
  assert.equal(again.json().documentId, docB);
  const [{ n }] = (await s.b.db.execute(sql`select count(*)::int as n from documents`)) as unknown as [{ n: number }];
  assert.equal(n, 1);

  // Only the issuer exports; a draft or a secret document never.
  assert.equal((await s.a.app.inject({ url: `/api/documents/${doc.id}/edxml`, headers: (await buildUser(s.a)).auth })).statusCode, 404);
  const { doc: draft } = await buildDocument(s.a, { author: s.clerkA, recipients: [remoteB.id] });
  assert.equal((await s.a.app.inject({ url: `/api/documents/${draft.id}/edxml`, headers: s.clerkA.auth })).statusCode, 409);
  const { doc: secret } = await buildDocument(s.a, { author: s.clerkA, recipients: [remoteB.id], secrecy: 'secret', files: [] });
  const sec = await s.a.app.inject({ url: `/api/documents/${secret.id}/edxml`, headers: s.clerkA.auth });
  assert.equal(sec.statusCode, 409);
  assert.match(sec.json().error.message, /mật/);
});

test('statuses travel back: B accepts (03), assigns (04), completes (06) — A\'s tracking moves as for a local recipient, each status once', { timeout: 90_000 }, async (t) => {
  const s = await twoSystems(t);
  const remoteB = (await s.a.app.inject({ url: '/api/units?external=1', headers: s.clerkA.auth })).json().units.find((u: { code: string }) => u.code === s.communeB.code);
  const { doc } = await buildDocument(s.a, { author: s.clerkA, recipients: [remoteB.id], urgency: 'flash' });
  assert.equal((await s.a.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: s.clerkA.auth })).statusCode, 200);
  const [edoc] = (await s.a.db.execute(sql`select * from exchange_outbox where kind = 'edoc'`)) as unknown as Array<Record<string, unknown>>;
  // The worker's package for the queued row, carried to B (here by hand, as the axis would).
  const { exchangeOutbox } = await import('../src/modules/dispatch/tables.js');
  const [row] = await s.a.db.select().from(exchangeOutbox).where(sql`${exchangeOutbox.id} = ${edoc!.id as string}`);
  const pkg = await bodyOf(await packageForOutbound(s.a.deps, row!));
  const imported = await importPackage(s.b.deps, Readable.from([pkg]), { axisDocId: 'axis-1' });
  assert.equal(imported.kind, 'edoc');
  const deliveryB = (await s.b.app.inject({ url: '/api/inbox', headers: s.clerkB.auth })).json().items[0].deliveryId;
  // "Đã nhận" at once — within the same second as the arrival's 01: still a package of its own.
  assert.equal((await s.b.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryB}/acknowledge`, headers: s.clerkB.auth })).statusCode, 200);
  assert.equal((await s.b.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryB}/accept`, headers: s.clerkB.auth })).statusCode, 200);
  const dept = await buildUnit(s.b, { kind: 'department', parentId: s.communeB.id });
  const staff = await buildUser(s.b, { unit: dept, roles: ['officer'] });
  assert.equal((await s.b.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryB}/assign`, headers: s.leaderB.auth, payload: { direction: 'Giao xử lý', lead: { userId: staff.user.id } } })).statusCode, 201);
  const work = (await s.b.app.inject({ url: '/api/assignments?mine=1', headers: staff.auth })).json().items[0];
  assert.equal((await s.b.app.inject({ method: 'POST', url: `/api/assignments/${work.id}/progress`, headers: staff.auth, payload: { note: 'Đã xong', done: true } })).statusCode, 200);

  // B's queue holds 01, 03, 04, 05, 06 for A; each travels as a status package.
  const statuses = await s.b.db.select().from(exchangeOutbox).where(sql`${exchangeOutbox.kind} = 'status'`).orderBy(exchangeOutbox.createdAt);
  assert.deepEqual(statuses.map((x) => x.statusCode), ['01', '01', '03', '04', '05', '06']);
  const stamp = (x: (typeof statuses)[number]) => Math.floor(Date.parse(String(x.data.timestamp)) / 1000);
  assert.notEqual(stamp(statuses[0]!), stamp(statuses[1]!), 'two 01 packages, two Timestamps');
  for (const st of statuses) {
    const body = await bodyOf(await packageForOutbound(s.b.deps, st));
    const res = await importPackage(s.a.deps, Readable.from([body]), { axisDocId: `axis-${st.id}` });
    assert.equal(res.kind, 'status');
    // Twice: once.
    assert.equal((await importPackage(s.a.deps, Readable.from([body]), { axisDocId: `axis-${st.id}` })).result, 'duplicate');
  }
  const tracking = (await s.a.app.inject({ url: `/api/documents/${doc.id}/tracking`, headers: s.clerkA.auth })).json().deliveries[0];
  assert.equal(tracking.status, 'completed');
  assert.ok(tracking.acknowledgedAt, 'the flash acknowledgement reached A');
  assert.deepEqual(tracking.history.map((h: { code: string | null }) => h.code).filter(Boolean), ['01', '03', '04', '05', '06']);
  assert.ok(tracking.history.some((h: { event: string }) => h.event === 'acknowledged'));
  // A status for a document A never sent is refused.
  const stray = Buffer.from((await bodyOf(await packageForOutbound(s.b.deps, statuses[1]!))).toString('utf8').replaceAll(s.ubndA.code + ',', '000.00.99.H41,'));
  await assert.rejects(importPackage(s.a.deps, Readable.from([stray]), { axisDocId: 'axis-stray' }), /never sent|không do hệ thống này gửi/);
});

test('bad packages registered by hand: 4xx naming the problem, nothing stored', async (t) => {
  const env = await buildTestEnv(t);
  const unit = await buildUnit(env);
  const clerk = await buildUser(env, { unit, roles: ['clerk'] });
  const officer = await buildUser(env, { unit, roles: ['officer'] });
  const count = async () => ((await env.db.execute(sql`select (select count(*)::int from documents) + (select count(*)::int from blobs) as n`)) as unknown as [{ n: number }])[0].n;
  const before = await count();
  const cases: Array<[string, string | Buffer, number, RegExp?]> = [
    ['malformed', '<edXML><edXMLEnvelope><edXMLHeader>', 400],
    ['xxe', '<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><edXML>&x;</edXML>', 400, /DOCTYPE|DTD/i],
    ['billion laughs', '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><edXML>&lol2;</edXML>', 400],
    ['not edxml', '<html><body>hello</body></html>', 400],
  ];
  for (const [what, body, status, pattern] of cases) {
    const r = await xml(env, clerk, body);
    assert.equal(r.statusCode, status, `${what}: ${r.body}`);
    assert.ok(r.json().error.message.length > 0);
    if (pattern) assert.match(r.json().error.message, pattern, what);
  }
  assert.equal((await xml(env, clerk, '{"a":1}', 'application/json')).statusCode, 415);
  // A well-formed package, but base64 that is not base64.
  const good = await bodyOf(writeDocumentPackage({
    from: { organId: '000.00.50.H41', organName: 'UBND huyện C' }, to: [{ organId: unit.code }],
    documentId: '000.00.50.H41,2026/11/30,7/UBND-VP', code: { codeNumber: '7', codeNotation: 'UBND-VP' }, subject: 'Công văn thử', otherInfo: { priority: 0 },
  }, [{ contentId: 'f1', name: 'cv.pdf', contentType: 'application/pdf', open: () => Readable.from([makePdf('cv')]) }]));
  const mangled = good.toString('utf8').replace(/(<ContentTransferEncoded>)([A-Za-z0-9+/]{8})/, '$1!!!!$2');
  const bad64 = await xml(env, clerk, mangled);
  assert.equal(bad64.statusCode, 400, bad64.body);
  // An officer cannot register incoming documents.
  assert.equal((await xml(env, officer, good)).statusCode, 403);
  assert.equal(await count(), before, 'nothing was stored');
  // The same package, well formed and unsigned: accepted, and the timeline says it was unsigned.
  const ok = await xml(env, clerk, good);
  assert.equal(ok.statusCode, 202, ok.body);
  const events = (await env.app.inject({ url: `/api/documents/${ok.json().documentId}`, headers: clerk.auth })).json().events;
  const received = events.find((e: { type: string }) => e.type === 'document.received');
  assert.equal(received.data.headerSignature.signed, false);
});
