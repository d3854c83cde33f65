// Issue 12 point 6: a clerk registers an incoming paper document from a phone camera's photos
// (JPEG/PNG → one PDF) or PDFs, with the sender's name and the next số đến; it then flows like any
// delivery. Bad input is a 4xx naming what is wrong, and nothing is kept (rows, stored or staged files).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { PDFDocument, rgb } from 'pdf-lib';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, type TestUser } from './helpers/factories.js';
import { makePdf, multipart } from './helpers/pdf.js';
import { catchUpIndex } from '../src/modules/search/indexer.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-paper-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

/** A page (A4 portrait) with a black square in its top-left corner and a line of text. */
async function pagePdf(label: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawRectangle({ x: 30, y: 842 - 30 - 250, width: 250, height: 250, color: rgb(0, 0, 0) });
  page.drawText(label, { x: 72, y: 300, size: 24 });
  return Buffer.from(await doc.save());
}

let n = 0;
/** Real camera-like files: poppler renders a PDF page to JPEG or PNG (pdftoppm, as in CI). */
function render(pdf: Buffer, format: 'jpeg' | 'png' | 'gray', dpi = 30): Buffer {
  const base = path.join(tmp, `p${++n}`);
  fs.writeFileSync(`${base}.pdf`, pdf);
  execFileSync('pdftoppm', [`-${format}`, '-r', String(dpi), '-singlefile', `${base}.pdf`, base]);
  return fs.readFileSync(`${base}.${format === 'jpeg' ? 'jpg' : format === 'png' ? 'png' : 'pgm'}`);
}

/** The JPEG with an APP1 Exif segment whose IFD0 holds Orientation = o. */
function withOrientation(jpeg: Buffer, o: number): Buffer {
  const tiff = Buffer.alloc(26);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(1, 8);
  tiff.writeUInt16BE(0x0112, 10);
  tiff.writeUInt16BE(3, 12);
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt16BE(o, 18);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const head = Buffer.from([0xff, 0xe1, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), head, payload, jpeg.subarray(2)]);
}

