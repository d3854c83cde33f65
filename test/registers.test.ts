import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { eq, inArray } from 'drizzle-orm';
import { documentFiles, documents } from '../src/modules/documents/tables.js';
import { fileVerdicts } from '../src/modules/signing/tables.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, type TestUser } from './helpers/factories.js';
import { addAnchor, installKey, run, testPki } from './helpers/signing.js';

// Tests move the clock by days and months: sessions must outlive that.
const buildEnv = (t: Parameters<typeof buildTestEnv>[0]) => buildTestEnv(t, { tokenTtlSeconds: 400 * 86_400 });

const SUBJECT = 'Về việc tăng cường phòng, chống dịch bệnh mùa đông – xuân';
const QUOTED = 'Về việc tổ chức "Ngày hội đại đoàn kết", năm 2026';

async function issue(env: TestEnv, author: TestUser, recipients: string[], o: { type?: string; subject?: string; urgency?: 'flash'; signerId?: string; respondsTo?: string } = {}) {
  const { doc } = await buildDocument(env, { author, recipients, ...o });
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: author.auth, payload: {} });
  assert.equal(r.statusCode, 200, r.body);
  return r.json().document as { id: string; notation: string };
}

/** The delivery of `docId` in `clerk`'s inbox. */
async function deliveryOf(env: TestEnv, clerk: TestUser, docId: string): Promise<string> {
  const items = (await env.app.inject({ url: '/api/inbox?limit=200', headers: clerk.auth })).json().items as Array<{ deliveryId: string; document: { id: string } }>;
  return items.find((i) => i.document.id === docId)!.deliveryId;
}

async function accept(env: TestEnv, clerk: TestUser, docId: string): Promise<{ deliveryId: string; incomingNumber: number }> {
  const deliveryId = await deliveryOf(env, clerk, docId);
  const r = await env.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryId}/accept`, headers: clerk.auth });
  assert.equal(r.statusCode, 200, r.body);
  return { deliveryId, incomingNumber: r.json().incomingNumber };
}

async function assign(env: TestEnv, leader: TestUser, deliveryId: string, lead: { unitId?: string; userId?: string; dueDate?: string }) {
  const r = await env.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryId}/assign`, headers: leader.auth, payload: { direction: 'Giao chủ trì tham mưu thực hiện', lead } });
  assert.equal(r.statusCode, 201, r.body);
  return (r.json().assignments as Array<{ id: string; role: string }>).find((a) => a.role === 'lead')!.id;
}

const register = async (env: TestEnv, who: TestUser, kind: string, query = '') => {
  const r = await env.app.inject({ url: `/api/registers/${kind}${query ? `?${query}` : ''}`, headers: who.auth });
  assert.equal(r.statusCode, 200, r.body);
  return r.json().register as { title: string; unit: { id: string; name: string }; from: string; to: string; columns: string[]; rows: string[][] };
};

