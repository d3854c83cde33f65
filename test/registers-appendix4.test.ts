// Issue 12 point 4: the registers per NĐ 30 appendix IV — the outgoing register's signer of record
// and "Ký nhận", paper recipients in "Nơi nhận" and tracking, the follow-up register's 7 columns, a
// paper document's sender as the incoming register's author; the same columns in JSON, CSV and PDF.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import { documents } from '../src/modules/documents/tables.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, type TestUser } from './helpers/factories.js';
import { makePdf, multipart } from './helpers/pdf.js';
import { addAnchor, installKey, run, testPki } from './helpers/signing.js';

const buildEnv = (t: Parameters<typeof buildTestEnv>[0]) => buildTestEnv(t, { tokenTtlSeconds: 400 * 86_400 });

const OUTGOING_COLUMNS = [
  'Số, ký hiệu văn bản', 'Ngày tháng văn bản', 'Tên loại và trích yếu nội dung', 'Người ký', 'Nơi nhận văn bản',
  'Đơn vị, người nhận bản lưu', 'Số lượng bản', 'Ngày chuyển', 'Ký nhận', 'Ghi chú',
];
const INCOMING_COLUMNS = [
  'Ngày đến', 'Số đến', 'Tác giả', 'Số, ký hiệu', 'Ngày tháng văn bản', 'Tên loại và trích yếu nội dung',
  'Đơn vị hoặc người nhận', 'Ngày chuyển', 'Ký nhận', 'Ghi chú',
];
const FOLLOW_UP_COLUMNS = [
  'Số đến', 'Tên loại, số, ký hiệu, ngày tháng và tác giả văn bản', 'Đơn vị/người giải quyết', 'Thời hạn giải quyết',
  'Tiến độ giải quyết', 'Số, ký hiệu văn bản trả lời', 'Ghi chú',
];

const issue = async (env: TestEnv, clerk: TestUser, id: string) => {
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${id}/issue`, headers: clerk.auth, payload: {} });
  assert.equal(r.statusCode, 200, r.body);
  return r.json().document as { id: string; notation: string };
};

async function accept(env: TestEnv, clerk: TestUser, docId: string) {
  const items = (await env.app.inject({ url: '/api/inbox?limit=200', headers: clerk.auth })).json().items as Array<{ deliveryId: string; document: { id: string } }>;
  const deliveryId = items.find((i) => i.document.id === docId)!.deliveryId;
  const r = await env.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryId}/accept`, headers: clerk.auth });
  assert.equal(r.statusCode, 200, r.body);
  return { deliveryId, incomingNumber: r.json().incomingNumber as number };
}

async function register(env: TestEnv, who: TestUser, kind: string, query = '') {
  const r = await env.app.inject({ url: `/api/registers/${kind}${query ? `?${query}` : ''}`, headers: who.auth });
  assert.equal(r.statusCode, 200, r.body);
  return r.json().register as { columns: string[]; rows: string[][] };
}

