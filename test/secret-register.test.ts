// Issue 12 point 4: the secret register (sổ văn bản mật) — metadata only, its own number series per
// unit, direction and year, visible to the unit's clerks and leaders only; a secret draft is still
// never issued electronically.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, type TestUser } from './helpers/factories.js';
import { makePdf, multipart } from './helpers/pdf.js';
import { run } from './helpers/signing.js';

const post = (env: TestEnv, who: TestUser, body: unknown, headers: Record<string, string> = {}) =>
  env.app.inject({ method: 'POST', url: '/api/registers/secret', headers: { ...who.auth, ...headers }, payload: body as object });

const OUT = { direction: 'outgoing', type: 'QĐ', subject: 'Về việc bảo vệ bí mật nhà nước', counterpart: 'Công an tỉnh; Bộ Chỉ huy quân sự tỉnh', secrecy: 'secret' };
const IN = { direction: 'incoming', type: 'CV', subject: 'Về việc triển khai phương án', counterpart: 'Công an tỉnh', secrecy: 'confidential', notation: '15/CAT-PV01', signedOn: '2026-05-10' };

/** Rows of the tables that hold files and counters, and the store's objects: what "nothing written" checks. */
async function footprint(env: TestEnv) {
  const count = async (table: string) => Number((await env.db.execute(sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n);
  const objects: string[] = [];
  for await (const sha of env.store.list()) objects.push(sha);
  return {
    files: await count('document_files'), blobs: await count('blobs'), versions: await count('document_file_versions'),
    entries: await count('secret_register_entries'), objects: objects.length,
  };
}

test('secret register: its own series per direction (01, 02), independent of the unit’s normal series; metadata only, no file stored; JSON, CSV, PDF for clerks and leaders only', async (t) => {
  const env = await buildTestEnv(t);
  env.clock.set('2026-05-12T02:00:00Z');
  const unit = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Sơn Tây', shortName: 'UBND' });
  const clerk = await buildUser(env, { unit, roles: ['clerk'], fullName: 'Đỗ Thị Thư' });
  const leader = await buildUser(env, { unit, roles: ['leader'] });
  const officer = await buildUser(env, { unit, roles: ['officer'] });
  const other = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Khác' });
  const otherClerk = await buildUser(env, { unit: other, roles: ['clerk'] });
  const otherLeader = await buildUser(env, { unit: other, roles: ['leader'] });

  // A normal document first: number 01 of the unit's state series.
  const { doc } = await buildDocument(env, { author: clerk, type: 'QĐ', recipients: [other.id] });
  const issued = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: clerk.auth, payload: {} });
  assert.equal(issued.statusCode, 200, issued.body);
  assert.equal(issued.json().document.notation, '01/QĐ-UBND');
  const before = await footprint(env);

  const o1 = await post(env, clerk, OUT);
  assert.equal(o1.statusCode, 201, o1.body);
  const e1 = o1.json().entry;
  assert.deepEqual(
    { direction: e1.direction, number: e1.number, notation: e1.notation, secrecy: e1.secrecy, typeName: e1.typeName, signedOn: e1.signedOn, by: e1.registeredBy.name },
    { direction: 'outgoing', number: 1, notation: '01/QĐ-UBND', secrecy: 'secret', typeName: 'Quyết định', signedOn: '2026-05-12', by: 'Đỗ Thị Thư' },
  );
  const o2 = await post(env, clerk, { ...OUT, type: 'CV', subject: 'Công văn mật thứ hai', copies: 3, signerName: 'Nguyễn Văn Hùng', holder: 'Lưu: VT', urgency: 'urgent' });
  assert.equal(o2.statusCode, 201, o2.body);
  assert.deepEqual([o2.json().entry.number, o2.json().entry.notation], [2, '02/UBND']);
  const i1 = await post(env, clerk, IN);
  assert.equal(i1.statusCode, 201, i1.body);
  assert.deepEqual([i1.json().entry.number, i1.json().entry.notation, i1.json().entry.signedOn], [1, '15/CAT-PV01', '2026-05-10']);
  const i2 = await post(env, clerk, { ...IN, notation: undefined, subject: 'Văn bản mật đến thứ hai', secrecy: 'top_secret' });
  assert.equal(i2.statusCode, 201, i2.body);
  assert.equal(i2.json().entry.number, 2);
  // Another unit's secret series starts at 01 too.
  const elsewhere = await post(env, otherClerk, OUT);
  assert.deepEqual([elsewhere.json().entry.number, elsewhere.json().entry.notation], [1, '01/QĐ-UBND']);

  // The normal series went on untouched: the next normal document is 02.
  const { doc: next } = await buildDocument(env, { author: clerk, type: 'QĐ', recipients: [other.id] });
  const nextIssued = await env.app.inject({ method: 'POST', url: `/api/documents/${next.id}/issue`, headers: clerk.auth, payload: {} });
  assert.equal(nextIssued.json().document.notation, '02/QĐ-UBND');
  // No file, no blob, no stored object came with the secret entries.
  const after = await footprint(env);
  assert.equal(after.entries - before.entries, 5);
  const normalFiles = after.files - before.files;
  assert.equal(normalFiles, 1, 'only the second normal document added a file');
  assert.equal(after.blobs - before.blobs, after.objects - before.objects);
  assert.ok(after.blobs - before.blobs <= 2, 'the normal document’s file (and its sealed copy) at most');

  // Reading: the unit's clerks and leaders; an officer 403; another unit sees only its own.
  const list = async (who: TestUser, q = '') => env.app.inject({ url: `/api/registers/secret${q}`, headers: who.auth });
  assert.equal((await list(officer)).statusCode, 403);
  assert.match((await list(officer)).json().error.message, /văn thư và lãnh đạo/);
  const all = (await list(leader)).json();
  assert.equal(all.entries.length, 4);
  assert.equal(all.register.title, 'Sổ đăng ký văn bản mật');
  const theirs = (await list(otherLeader)).json();
  assert.deepEqual(theirs.entries.map((e: { subject: string }) => e.subject), [OUT.subject]);
  const outgoing = (await list(clerk, '?direction=outgoing')).json();
  assert.equal(outgoing.register.title, 'Sổ đăng ký văn bản mật đi');
  assert.deepEqual(outgoing.register.rows[1], [
    '02/UBND', '12/05/2026', 'Công văn: Công văn mật thứ hai', 'Tối mật', 'Nguyễn Văn Hùng', OUT.counterpart, 'Lưu: VT', '3', '12/05/2026', '', 'Khẩn',
  ]);
  const incoming = (await list(clerk, '?direction=incoming&from=2026-05-01&to=2026-05-31')).json();
  assert.deepEqual(incoming.register.rows[0], ['12/05/2026', '1', 'Công an tỉnh', '15/CAT-PV01', '10/05/2026', `Công văn: ${IN.subject}`, 'Mật', '', '', '', '']);
  assert.equal((await list(clerk, '?direction=incoming&from=2026-06-01&to=2026-06-30')).json().entries.length, 0);

  const csv = await list(clerk, '?direction=incoming&format=csv');
  assert.equal(csv.statusCode, 200);
  assert.equal(csv.headers['content-disposition'], "attachment; filename*=UTF-8''so-van-ban-mat-den-2026.csv");
  assert.deepEqual(parse(csv.rawPayload.toString('utf8').slice(1)), [incoming.register.columns, ...incoming.register.rows]);
  const pdf = await list(leader, '?format=pdf');
  assert.equal(pdf.statusCode, 200, pdf.body);
  assert.equal(pdf.headers['content-type'], 'application/pdf');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'secret-'));
  try {
    await fs.writeFile(path.join(dir, 's.pdf'), pdf.rawPayload);
    const text = (await run('pdftotext', [path.join(dir, 's.pdf'), '-'])).stdout.replace(/\s+/g, ' ');
    for (const s of ['SỔ ĐĂNG KÝ VĂN BẢN MẬT', 'Tuyệt mật', '15/CAT-PV01', '02/UBND', 'Công an tỉnh']) assert.ok(text.includes(s), `${s} in ${text}`);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  assert.equal((await list(officer, '?format=csv')).statusCode, 403);

  // The event names the entry, never its subject.
  const events = await env.db.execute(sql`select data from events where type = 'register.secret_entry'`);
  assert.equal(events.length, 5);
  for (const e of events) assert.ok(!JSON.stringify(e.data).includes('Về việc'), JSON.stringify(e.data));
});