/** A PNG header claiming 20000×20000 (1-bit grey) over a real deflate stream of that many zero rows: 400 MP, ~50 KB. */
function pngBomb(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    return Buffer.concat([len, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(20000, 0);
  ihdr.writeUInt32BE(20000, 4);
  ihdr[8] = 1;
  const rows = deflateSync(Buffer.alloc(20000 * (1 + 2500)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', rows), chunk('IEND', Buffer.alloc(0))]);
}

type Part = { name: string; filename?: string; type?: string; data: Buffer | string };
const FIELDS = { type: 'CV', subject: 'Về việc đề nghị hỗ trợ sửa chữa nhà văn hóa thôn', senderName: 'Ông Nguyễn Văn An, thôn Đông, xã Sơn Hà' };
const fieldParts = (f: Record<string, string>): Part[] => Object.entries(f).map(([name, data]) => ({ name, data }));
const jpegPart = (data: Buffer, filename = 'IMG_0001.jpg'): Part => ({ name: 'file', filename, type: 'image/jpeg', data });

async function post(env: TestEnv, who: TestUser, parts: Part[], headers: Record<string, string> = {}) {
  const form = multipart(parts);
  return env.app.inject({ method: 'POST', url: '/api/incoming/paper', headers: { ...who.auth, ...form.headers, ...headers }, payload: form.payload });
}

/** Row counts of every table, the stored objects and the staged copies: a failed request leaves all three as they were. */
async function snapshot(env: TestEnv) {
  // The search index is derived from committed events in the background: brought up to date first,
  // so rows an earlier (accepted) request led to are not taken for this one's writes.
  await catchUpIndex(env.db);
  const tables = (await env.db.execute(sql`select tablename from pg_tables where schemaname = 'public' order by 1`)) as unknown as Array<{ tablename: string }>;
  const counts: Record<string, number> = {};
  for (const { tablename } of tables) {
    const [row] = (await env.db.execute(sql`select count(*)::int as n from ${sql.identifier(tablename)}`)) as unknown as [{ n: number }];
    counts[tablename] = row.n;
  }
  const objects: string[] = [];
  for await (const sha of env.store.list()) objects.push(sha);
  const staging: string[] = [];
  for await (const s of env.store.listStaging()) staging.push(s.stagingId);
  return { counts, objects: objects.sort(), staging };
}

async function unit(env: TestEnv) {
  const u = await buildUnit(env, { name: 'Ủy ban nhân dân xã Sơn Hà' });
  return {
    unit: u,
    clerk: await buildUser(env, { unit: u, roles: ['clerk'] }),
    leader: await buildUser(env, { unit: u, roles: ['leader'], fullName: 'Trần Văn Chủ Tịch' }),
    officer: await buildUser(env, { unit: u, roles: ['officer'], fullName: 'Lê Thị Chuyên Viên' }),
  };
}

async function download(env: TestEnv, who: TestUser, documentId: string, fileId: string): Promise<Buffer> {
  const r = await env.app.inject({ url: `/api/documents/${documentId}/files/${fileId}`, headers: who.auth });
  assert.equal(r.statusCode, 200, r.body);
  return r.rawPayload;
}

test('two JPEGs from a phone become one incoming document: one 2-page PDF, a số đến, the sender as issuer; assign, report, complete', async (t) => {
  const env = await buildTestEnv(t);
  const u = await unit(env);
  const jpegs = [render(await pagePdf('Trang 1'), 'jpeg'), render(await pagePdf('Trang 2'), 'jpeg')];
  assert.ok(jpegs.every((j) => j[0] === 0xff && j[1] === 0xd8), 'pdftoppm made JPEGs');

  const r = await post(env, u.clerk, [
    ...fieldParts({ ...FIELDS, number: '12', notation: '12/ĐN', signedOn: '2026-11-20', urgency: 'urgent' }),
    jpegPart(jpegs[0]!, 'IMG_0001.jpg'), jpegPart(jpegs[1]!, 'IMG_0002.jpg'),
  ]);
  assert.equal(r.statusCode, 201, r.body);
  const { documentId, deliveryId, incomingNumber } = r.json();
  assert.equal(incomingNumber, 1);

  // One main PDF file of two pages, named after the first photo.
  const detail = (await env.app.inject({ url: `/api/documents/${documentId}`, headers: u.clerk.auth })).json();
  assert.equal(detail.files.length, 1);
  assert.equal(detail.files[0].role, 'main');
  assert.equal(detail.files[0].name, 'IMG_0001.pdf');
  assert.equal(detail.files[0].contentType, 'application/pdf');
  const pdf = await PDFDocument.load(await download(env, u.clerk, documentId, detail.files[0].id));
  assert.equal(pdf.getPageCount(), 2);
  assert.deepEqual(pdf.getPages().map((p) => [Math.round(p.getWidth()), Math.round(p.getHeight())]), [[595, 842], [595, 842]], 'A4 portrait, as the photos are');
  const info = execFileSync('pdfinfo', ['-'], { input: await download(env, u.clerk, documentId, detail.files[0].id) }).toString();
  assert.match(info, /Pages:\s+2/);

  // The document: issued on paper, the sender's name as issuer, the number and date as printed.
  const doc = detail.document;
  assert.equal(doc.paper, true);
  assert.equal(doc.senderName, FIELDS.senderName);
  assert.deepEqual({ id: doc.issuer.id, name: doc.issuer.name }, { id: doc.issuerUnitId, name: FIELDS.senderName });
  assert.equal(doc.status, 'issued');
  assert.equal(doc.number, 12);
  assert.equal(doc.notation, '12/ĐN');
  assert.equal(doc.signedOn, '2026-11-20');
  assert.equal(doc.urgency, 'urgent');
  assert.equal(detail.delivery.deliveryId, deliveryId);
  assert.equal(detail.delivery.status, 'accepted');
  assert.equal(detail.delivery.incomingNumber, 1);
  const types = detail.events.map((e: { type: string }) => e.type);
  assert.deepEqual(types.slice(0, 3), ['document.registered_paper', 'delivery.created', 'delivery.accepted']);

  // It is incoming, not outgoing: not in the registering clerk's outbox (no one here wrote it).
  const outgoing = (await env.app.inject({ url: '/api/outbox', headers: u.clerk.auth })).json().items;
  assert.ok(!outgoing.some((d: { id: string }) => d.id === documentId), 'not in the clerk\'s outbox');
  assert.notEqual(doc.authorId, u.clerk.user.id);

  // The inbox shows it as any delivery, the sender's name as issuer.
  const item = (await env.app.inject({ url: '/api/inbox', headers: u.leader.auth })).json().items.find((i: { deliveryId: string }) => i.deliveryId === deliveryId);
  assert.ok(item);
  assert.equal(item.document.issuer.name, FIELDS.senderName);
  assert.equal(item.document.paper, true);
  assert.equal(item.status, 'accepted');
  assert.equal(item.incomingNumber, 1);
  assert.equal(item.can.assign, true);

  // The paper senders' unit is nobody's to pick: not in GET /api/units (nor with external=1).
  for (const url of ['/api/units', '/api/units?external=1']) {
    const units = (await env.app.inject({ url, headers: u.clerk.auth })).json();
    const list = Array.isArray(units) ? units : (units.units ?? units.items ?? []);
    assert.ok(!JSON.stringify(list).includes(doc.issuerUnitId), `${url} does not list the paper senders' unit`);
  }

  // The leader assigns to an officer; the officer reports, then completes.
  const assign = await env.app.inject({
    method: 'POST', url: `/api/deliveries/${deliveryId}/assign`, headers: u.leader.auth,
    payload: { direction: 'Giao đồng chí Chuyên viên kiểm tra, đề xuất', lead: { userId: u.officer.user.id, dueDate: '2026-12-31' } },
  });
  assert.equal(assign.statusCode, 201, assign.body);
  const assignmentId = assign.json().assignments[0].id;
  const mine = (await env.app.inject({ url: '/api/assignments?mine=1', headers: u.officer.auth })).json().items;
  assert.ok(mine.some((a: { id: string }) => a.id === assignmentId));
  const p1 = await env.app.inject({ method: 'POST', url: `/api/assignments/${assignmentId}/progress`, headers: u.officer.auth, payload: { note: 'Đã kiểm tra thực địa' } });
  assert.equal(p1.statusCode, 200, p1.body);
  const p2 = await env.app.inject({ method: 'POST', url: `/api/assignments/${assignmentId}/progress`, headers: u.officer.auth, payload: { note: 'Đã trình phương án hỗ trợ', done: true } });
  assert.equal(p2.statusCode, 200, p2.body);
  const after = (await env.app.inject({ url: `/api/documents/${documentId}`, headers: u.clerk.auth })).json();
  assert.equal(after.delivery.status, 'completed');

  // The incoming register (sổ đăng ký văn bản đến) names the sender as author, with the number as printed.
  const register = await env.app.inject({ url: '/api/registers/incoming?format=csv', headers: u.clerk.auth });
  assert.equal(register.statusCode, 200, register.body);
  const row = register.body.split(/\r?\n/).find((l) => l.includes('12/ĐN'));
  assert.ok(row, register.body);
  assert.ok(row.includes(FIELDS.senderName) && row.includes('Văn bản giấy'), row);

  // Nothing is queued for the paper sender (it is on no system).
  const [{ n: outbox }] = (await env.db.execute(sql`select count(*)::int as n from exchange_outbox`)) as unknown as [{ n: number }];
  assert.equal(outbox, 0);

  // The số đến series is the unit's one: an electronic delivery accepted next gets 2, the next paper one 3.
  const sender = await buildUser(env, { roles: ['clerk'] });
  const { doc: electronic } = await buildDocument(env, { author: sender, recipients: [u.unit.id] });
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/documents/${electronic.id}/issue`, headers: sender.auth })).statusCode, 200);
  const el = (await env.app.inject({ url: '/api/inbox', headers: u.clerk.auth })).json().items.find((i: { document: { id: string } }) => i.document.id === electronic.id);
  assert.equal(el.document.paper, false);
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${el.deliveryId}/accept`, headers: u.clerk.auth })).json().incomingNumber, 2);
  const again = await post(env, u.clerk, [...fieldParts({ ...FIELDS, type: 'QD', senderName: '  Hợp tác xã   Nông nghiệp Sơn Hà ' }), jpegPart(jpegs[0]!)]);
  assert.equal(again.statusCode, 201, again.body);
  assert.equal(again.json().incomingNumber, 3);
  const second = (await env.app.inject({ url: `/api/documents/${again.json().documentId}`, headers: u.clerk.auth })).json().document;
  assert.equal(second.type, 'QĐ', 'the type is normalised (Đ typed as D)');
  assert.equal(second.senderName, 'Hợp tác xã Nông nghiệp Sơn Hà', 'spaces tidied');
  assert.equal(second.issuerUnitId, doc.issuerUnitId, 'one paper senders\' unit');
  assert.equal(second.signedOn, null);

  // Another unit's people cannot read it.
  const other = await buildUser(env, { roles: ['clerk'] });
  assert.equal((await env.app.inject({ url: `/api/documents/${documentId}`, headers: other.auth })).statusCode, 404);
});