/** pdftotext -layout, pdfinfo and pdffonts on a PDF written to a temp file. */
async function popplerReport(pdf: Buffer) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'register-pdf-'));
  try {
    const file = path.join(dir, 'register.pdf');
    await fs.writeFile(file, pdf);
    const [text, info, fonts] = await Promise.all([run('pdftotext', ['-layout', file, '-']), run('pdfinfo', [file]), run('pdffonts', [file])]);
    return { text: text.stdout, info: info.stdout, fonts: fonts.stdout };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

test('the incoming register: accepted deliveries by số đến, identical in JSON and CSV (BOM, RFC 4180), and an A4 landscape PDF with embedded fonts', async (t) => {
  const env = await buildEnv(t);
  env.clock.set('2026-03-09T03:00:00Z'); // 10:00 on 09/03 in Vietnam
  const district = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Sơn Tây' });
  const issuer = await buildUser(env, { unit: district });
  const commune = await buildUnit(env, { name: 'Ủy ban nhân dân xã Tây Phương' });
  const office = await buildUnit(env, { name: 'Văn phòng HĐND và UBND xã', shortName: 'VP', kind: 'department', parentId: commune.id });
  const clerk = await buildUser(env, { unit: commune, roles: ['clerk'] });
  const leader = await buildUser(env, { unit: commune, roles: ['leader'], fullName: 'Trần Thị Lan' });
  const plan = await issue(env, issuer, [commune.id], { type: 'KH', subject: SUBJECT });
  const quoted = await issue(env, issuer, [commune.id], { subject: QUOTED });
  const report = await issue(env, issuer, [commune.id], { type: 'BC', subject: 'Kết quả thu ngân sách quý I' });

  assert.equal((await accept(env, clerk, report.id)).incomingNumber, 1);
  env.clock.set('2026-03-09T17:30:00Z'); // 00:30 on 10/03 in Vietnam
  const planDelivery = await accept(env, clerk, plan.id);
  assert.equal(planDelivery.incomingNumber, 2);
  assert.equal((await accept(env, clerk, quoted.id)).incomingNumber, 3);
  env.clock.set('2026-03-10T02:00:00Z');
  await assign(env, leader, planDelivery.deliveryId, { unitId: office.id, dueDate: '2026-03-20' });

  // Default range: the Vietnam year to date. Any role of the unit may read it.
  const json = await register(env, leader, 'incoming');
  assert.equal(json.title, 'Sổ đăng ký văn bản đến');
  assert.deepEqual(json.unit, { id: commune.id, name: 'Ủy ban nhân dân xã Tây Phương' });
  assert.deepEqual([json.from, json.to], ['2026-01-01', '2026-03-10']);
  assert.deepEqual(json.columns, [
    'Ngày đến', 'Số đến', 'Tác giả', 'Số, ký hiệu', 'Ngày tháng văn bản', 'Tên loại và trích yếu nội dung',
    'Đơn vị hoặc người nhận', 'Ngày chuyển', 'Ký nhận', 'Ghi chú',
  ]);
  assert.deepEqual(json.rows.map((r) => r[1]), ['1', '2', '3']);
  assert.deepEqual(json.rows[1], [
    '09/03/2026', '2', 'Ủy ban nhân dân huyện Sơn Tây', plan.notation, '09/03/2026', `Kế hoạch: ${SUBJECT}`,
    'Văn phòng HĐND và UBND xã', '10/03/2026', '', 'Đã phân công',
  ]);
  assert.deepEqual(json.rows[2]!.slice(5), [`Công văn: ${QUOTED}`, '', '', '', 'Đã tiếp nhận']);
  // Vietnam days: accepted at 17:30 UTC on the 9th is the 10th.
  assert.deepEqual((await register(env, clerk, 'incoming', 'from=2026-03-10&to=2026-03-10')).rows.map((r) => r[1]), ['2', '3']);
  assert.deepEqual((await register(env, clerk, 'incoming', 'from=2026-03-09&to=2026-03-09')).rows.map((r) => r[1]), ['1']);

  const csv = await env.app.inject({ url: '/api/registers/incoming?format=csv', headers: clerk.auth });
  assert.equal(csv.statusCode, 200);
  assert.match(csv.headers['content-type'] as string, /^text\/csv; charset=utf-8/);
  assert.equal(csv.headers['content-disposition'], "attachment; filename*=UTF-8''so-van-ban-den-2026.csv");
  assert.deepEqual([...csv.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = csv.rawPayload.toString('utf8').slice(1);
  assert.ok(text.startsWith(`Ngày đến,Số đến,Tác giả,"Số, ký hiệu",Ngày tháng văn bản,Tên loại và trích yếu nội dung,Đơn vị hoặc người nhận,Ngày chuyển,Ký nhận,Ghi chú\r\n`));
  assert.ok(text.includes(`,"Công văn: Về việc tổ chức ""Ngày hội đại đoàn kết"", năm 2026",`), text);
  assert.ok(text.endsWith('\r\n') && !/[^\r]\n/.test(text), 'every line ends with CRLF');
  assert.deepEqual(parse(text, { relax_column_count: false }), [json.columns, ...json.rows]);

  const pdf = await env.app.inject({ url: '/api/registers/incoming?format=pdf', headers: clerk.auth });
  assert.equal(pdf.statusCode, 200, pdf.body);
  assert.equal(pdf.headers['content-type'], 'application/pdf');
  assert.equal(pdf.headers['content-disposition'], "attachment; filename*=UTF-8''so-van-ban-den-2026.pdf");
  const { text: pdfText, info, fonts } = await popplerReport(pdf.rawPayload);
  assert.ok(pdfText.includes('Sổ đăng ký văn bản đến'), pdfText);
  assert.ok(pdfText.includes('SỔ ĐĂNG KÝ VĂN BẢN ĐẾN'), pdfText);
  assert.ok(pdfText.includes('Ủy ban nhân dân xã Tây Phương'));
  assert.ok(pdfText.includes('Từ ngày 01/01/2026 đến ngày 10/03/2026'));
  assert.ok(pdfText.includes(SUBJECT), pdfText);
  assert.ok(pdfText.includes(plan.notation));
  assert.ok(pdfText.includes('Trang 1/1'));
  const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info)!;
  assert.deepEqual([Math.round(Number(size[1])), Math.round(Number(size[2]))], [842, 595], info);
  assert.match(info, /Pages:\s+1\n/);
  const fontRows = fonts.split('\n').slice(2).filter(Boolean);
  assert.ok(fontRows.length >= 2, fonts);
  for (const row of fontRows) assert.match(row, /DejaVuSerif.*\byes\s+yes\s+yes\b/, fonts); // emb, sub, uni
});

test('a long register flows over several pages, repeating the header row, numbered "Trang i/n"', async (t) => {
  const env = await buildEnv(t);
  env.clock.set('2026-05-04T02:00:00Z');
  const issuer = await buildUser(env, { unit: await buildUnit(env, { name: 'Huyện ủy Sơn Tây', shortName: 'HU', kind: 'party' }) });
  const commune = await buildUnit(env, { name: 'Đảng ủy xã Tây Phương' });
  const clerk = await buildUser(env, { unit: commune });
  for (let i = 1; i <= 120; i++) {
    const doc = await issue(env, issuer, [commune.id], { subject: `${SUBJECT} (đợt ${i})` });
    await accept(env, clerk, doc.id);
  }
  const json = await register(env, clerk, 'incoming');
  assert.equal(json.rows.length, 120);
  assert.deepEqual(json.rows.map((r) => Number(r[1])), Array.from({ length: 120 }, (_, i) => i + 1));

  const pdf = await env.app.inject({ url: '/api/registers/incoming?format=pdf', headers: clerk.auth });
  assert.equal(pdf.statusCode, 200, pdf.body);
  const { text, info } = await popplerReport(pdf.rawPayload);
  const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
  assert.ok(pages >= 3, info);
  assert.equal(text.match(/Tác giả/g)?.length, pages, 'the column header repeats on every page');
  assert.ok(text.includes(`Trang 1/${pages}`) && text.includes(`Trang ${pages}/${pages}`));
  for (const i of [1, 60, 120]) assert.ok(text.includes(`(đợt ${i})`), `row ${i} is in the PDF`);
});

test('the outgoing register lists only the unit’s own issued documents in the range; another unit gets its own, empty register', async (t) => {
  const env = await buildEnv(t);
  env.clock.set('2025-12-31T16:30:00Z'); // 31/12/2025 23:30 in Vietnam: last year
  const unit = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Sơn Tây', shortName: 'UBND' });
  const clerk = await buildUser(env, { unit, roles: ['clerk'] });
  const chair = await buildUser(env, { unit, roles: ['leader'], fullName: 'Nguyễn Văn Hùng' });
  const a = await buildUnit(env, { name: 'Ủy ban nhân dân xã A', code: '000.01.31.H41' });
  const b = await buildUnit(env, { name: 'Ủy ban nhân dân xã B', code: '000.02.31.H41' });
  const many = [a, b, ...(await Promise.all([1, 2, 3, 4].map(() => buildUnit(env))))];
  await issue(env, clerk, [a.id], { subject: 'Văn bản năm trước' });
  env.clock.set('2026-02-02T02:00:00Z');
  const decision = await issue(env, clerk, [b.id, a.id], { type: 'QĐ', subject: SUBJECT, signerId: chair.user.id });
  const wide = await issue(env, clerk, many.map((u) => u.id), { subject: 'Về việc gửi toàn huyện' });
  const recalled = await issue(env, clerk, [a.id], { subject: 'Văn bản sẽ thu hồi' });
  await buildDocument(env, { author: clerk, recipients: [a.id], subject: 'Dự thảo chưa ban hành' });
  env.clock.set('2026-02-03T02:00:00Z');
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${recalled.id}/recall`, headers: clerk.auth, payload: { reason: 'Sai sót' } });
  assert.equal(r.statusCode, 200, r.body);
  // Another unit's documents in the same days.
  const aClerk = await buildUser(env, { unit: a, roles: ['clerk'] });
  const own = await issue(env, aClerk, [unit.id], { subject: 'Báo cáo của xã A' });

  // "Người ký" is the signer of record (who signed), not the leader the draft named: none yet.
  const unsignedReg = await register(env, chair, 'outgoing', 'from=2026-01-01&to=2026-12-31');
  assert.equal(unsignedReg.rows[0]![3], '');
  await env.db.update(documents).set({ signedBy: chair.user.id, signedAt: new Date('2026-02-02T01:00:00Z') }).where(eq(documents.id, decision.id));
  const reg = await register(env, chair, 'outgoing', 'from=2026-01-01&to=2026-12-31');
  assert.equal(reg.title, 'Sổ đăng ký văn bản đi');
  assert.deepEqual(reg.rows.map((row) => row[0]), [decision.notation, wide.notation, recalled.notation]);
  assert.deepEqual(reg.rows[0], [
    decision.notation, '02/02/2026', `Quyết định: ${SUBJECT}`, 'Nguyễn Văn Hùng', 'Ủy ban nhân dân xã A, Ủy ban nhân dân xã B',
    'Lưu: VT', '2', '02/02/2026', '0/2 đã nhận', '',
  ]);
  assert.deepEqual([reg.rows[1]![3], reg.rows[1]![4], reg.rows[1]![6]], ['', '6 đơn vị', '6']);
  assert.equal(reg.rows[2]![9], 'Thu hồi ngày 03/02/2026');
  assert.deepEqual((await register(env, clerk, 'outgoing', 'from=2025-12-31&to=2025-12-31')).rows.map((row) => row[2]), ['Công văn: Văn bản năm trước']);

  // The recipient unit sees its own register, never the issuer's.
  assert.deepEqual((await register(env, aClerk, 'outgoing', 'from=2026-01-01&to=2026-12-31')).rows.map((row) => row[0]), [own.notation]);
  const stranger = await buildUser(env, { roles: ['officer'] });
  const empty = await register(env, stranger, 'outgoing', 'from=2026-01-01&to=2026-12-31');
  assert.deepEqual([empty.unit.id, empty.rows], [stranger.unit.id, []]);
  const emptyPdf = await env.app.inject({ url: '/api/registers/outgoing?format=pdf', headers: stranger.auth });
  assert.equal(emptyPdf.statusCode, 200);
  assert.match((await popplerReport(emptyPdf.rawPayload)).text, /Không có văn bản nào/);
});

test('the follow-up register shows the lead, deadline, latest progress and the reply’s notation; overdue work is marked', async (t) => {
  const env = await buildEnv(t);
  env.clock.set('2026-03-02T02:00:00Z');
  const district = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Sơn Tây' });
  const issuer = await buildUser(env, { unit: district });
  const commune = await buildUnit(env, { name: 'Ủy ban nhân dân xã Tây Phương', shortName: 'UBND' });
  const office = await buildUnit(env, { name: 'Văn phòng', shortName: 'VP', kind: 'department', parentId: commune.id });
  const clerk = await buildUser(env, { unit: commune, roles: ['clerk'] });
  const leader = await buildUser(env, { unit: commune, roles: ['leader'] });
  const officer = await buildUser(env, { unit: office, roles: ['officer'], fullName: 'Lê Văn Minh' });
  const person = await buildUser(env, { unit: commune, roles: ['officer'], fullName: 'Phạm Thị Hoa' });
  const plan = await issue(env, issuer, [commune.id], { type: 'KH', subject: SUBJECT });
  const invite = await issue(env, issuer, [commune.id], { type: 'GM', subject: 'Dự hội nghị sơ kết' });
  const d1 = await accept(env, clerk, plan.id);
  const d2 = await accept(env, clerk, invite.id);
  const a1 = await assign(env, leader, d1.deliveryId, { unitId: office.id, dueDate: '2026-03-20' });
  await assign(env, leader, d2.deliveryId, { userId: person.user.id, dueDate: '2026-03-05' });
  for (const note of ['Đã nhận nhiệm vụ', 'Đã triển khai đến các thôn']) {
    env.clock.advance(3_600_000);
    const p = await env.app.inject({ method: 'POST', url: `/api/assignments/${a1}/progress`, headers: officer.auth, payload: { note } });
    assert.equal(p.statusCode, 200, p.body);
  }
  const reply = await issue(env, clerk, [district.id], { type: 'BC', subject: 'Kết quả phòng, chống dịch', respondsTo: plan.id });

  env.clock.set('2026-03-05T16:59:00Z'); // 23:59 on 05/03 in Vietnam: due today, not yet overdue
  let reg = await register(env, leader, 'follow-up');
  assert.equal(reg.title, 'Sổ theo dõi giải quyết văn bản đến');
  const source = (notation: string, subject: string) => `${notation.includes('/KH-') ? 'Kế hoạch' : 'Giấy mời'} số ${notation} ngày 02/03/2026 của Ủy ban nhân dân huyện Sơn Tây\n${subject}`;
  assert.deepEqual(reg.rows, [
    ['1', source(plan.notation, SUBJECT), 'Chủ trì: Văn phòng', '20/03/2026', '02/03/2026: Đã triển khai đến các thôn', reply.notation, 'Đang xử lý'],
    ['2', source(invite.notation, 'Dự hội nghị sơ kết'), 'Chủ trì: Phạm Thị Hoa', '05/03/2026', '', '', 'Chưa báo cáo'],
  ]);
  env.clock.set('2026-03-05T17:00:00Z'); // 06/03 in Vietnam
  reg = await register(env, leader, 'follow-up');
  assert.equal(reg.rows[1]![6], 'Quá hạn');
  const done = await env.app.inject({ method: 'POST', url: `/api/assignments/${a1}/progress`, headers: officer.auth, payload: { note: 'Hoàn thành', done: true } });
  assert.equal(done.statusCode, 200, done.body);
  reg = await register(env, leader, 'follow-up');
  assert.deepEqual([reg.rows[0]![4], reg.rows[0]![6]], ['Hoàn thành ngày 06/03/2026', 'Hoàn thành']);
  assert.equal((await register(env, leader, 'incoming')).rows[0]![9], 'Hoàn thành');
});

test('a bad or too wide from/to is a 400 in Vietnamese or English; a leap year fits', async (t) => {
  const env = await buildEnv(t);
  const user = await buildUser(env);
  const ask = (q: string, lang?: string) =>
    env.app.inject({ url: `/api/registers/incoming?${q}`, headers: { ...user.auth, ...(lang ? { 'accept-language': lang } : {}) } });
  for (const q of ['from=2026-02-30', 'to=2026-13-01', 'from=20260101', 'from=2026-3-1', 'from=2026-03-10&to=2026-03-09', 'from=2025-01-01&to=2026-01-02', 'format=xml']) {
    const r = await ask(q);
    assert.equal(r.statusCode, 400, `${q}: ${r.body}`);
    assert.equal(r.json().error.code, 'bad_request');
  }
  assert.match((await ask('from=2026-03-10&to=2026-03-09')).json().error.message, /Ngày bắt đầu/);
  assert.match((await ask('from=2026-03-10&to=2026-03-09', 'en')).json().error.message, /"from" must not be after "to"/);
  assert.match((await ask('from=2025-01-01&to=2026-01-02', 'en')).json().error.message, /at most 366 days/);
  assert.equal((await ask('from=2025-01-01&to=2026-01-01')).statusCode, 200);
  assert.equal((await ask('from=2024-01-01&to=2024-12-31')).statusCode, 200);
  assert.equal((await env.app.inject({ url: '/api/registers/incoming' })).statusCode, 401);
});

test('the dashboard counts the unit’s inbox, overdue work and the share of this year’s documents validly signed', async (t) => {
  const env = await buildEnv(t);
  const pki = testPki('Ủy ban nhân dân huyện Thử');
  const admin = await buildUser(env, { roles: ['admin'] });
  const district = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Thử' });
  const issuer = await buildUser(env, { unit: district, roles: ['clerk'] });
  const commune = await buildUnit(env);
  const clerk = await buildUser(env, { unit: commune, roles: ['clerk'] });
  const leader = await buildUser(env, { unit: commune, roles: ['leader'] });
  const officer = await buildUser(env, { unit: commune, roles: ['officer'] });

  const unsigned = await issue(env, issuer, [commune.id], { subject: 'Chưa ký số' });
  assert.equal((await addAnchor(env, admin, pki.ca)).statusCode, 201);
  assert.equal((await installKey(env, issuer, pki.seal, pki.ca, 'unit')).statusCode, 201);
  const signed = await issue(env, issuer, [commune.id], { subject: 'Đã ký số' });
  const flash = await issue(env, issuer, [commune.id], { subject: 'Hỏa tốc', urgency: 'flash' });
  const withdrawn = await issue(env, issuer, [commune.id], { subject: 'Sẽ thu hồi' });
  const lastYear = await issue(env, issuer, [commune.id], { subject: 'Năm trước' });
  await env.db.update(documents).set({ issuedAt: new Date(Date.UTC(new Date().getUTCFullYear() - 1, 5, 1)) }).where(eq(documents.id, lastYear.id));
  // A main file never verified has no verdict row: it counts as unsigned, like a verified unsigned one.
  const [unsignedMain] = await env.db.select({ sha: documentFiles.sha256 }).from(documentFiles).where(eq(documentFiles.documentId, unsigned.id));
  await env.db.delete(fileVerdicts).where(inArray(fileVerdicts.sha256, [unsignedMain!.sha]));

  // Recalled and agreed to: withdrawn from the unit, so not counted.
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/documents/${withdrawn.id}/recall`, headers: issuer.auth, payload: { reason: 'Nhầm' } })).statusCode, 200);
  const agreed = await env.app.inject({ method: 'POST', url: `/api/deliveries/${await deliveryOf(env, clerk, withdrawn.id)}/recall/agree`, headers: clerk.auth });
  assert.equal(agreed.statusCode, 200, agreed.body);
  // One read, one accepted (and assigned), the flash one and last year's left alone.
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${await deliveryOf(env, clerk, unsigned.id)}/read`, headers: officer.auth })).statusCode, 200);
  const accepted = await accept(env, clerk, signed.id);
  const due = new Date(env.clock().getTime() + 7 * 3600_000 + 2 * 86_400_000).toISOString().slice(0, 10); // Vietnam today + 2
  await assign(env, leader, accepted.deliveryId, { userId: officer.user.id, dueDate: due });

  const dash = async (who: TestUser) => {
    const r = await env.app.inject({ url: '/api/dashboard', headers: who.auth });
    assert.equal(r.statusCode, 200, r.body);
    return r.json();
  };
  let d = await dash(officer);
  assert.deepEqual(
    { received: d.received, unread: d.unread, unaccepted: d.unaccepted, flashPending: d.flashPending, overdue: d.overdue },
    { received: 4, unread: 2, unaccepted: 3, flashPending: 1, overdue: 0 },
  );
  env.clock.advance(3 * 86_400_000);
  d = await dash(officer);
  assert.equal(d.overdue, 1);
  void flash;

  const issuerDash = await dash(issuer);
  assert.deepEqual(issuerDash.signedShare, { issued: 4, signed: 3, share: 0.75 });
  assert.deepEqual([issuerDash.received, issuerDash.overdue], [0, 0]);
});
