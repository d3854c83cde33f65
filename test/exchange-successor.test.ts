// A unit that ended in a reorganisation, across the exchange: the directory carries its last day
// and its successor; a package still addressed to it reaches the successor — within the system that
// served it (B merged xã Sơn Tây into xã Sơn Trung), and across systems (system A's dissolved unit
// whose successor is B's: the axis forwards it) — and the answer says so.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Readable } from 'node:stream';
import { buildTestEnv } from './helpers/app.js';
import { basic } from './helpers/axis.js';
import { buildUnit, buildUser } from './helpers/factories.js';
import { listen } from './helpers/sockets.js';
import { makePdf } from './helpers/pdf.js';
import { readPackage, writeDocumentPackage } from '../src/modules/exchange/edxml/index.js';
import { findUnitByCode } from '../src/modules/orgs/units.js';
import { reorganise } from '../src/workflows/reorganise.js';

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function bytes(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

const A1 = '000.00.10.H42';
const A2 = '000.01.10.H42';

test('ended units in the axis directory; packages to them reach the successor, in B and forwarded by the axis; the 01 answer names both', { timeout: 120_000 }, async (t) => {
  const hub = await buildTestEnv(t, { axis: true }, { realClock: true });
  const hubUrl = await listen(hub);
  const admin = await buildUser(hub, { roles: ['admin'] });
  const addSystem = async (systemId: string) => {
    const r = await hub.app.inject({ method: 'POST', url: '/api/axis/systems', headers: admin.auth, payload: { systemId, name: systemId } });
    assert.equal(r.statusCode, 201, r.body);
    return { secret: r.json().secret as string, auth: basic(systemId, r.json().secret as string) };
  };
  const authA = (await addSystem('he-thong-a')).auth;
  const { secret: secretB } = await addSystem('he-thong-b');
  const b = await buildTestEnv(t, { axisClient: { url: hubUrl, systemId: 'he-thong-b', secret: secretB } }, { realClock: true });
  const sonTay = await buildUnit(b, { code: '000.32.31.H41', name: 'Ủy ban nhân dân xã Sơn Tây', shortName: 'UBND' });
  const sonTrung = await buildUnit(b, { code: '000.00.41.H41', name: 'Ủy ban nhân dân xã Sơn Trung', shortName: 'UBND' });
  const clerk = await buildUser(b, { unit: sonTrung, roles: ['clerk'] });
  await reorganise(b.db, null, { effectiveOn: '2025-07-01', changes: [{ kind: 'merge', unitIds: [sonTay.id], into: { unitId: sonTrung.id } }] }, new Date());

  // A serves A1 and publishes A2, dissolved on 1 July 2025 into B's xã Sơn Trung; B publishes Sơn Tây as ended.
  const put = await hub.app.inject({
    method: 'PUT', url: '/axis/v1/directory', headers: authA,
    payload: { units: [{ organId: A1, name: 'UBND huyện A' }, { organId: A2, name: 'UBND xã A2', parentOrganId: A1, validTo: '2025-06-30', successorOrganId: sonTrung.code }] },
  });
  assert.equal(put.statusCode, 200, put.body);
  const bad = await hub.app.inject({ method: 'PUT', url: '/axis/v1/directory', headers: authA, payload: { units: [{ organId: A2, name: 'X', validTo: '2025-02-30' }] } });
  assert.equal(bad.statusCode, 400);
  await b.app.exchange!.refreshDirectory();
  const directory = (await hub.app.inject({ url: '/axis/v1/directory', headers: authA })).json().units as Array<Record<string, unknown>>;
  const entry = (organId: string) => directory.find((u) => u.organId === organId)!;
  assert.deepEqual([entry(sonTay.code).validTo, entry(sonTay.code).successorOrganId, entry(sonTay.code).systemId], ['2025-06-30', sonTrung.code, 'he-thong-b']);
  assert.deepEqual([entry(sonTrung.code).validTo, entry(sonTrung.code).successorOrganId], [undefined, undefined]);
  assert.deepEqual([entry(A2).validTo, entry(A2).successorOrganId], ['2025-06-30', sonTrung.code]);
  // B keeps A2 as an ended unit of A, succeeded by its own Sơn Trung.
  const a2AtB = (await findUnitByCode(b.db, A2))!;
  assert.equal(a2AtB.successorId, sonTrung.id);
  assert.ok(a2AtB.dissolvedAt, 'not a recipient any more');

  const send = async (to: string, documentId: string, subject: string) => {
    const pkg = await bytes(writeDocumentPackage({
      from: { organId: A1, organName: 'UBND huyện A' }, to: [{ organId: to, organName: to }], documentId,
      code: { codeNumber: documentId.split(',')[2]!.split('/')[0]!, codeNotation: 'UBND' }, promulgationInfo: { place: 'A', promulgationDate: '2026/11/30' },
      documentType: { type: '1', typeName: 'Công văn' }, subject, otherInfo: { priority: 3 }, traceHeaders: [{ organId: A1, timestamp: '2026/11/30 08:00:00' }],
    }, [{ contentId: 'f1', name: 'cong-van.pdf', contentType: 'application/pdf', open: () => Readable.from([makePdf(subject)]) }]));
    const r = await hub.app.inject({ method: 'POST', url: '/axis/v1/edocs', headers: { ...authA, 'content-type': 'application/xml' }, payload: pkg });
    assert.equal(r.statusCode, 202, r.body);
    return r.json().docId as string;
  };
  // 1. To B's merged commune: B delivers it to Sơn Trung. 2. To A's dissolved unit: the axis forwards it to B.
  await send(sonTay.code, `${A1},2026/11/30,7/UBND`, 'Gửi xã Sơn Tây (đã sáp nhập)');
  const forwarded = await send(A2, `${A1},2026/11/30,8/UBND`, 'Gửi xã A2 (đã giải thể)');
  const sent = (await hub.app.inject({ url: '/axis/v1/sent', headers: authA })).json().items as Array<{ docId: string; to: string; transport: string; reason?: string }>;
  assert.deepEqual(sent.filter((i) => i.docId === forwarded).map((i) => [i.to, i.transport, i.reason]), [[A2, 'queued', `forwarded_to_successor:${sonTrung.code}`]]);

  const inbox = await until('both at Sơn Trung', async () => {
    const items = (await b.app.inject({ url: '/api/inbox', headers: clerk.auth })).json().items as Array<{ document: { subject: string } }>;
    return items.length === 2 && items;
  });
  assert.deepEqual(inbox.map((i) => i.document.subject).sort(), ['Gửi xã A2 (đã giải thể)', 'Gửi xã Sơn Tây (đã sáp nhập)']);

  // A's answers: 01 for each; the one about Sơn Tây comes in its name and says where it went.
  const statuses = await until('two status packages for A', async () => {
    const items = (await hub.app.inject({ url: '/axis/v1/edocs?messagetype=status', headers: authA })).json().items as Array<{ docId: string }>;
    return items.length >= 2 && items;
  });
  const answers = [];
  for (const s of statuses) {
    const xml = (await hub.app.inject({ url: `/axis/v1/edocs/${s.docId}`, headers: authA })).rawPayload;
    const read = await readPackage(Readable.from([xml]), { maxBytes: 1e7, maxAttachmentBytes: 1e7, onAttachment: async (_i, st) => { st.resume(); } });
    assert.equal(read.kind, 'status');
    if (read.kind === 'status') answers.push({ from: read.header.from.organId, code: read.header.statusCode, description: read.header.description ?? '' });
  }
  const aboutSonTay = answers.find((a) => a.from === sonTay.code)!;
  assert.ok(aboutSonTay, JSON.stringify(answers));
  assert.equal(aboutSonTay.code, '01');
  assert.match(aboutSonTay.description, /^Đơn vị Ủy ban nhân dân xã Sơn Tây đã sáp nhập vào Ủy ban nhân dân xã Sơn Trung; đã chuyển đến Ủy ban nhân dân xã Sơn Trung/);
  const aboutA2 = answers.find((a) => a.from === sonTrung.code)!;
  assert.match(aboutA2.description, /^Đơn vị UBND xã A2 đã sáp nhập vào Ủy ban nhân dân xã Sơn Trung/);
});