test('photos keep their orientation (EXIF honoured), PNGs and PDFs are taken, the first file sent is the main file', async (t) => {
  const env = await buildTestEnv(t);
  const u = await unit(env);
  const page = await pagePdf('Huong anh');
  const jpeg = render(page, 'jpeg', 20);
  // Rotated 90° clockwise to be seen upright (a phone held sideways): a landscape page, the
  // stored top-left corner (the black square) now top right.
  const turned = withOrientation(jpeg, 6);
  const png = render(page, 'png', 20);
  const attached = makePdf('Phu luc kem theo');
  const r = await post(env, u.clerk, [
    ...fieldParts(FIELDS),
    { name: 'file', filename: 'cong-van.pdf', data: attached },
    jpegPart(turned, 'xoay.jpg'),
    { name: 'file', filename: 'trang-2.png', type: 'image/png', data: png },
  ]);
  assert.equal(r.statusCode, 201, r.body);
  const detail = (await env.app.inject({ url: `/api/documents/${r.json().documentId}`, headers: u.clerk.auth })).json();
  const byRole = Object.fromEntries(detail.files.map((f: { role: string; name: string; id: string }) => [f.role, f]));
  assert.equal(detail.files.length, 2);
  assert.equal(byRole.main.name, 'cong-van.pdf', 'the PDF came first: the main file');
  assert.deepEqual(await download(env, u.clerk, detail.document.id, byRole.main.id), attached, 'a PDF part is kept as sent');
  assert.equal(byRole.appendix.name, 'xoay.pdf');
  const photos = await download(env, u.clerk, detail.document.id, byRole.appendix.id);
  const pages = (await PDFDocument.load(photos)).getPages().map((p) => [Math.round(p.getWidth()), Math.round(p.getHeight())]);
  assert.deepEqual(pages, [[842, 595], [595, 842]], 'landscape for the turned photo, portrait for the PNG');

  // Rendered: the black square of the turned photo is at the top right; the PNG's at the top left.
  const pgm = render(photos, 'gray', 15);
  const m = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.toString('latin1', 0, 40))!;
  const [w, h, off] = [Number(m[1]), Number(m[2]), m[0].length];
  const at = (x: number, y: number) => pgm[off + Math.floor(y * h) * w + Math.floor(x * w)]!;
  assert.ok(at(0.8, 0.2) < 80, `top right is dark (${at(0.8, 0.2)})`);
  assert.ok(at(0.2, 0.2) > 180 && at(0.2, 0.8) > 180 && at(0.8, 0.8) > 180, 'the rest is light');

  const second = path.join(tmp, 'second.pdf');
  fs.writeFileSync(second, photos);
  execFileSync('pdftoppm', ['-gray', '-r', '15', '-f', '2', '-l', '2', '-singlefile', second, path.join(tmp, 'second')]);
  const pgm2 = fs.readFileSync(path.join(tmp, 'second.pgm'));
  const m2 = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm2.toString('latin1', 0, 40))!;
  const [w2, h2, off2] = [Number(m2[1]), Number(m2[2]), m2[0].length];
  const at2 = (x: number, y: number) => pgm2[off2 + Math.floor(y * h2) * w2 + Math.floor(x * w2)]!;
  assert.ok(at2(0.2, 0.15) < 80 && at2(0.8, 0.15) > 180, 'the PNG page is upright');

  // Hỏa tốc: the unit is alarmed like for any flash delivery, after the acceptance.
  const flash = await post(env, u.clerk, [...fieldParts({ ...FIELDS, urgency: 'flash' }), jpegPart(jpeg)]);
  assert.equal(flash.statusCode, 201, flash.body);
  const alarms = (await env.db.execute(sql`select done_at from urgent_alarms where delivery_id = ${flash.json().deliveryId}::uuid`)) as unknown as Array<{ done_at: Date | null }>;
  assert.equal(alarms.length, 1);
  assert.equal(alarms[0]!.done_at, null, 'ringing until someone acknowledges');
  const ack = await env.app.inject({ method: 'POST', url: `/api/deliveries/${flash.json().deliveryId}/acknowledge`, headers: u.leader.auth });
  assert.equal(ack.statusCode, 200, ack.body);
});