/** The register's CSV parsed back, and the PDF's text (poppler), for the same register. */
async function otherFormats(env: TestEnv, who: TestUser, kind: string, query: string) {
  const csv = await env.app.inject({ url: `/api/registers/${kind}?format=csv&${query}`, headers: who.auth });
  assert.equal(csv.statusCode, 200, csv.body);
  const pdf = await env.app.inject({ url: `/api/registers/${kind}?format=pdf&${query}`, headers: who.auth });
  assert.equal(pdf.statusCode, 200, pdf.body);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'appendix4-'));
  try {
    await fs.writeFile(path.join(dir, 'r.pdf'), pdf.rawPayload);
    const text = (await run('pdftotext', [path.join(dir, 'r.pdf'), '-'])).stdout;
    return { csv: parse(csv.rawPayload.toString('utf8').slice(1)) as string[][], pdfText: text.replace(/\s+/g, ' ') };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Every word of every column heading is in the PDF's text (headings wrap inside their cells). */
function assertHeadings(pdfText: string, columns: string[]) {
  for (const c of columns) for (const w of c.split(/[\s/]+/)) assert.ok(pdfText.includes(w.replace(/,/g, '')), `"${w}" of "${c}" in the PDF`);
}

test('outgoing register: the signer of record (signed through the API; competence line), paper recipients, "Lưu: VT, <drafting unit>", copies, ký nhận — in JSON, CSV and PDF; tracking lists paper recipients', async (t) => {
  const env = await buildEnv(t);
  // After the test certificates' notBefore (made now): signing checks their validity at the clock.
  env.clock.set('2026-12-02T02:00:00Z');
  const pki = testPki('Ủy ban nhân dân huyện Sơn Tây');
  const admin = await buildUser(env, { roles: ['admin'] });
  const district = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Sơn Tây', shortName: 'UBND' });
  const office = await buildUnit(env, { name: 'Văn phòng HĐND và UBND', shortName: 'VP', kind: 'department', parentId: district.id });
  const clerk = await buildUser(env, { unit: district, roles: ['clerk'] });
  const leader = await buildUser(env, { unit: district, roles: ['leader'], fullName: 'Trần Văn B', title: 'Phó Chủ tịch' });
  const a = await buildUnit(env, { name: 'Ủy ban nhân dân xã A', code: '000.01.31.H41' });
  const b = await buildUnit(env, { name: 'Ủy ban nhân dân xã B', code: '000.02.31.H41' });
  const aClerk = await buildUser(env, { unit: a, roles: ['clerk'] });
  assert.equal((await addAnchor(env, admin, pki.ca)).statusCode, 201);
  assert.equal((await installKey(env, leader, pki.leader, pki.ca, 'user')).statusCode, 201);

  const { doc: draft } = await buildDocument(env, { author: clerk, type: 'QĐ', subject: 'Về việc phê duyệt kế hoạch', recipients: [a.id, b.id], draftingUnitId: office.id });
  await env.db.update(documents).set({ paperRecipients: [{ unitId: null, name: 'Công an huyện' }] }).where(eq(documents.id, draft.id));
  const signed = await env.app.inject({ method: 'POST', url: `/api/documents/${draft.id}/sign`, headers: leader.auth, payload: {} });
  assert.equal(signed.statusCode, 200, signed.body);
  const decision = await issue(env, clerk, draft.id);
  const { doc: unsignedDraft } = await buildDocument(env, { author: clerk, subject: 'Về việc chưa ký', recipients: [a.id] });
  const unsigned = await issue(env, clerk, unsignedDraft.id);
  env.clock.set('2026-12-03T02:00:00Z');
  await accept(env, aClerk, decision.id);

  const q = 'from=2026-12-01&to=2026-12-31';
  const reg = await register(env, clerk, 'outgoing', q);
  assert.deepEqual(reg.columns, OUTGOING_COLUMNS);
  const signer = reg.rows[0]![3]!;
  assert.match(signer, /Trần Văn B$/, 'the leader who signed is the signer of record');
  assert.deepEqual(reg.rows[0], [
    decision.notation, '02/12/2026', 'Quyết định: Về việc phê duyệt kế hoạch', signer,
    'Ủy ban nhân dân xã A, Ủy ban nhân dân xã B, Công an huyện (bản giấy)', 'Lưu: VT, VP', '3', '02/12/2026',
    '1/2 đã nhận (03/12/2026)\nCông an huyện: ……………', '',
  ]);
  assert.deepEqual(reg.rows[1], [unsigned.notation, '02/12/2026', 'Công văn: Về việc chưa ký', '', 'Ủy ban nhân dân xã A', 'Lưu: VT', '1', '02/12/2026', '0/1 đã nhận', '']);

  // With a competence line recorded, "Người ký" carries it: KT. <title> <name>.
  await env.db.update(documents).set({ signedBy: leader.user.id, signerCompetence: 'KT' }).where(eq(documents.id, decision.id));
  const withCompetence = await register(env, clerk, 'outgoing', q);
  assert.equal(withCompetence.rows[0]![3], 'KT. Phó Chủ tịch Trần Văn B');

  const { csv, pdfText } = await otherFormats(env, clerk, 'outgoing', q);
  assert.deepEqual(csv, [withCompetence.columns, ...withCompetence.rows]);
  assertHeadings(pdfText, OUTGOING_COLUMNS);
  for (const s of ['KT. Phó Chủ tịch Trần Văn B', 'Công an huyện (bản giấy)', 'Lưu: VT, VP', '1/2 đã nhận (03/12/2026)', decision.notation]) {
    assert.ok(pdfText.includes(s), `${s} in the PDF: ${pdfText}`);
  }

  // Tracking: paper recipients as "gửi giấy" entries, no delivery status.
  const tracking = (await env.app.inject({ url: `/api/documents/${decision.id}/tracking`, headers: clerk.auth })).json();
  assert.equal(tracking.deliveries.length, 2);
  assert.deepEqual(tracking.paperRecipients, [{ unitId: null, name: 'Công an huyện', transport: 'paper' }]);
});

test('incoming and follow-up registers: a paper document’s sender is the author; the follow-up register has the 7 columns of appendix IV with lead and cooperating, progress and the reply', async (t) => {
  const env = await buildEnv(t);
  env.clock.set('2026-04-06T02:00:00Z');
  const commune = await buildUnit(env, { name: 'Ủy ban nhân dân xã Tây Phương', shortName: 'UBND' });
  const office = await buildUnit(env, { name: 'Văn phòng', shortName: 'VP', kind: 'department', parentId: commune.id });
  const clerk = await buildUser(env, { unit: commune, roles: ['clerk'] });
  const leader = await buildUser(env, { unit: commune, roles: ['leader'] });
  const officer = await buildUser(env, { unit: office, roles: ['officer'], fullName: 'Lê Văn Minh' });
  const person = await buildUser(env, { unit: commune, roles: ['officer'], fullName: 'Phạm Thị Hoa' });
  const district = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Sơn Tây', shortName: 'UBND' });
  const districtClerk = await buildUser(env, { unit: district, roles: ['clerk'] });

  // A paper letter from a citizen, registered by the clerk.
  const form = multipart([
    { name: 'type', data: 'CV' }, { name: 'subject', data: 'Đề nghị sửa đường thôn Đông' }, { name: 'senderName', data: 'Ông Nguyễn Văn An, thôn Đông' },
    { name: 'notation', data: 'ĐN/2026' }, { name: 'signedOn', data: '2026-04-01' },
    { name: 'file', filename: 'scan.pdf', type: 'application/pdf', data: makePdf('scan') },
  ]);
  const paper = await env.app.inject({ method: 'POST', url: '/api/incoming/paper', headers: { ...clerk.auth, ...form.headers }, payload: form.payload });
  assert.equal(paper.statusCode, 201, paper.body);
  const { deliveryId: paperDelivery } = paper.json() as { deliveryId: string };

  const { doc: planDraft } = await buildDocument(env, { author: districtClerk, type: 'KH', subject: 'Kế hoạch phòng chống lụt bão', recipients: [commune.id] });
  const plan = await issue(env, districtClerk, planDraft.id);
  const { deliveryId } = await accept(env, clerk, plan.id);
  const assigned = await env.app.inject({
    method: 'POST', url: `/api/deliveries/${deliveryId}/assign`, headers: leader.auth,
    payload: { direction: 'Văn phòng chủ trì', lead: { unitId: office.id, dueDate: '2026-04-20' }, cooperating: [{ userId: person.user.id, dueDate: '2026-04-20' }] },
  });
  assert.equal(assigned.statusCode, 201, assigned.body);
  const lead = (assigned.json().assignments as Array<{ id: string; role: string }>).find((x) => x.role === 'lead')!.id;
  env.clock.set('2026-04-07T02:00:00Z');
  const p = await env.app.inject({ method: 'POST', url: `/api/assignments/${lead}/progress`, headers: officer.auth, payload: { note: 'Đã triển khai đến các thôn' } });
  assert.equal(p.statusCode, 200, p.body);
  const { doc: replyDraft } = await buildDocument(env, { author: clerk, type: 'BC', subject: 'Kết quả', recipients: [district.id], respondsTo: plan.id });
  const reply = await issue(env, clerk, replyDraft.id);

  const q = 'from=2026-04-01&to=2026-04-30';
  const incoming = await register(env, clerk, 'incoming', q);
  assert.deepEqual(incoming.columns, INCOMING_COLUMNS);
  assert.deepEqual(incoming.rows[0], [
    '06/04/2026', '1', 'Ông Nguyễn Văn An, thôn Đông', 'ĐN/2026', '01/04/2026', 'Công văn: Đề nghị sửa đường thôn Đông', '', '', '', 'Đã tiếp nhận; Văn bản giấy',
  ]);
  assert.deepEqual(incoming.rows[1], [
    '06/04/2026', '2', 'Ủy ban nhân dân huyện Sơn Tây', plan.notation, '06/04/2026', 'Kế hoạch: Kế hoạch phòng chống lụt bão',
    'Văn phòng', '06/04/2026', 'Đã nhận 07/04/2026', 'Đang xử lý',
  ]);
  void paperDelivery;

  const followUp = await register(env, leader, 'follow-up', q);
  assert.deepEqual(followUp.columns, FOLLOW_UP_COLUMNS);
  assert.deepEqual(followUp.rows, [[
    '2', `Kế hoạch số ${plan.notation} ngày 06/04/2026 của Ủy ban nhân dân huyện Sơn Tây\nKế hoạch phòng chống lụt bão`,
    'Chủ trì: Văn phòng; Phối hợp: Phạm Thị Hoa', '20/04/2026', '07/04/2026: Đã triển khai đến các thôn',
    reply.notation, 'Đang xử lý',
  ]]);
  // Reported in the same instant as the previous note: the completing report is still the latest.
  const done = await env.app.inject({ method: 'POST', url: `/api/assignments/${lead}/progress`, headers: officer.auth, payload: { note: 'Xong', done: true } });
  assert.equal(done.statusCode, 200, done.body);
  const after = await register(env, leader, 'follow-up', q);
  assert.deepEqual([after.rows[0]![4], after.rows[0]![6]], ['Hoàn thành ngày 07/04/2026: Xong', 'Hoàn thành']);

  for (const [kind, columns, rows] of [['incoming', INCOMING_COLUMNS, (await register(env, clerk, 'incoming', q)).rows], ['follow-up', FOLLOW_UP_COLUMNS, after.rows]] as const) {
    const { csv, pdfText } = await otherFormats(env, clerk, kind, q);
    assert.deepEqual(csv, [columns, ...rows]);
    assertHeadings(pdfText, [...columns]);
  }
});