test('secret register: every bad input is a 400 naming it, nothing written; a file is refused; only clerks register; a secret draft is never issued', async (t) => {
  const env = await buildTestEnv(t);
  const unit = await buildUnit(env, { shortName: 'UBND' });
  const party = await buildUnit(env, { shortName: 'HU', kind: 'party' });
  const clerk = await buildUser(env, { unit, roles: ['clerk'] });
  const partyClerk = await buildUser(env, { unit: party, roles: ['clerk'] });
  const leader = await buildUser(env, { unit, roles: ['leader'] });
  const officer = await buildUser(env, { unit, roles: ['officer'] });
  const before = await footprint(env);

  const cases: Array<[string, unknown, RegExp]> = [
    ['no direction', { ...OUT, direction: undefined }, /direction/],
    ['bad direction', { ...OUT, direction: 'sideways' }, /direction/],
    ['unknown type', { ...OUT, type: 'XYZ' }, /XYZ/],
    ['empty subject', { ...OUT, subject: '   ' }, /subject/],
    ['long subject', { ...OUT, subject: 'a'.repeat(501) }, /subject/],
    ['no counterpart', { ...OUT, counterpart: '' }, /counterpart/],
    ['no secrecy', { ...OUT, secrecy: undefined }, /secrecy/],
    ['secrecy none', { ...OUT, secrecy: 'none' }, /secrecy/],
    ['bad urgency', { ...OUT, urgency: 'very' }, /urgency/],
    ['bad date', { ...IN, signedOn: '2026-02-30' }, /signedOn/],
    ['outgoing notation', { ...OUT, notation: '99/QĐ-UBND' }, /notation/],
    ['copies', { ...OUT, copies: 0 }, /copies/],
    ['a file field', { ...OUT, file: 'JVBERi0xLjQK' }, /file/],
    ['a content field', { ...OUT, content: 'nội dung mật' }, /content/],
    ['a Party type for a State unit', { ...OUT, type: 'KL' }, /KL/],
    ['subject as an object', { ...OUT, subject: { text: 'x' } }, /subject/],
    ['counterpart as an object', { ...OUT, counterpart: { name: 'Công an tỉnh' } }, /counterpart/],
    ['copies as text', { ...OUT, copies: 'ba' }, /copies/],
    ['copies fractional', { ...OUT, copies: 1.5 }, /copies/],
    ['a long notation', { ...IN, notation: 'x'.repeat(65) }, /notation/],
    ['a long place of holder', { ...OUT, holder: 'x'.repeat(301) }, /holder/],
    ['a body that is a list', [OUT], /body/],
  ];
  for (const [what, body, pattern] of cases) {
    const r = await post(env, clerk, body);
    assert.equal(r.statusCode, 400, `${what}: ${r.body}`);
    assert.match(r.json().error.message, pattern, what);
  }
  // A State type for a Party unit; a Party type for a Party unit is fine.
  assert.equal((await post(env, partyClerk, { ...OUT, type: 'QyĐ' })).statusCode, 400);
  const partyEntry = await post(env, partyClerk, { ...OUT, type: 'KL' });
  assert.equal(partyEntry.statusCode, 201, partyEntry.body);
  assert.equal(partyEntry.json().entry.notation, '01-KL/HU');
  // Incoming: any known type (the sender may be a Party body).
  assert.equal((await post(env, clerk, { ...IN, type: 'TT' })).statusCode, 201);

  // A multipart body (a file) is refused before anything is read.
  const form = multipart([{ name: 'direction', data: 'outgoing' }, { name: 'file', filename: 'mat.pdf', type: 'application/pdf', data: makePdf('mật') }]);
  const upload = await post(env, clerk, form.payload, form.headers);
  assert.ok([400, 415].includes(upload.statusCode), upload.body);
  // Only a clerk registers.
  for (const who of [leader, officer]) assert.equal((await post(env, who, OUT)).statusCode, 403);
  const after = await footprint(env);
  assert.deepEqual({ ...after, entries: after.entries - 2 }, before, 'only the two good entries were written');

  // A draft marked secret still cannot be issued electronically (QĐ 28/2018).
  const recipient = await buildUnit(env);
  const { doc } = await buildDocument(env, { author: clerk, recipients: [recipient.id], secrecy: 'confidential', files: [] });
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: clerk.auth, payload: {} });
  assert.equal(r.statusCode, 409, r.body);
  assert.match(r.json().error.message, /mật/);
});