test('bad input → 4xx naming what is wrong; nothing written, nothing stored, nothing staged', async (t) => {
  const env = await buildTestEnv(t);
  const u = await unit(env);
  const jpeg = render(await pagePdf('Anh tot'), 'jpeg', 20);
  // Make sure the paper senders' unit exists, so the snapshot compares like with like.
  assert.equal((await post(env, u.clerk, [...fieldParts(FIELDS), jpegPart(jpeg)])).statusCode, 201);
  const before = await snapshot(env);
  const gif = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.alloc(200, 1)]);
  const cases: Array<{ what: string; who?: TestUser; parts: Part[]; status: number; message?: RegExp; headers?: Record<string, string> }> = [
    { what: 'GIF', parts: [...fieldParts(FIELDS), { name: 'file', filename: 'anh.gif', type: 'image/gif', data: gif }], status: 415, message: /"anh\.gif".*không phải PDF, JPEG hay PNG/ },
    { what: 'text file named .jpg', parts: [...fieldParts(FIELDS), jpegPart(Buffer.from('chỉ là chữ, không phải ảnh'), 'gia.jpg')], status: 415, message: /"gia\.jpg"/ },
    { what: 'a good JPEG, then a text file', parts: [...fieldParts(FIELDS), jpegPart(jpeg), { name: 'file', filename: 'ghi-chu.txt', type: 'text/plain', data: 'ghi chú' }], status: 415, message: /"ghi-chu\.txt"/ },
    { what: 'an empty file', parts: [...fieldParts(FIELDS), jpegPart(Buffer.alloc(0), 'rong.jpg')], status: 415 },
    { what: 'no file', parts: fieldParts(FIELDS), status: 400, message: /Chưa có tệp/ },
    { what: 'no senderName', parts: [...fieldParts({ type: 'CV', subject: 'Về việc thử' }), jpegPart(jpeg)], status: 400, message: /senderName/ },
    { what: 'blank senderName', parts: [...fieldParts({ ...FIELDS, senderName: '   ' }), jpegPart(jpeg)], status: 400, message: /senderName/ },
    { what: 'senderName over 300', parts: [...fieldParts({ ...FIELDS, senderName: 'A'.repeat(301) }), jpegPart(jpeg)], status: 400, message: /senderName/ },
    { what: 'no subject', parts: [...fieldParts({ type: 'CV', senderName: 'Ông An' }), jpegPart(jpeg)], status: 400, message: /subject/ },
    { what: 'unknown type', parts: [...fieldParts({ ...FIELDS, type: 'XYZ' }), jpegPart(jpeg)], status: 400, message: /XYZ/ },
    { what: 'notation over 64', parts: [...fieldParts({ ...FIELDS, notation: 'x'.repeat(65) }), jpegPart(jpeg)], status: 400, message: /notation/ },
    { what: 'number not a number', parts: [...fieldParts({ ...FIELDS, number: '12a' }), jpegPart(jpeg)], status: 400, message: /number/ },
    { what: 'signedOn not a date', parts: [...fieldParts({ ...FIELDS, signedOn: '2026-02-30' }), jpegPart(jpeg)], status: 400, message: /signedOn/ },
    { what: 'signedOn in the future', parts: [...fieldParts({ ...FIELDS, signedOn: '2999-01-01' }), jpegPart(jpeg)], status: 400, message: /signedOn/ },
    { what: 'bad urgency', parts: [...fieldParts({ ...FIELDS, urgency: 'asap' }), jpegPart(jpeg)], status: 400, message: /urgency/ },
    { what: 'unknown field', parts: [...fieldParts({ ...FIELDS, secrecy: 'secret' }), jpegPart(jpeg)], status: 400, message: /secrecy/ },
    { what: 'file under another name', parts: [...fieldParts(FIELDS), { name: 'photo', filename: 'a.jpg', type: 'image/jpeg', data: jpeg }], status: 400, message: /"file"/ },
    { what: 'corrupt JPEG (cut in half)', parts: [...fieldParts(FIELDS), jpegPart(jpeg), jpegPart(jpeg.subarray(0, jpeg.length >> 1), 'hong.jpg')], status: 422, message: /"hong\.jpg".*hỏng/ },
    { what: 'JPEG header over garbage', parts: [...fieldParts(FIELDS), jpegPart(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 7)]), 'rac.jpg')], status: 422, message: /"rac\.jpg"/ },
    { what: 'PNG bomb 20000×20000', parts: [...fieldParts(FIELDS), { name: 'file', filename: 'bom.png', type: 'image/png', data: pngBomb() }], status: 422, message: /"bom\.png".*20000×20000/ },
    { what: 'damaged PDF', parts: [...fieldParts(FIELDS), { name: 'file', filename: 'hong.pdf', data: makePdf('x').subarray(0, 120) }], status: 422, message: /"hong\.pdf"/ },
    { what: '21 files', parts: [...fieldParts(FIELDS), ...Array.from({ length: 21 }, (_, i) => jpegPart(jpeg, `a${i}.jpg`))], status: 400, message: /20 tệp/ },
    { what: 'an officer', who: u.officer, parts: [...fieldParts(FIELDS), jpegPart(jpeg)], status: 403 },
    { what: 'a leader', who: u.leader, parts: [...fieldParts(FIELDS), jpegPart(jpeg)], status: 403 },
    { what: 'English', parts: [...fieldParts(FIELDS), { name: 'file', filename: 'anh.gif', data: gif }], status: 415, headers: { 'accept-language': 'en' }, message: /"anh\.gif" is not a PDF, JPEG or PNG/ },
  ];
  for (const c of cases) {
    const r = await post(env, c.who ?? u.clerk, c.parts, c.headers);
    assert.equal(r.statusCode, c.status, `${c.what}: ${r.body}`);
    const e = r.json().error;
    assert.equal(typeof e.code, 'string', c.what);
    if (c.message) assert.match(e.message, c.message, c.what);
    assert.deepEqual(await snapshot(env), before, `${c.what}: nothing written`);
  }
  // Broken multipart: the body cut in the middle of a photo, or before the closing boundary.
  const good = multipart([...fieldParts(FIELDS), jpegPart(jpeg), jpegPart(jpeg, 'IMG_0002.jpg')]);
  for (const cut of [good.payload.length >> 1, good.payload.length - 10]) {
    const r = await env.app.inject({ method: 'POST', url: '/api/incoming/paper', headers: { ...u.clerk.auth, ...good.headers }, payload: good.payload.subarray(0, cut) });
    assert.ok(r.statusCode >= 400 && r.statusCode < 500, `cut at ${cut}: ${r.statusCode} ${r.body}`);
    assert.equal(typeof r.json().error.message, 'string');
    assert.deepEqual(await snapshot(env), before, `cut at ${cut}: nothing written`);
  }
  // Not multipart at all.
  const json = await env.app.inject({ method: 'POST', url: '/api/incoming/paper', headers: { ...u.clerk.auth, 'content-type': 'application/json' }, payload: JSON.stringify(FIELDS) });
  assert.equal(json.statusCode, 415, json.body);
  // A file over MAX_UPLOAD_MB.
  const small = await buildTestEnv(t, { maxUploadBytes: 20 * 1024 });
  const su = await unit(small);
  const big = render(await pagePdf('Anh lon'), 'jpeg', 150);
  assert.ok(big.length > 20 * 1024, `the JPEG is large enough (${big.length})`);
  const b0 = await snapshot(small);
  const tooBig = await post(small, su.clerk, [...fieldParts(FIELDS), jpegPart(big, 'lon.jpg')]);
  assert.equal(tooBig.statusCode, 413, tooBig.body);
  assert.deepEqual(await snapshot(small), b0);
  assert.equal(await small.app.inject({ url: '/healthz' }).then((r) => r.statusCode), 200);
});

test('OpenAPI describes the form', async (t) => {
  const env = await buildTestEnv(t);
  const spec = (await env.app.inject({ url: '/docs/json' })).json();
  const op = spec.paths['/api/incoming/paper'].post;
  const form = op.requestBody.content['multipart/form-data'].schema;
  assert.deepEqual(Object.keys(form.properties).sort(), ['file', 'notation', 'number', 'senderName', 'signedOn', 'subject', 'type', 'urgency']);
  assert.ok(op.responses['201']);
});
