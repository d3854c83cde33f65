// Issue 12 point 2, "cấp số" on the page: at issue the number/notation and the date (Vietnam
// time, the unit's place name) are written onto the main file of a real Decree 30-layout PDF
// (test/helpers/decree30.ts) after the leader's signature and before the seal, as annotations in
// an incremental update: pdftotext reads "Số: 01/QĐ-UBND" and "Sơn Hà, ngày 30 tháng 11 năm
// 2026", and pdfsig finds both signatures valid. Placements picked by the clerk; a công văn whose
// date line has no place and no year; a page without those lines is issued unstamped
// (`stamped: false`); an interrupted issue is finished with the same stamp.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { loadDocument } from '../src/modules/documents/access.js';
import { numberDraft } from '../src/modules/documents/issue-steps.js';
import { units } from '../src/modules/orgs/tables.js';
import { dateLine, locateStamp, placeFromUnitName, vnDateParts } from '../src/modules/signing/stamp.js';
import { finishInterruptedIssues } from '../src/workflows/issue-document.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { decree30Pdf } from './helpers/decree30.js';
import { buildDocument, buildUnit, buildUser, type TestUser } from './helpers/factories.js';
import { makePdf, pdfFromObjects } from './helpers/pdf.js';
import { addAnchor, installKey, pdfsig, testPki } from './helpers/signing.js';

const run = promisify(execFile);
/** 01:30 on 30 November in Vietnam, still the 29th in UTC: the date on the page is Vietnam's. */
const ISSUE_AT = '2026-11-29T18:30:00Z';

async function pdftotext(pdf: Buffer): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'so-'));
  try {
    await fs.writeFile(path.join(dir, 'doc.pdf'), pdf);
    return (await run('pdftotext', [path.join(dir, 'doc.pdf'), '-'])).stdout;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** A commune's People's Committee with a clerk holding the seal and a chairman holding his key, both trusted. */
async function commune(env: TestEnv, name = 'Ủy ban nhân dân xã Sơn Hà') {
  env.clock.set(ISSUE_AT);
  const pki = testPki(name);
  // Valid from the start of the year, so the fixed clock is inside their validity whenever the test runs this year.
  const validity = { validFrom: new Date('2026-01-01T00:00:00Z'), validTo: new Date(Math.max(Date.now(), Date.parse(ISSUE_AT)) + 365 * 86400_000) };
  const leaderKey = pki.issue({ commonName: 'Nguyễn Văn An', organization: name, organizationalUnit: 'Chủ tịch', ...validity });
  const sealKey = pki.issue({ commonName: name, organization: name, ...validity });
  const admin = await buildUser(env, { roles: ['admin'] });
  const unit = await buildUnit(env, { name, shortName: 'UBND' });
  const clerk = await buildUser(env, { unit, roles: ['clerk'] });
  const leader = await buildUser(env, { unit, roles: ['leader'], fullName: 'Nguyễn Văn An', title: 'Chủ tịch' });
  await addAnchor(env, admin, pki.ca);
  assert.equal((await installKey(env, clerk, sealKey, pki.ca, 'unit')).statusCode, 201);
  assert.equal((await installKey(env, leader, leaderKey, pki.ca, 'user')).statusCode, 201);
  const recipient = await buildUnit(env);
  return { pki, unit, clerk, leader, recipient };
}

async function mainFile(env: TestEnv, who: TestUser, id: string): Promise<Buffer> {
  const detail = (await env.app.inject({ url: `/api/documents/${id}`, headers: who.auth })).json();
  const main = detail.files.find((f: { role: string }) => f.role === 'main');
  return (await env.app.inject({ url: `/api/documents/${id}/files/${main.id}`, headers: who.auth })).rawPayload;
}

async function issuedEvent(env: TestEnv, who: TestUser, id: string) {
  const detail = (await env.app.inject({ url: `/api/documents/${id}`, headers: who.auth })).json();
  return detail.events.find((e: { type: string }) => e.type === 'document.issued') as { data: Record<string, unknown> };
}

const sign = (env: TestEnv, leader: TestUser, id: string) => env.app.inject({ method: 'POST', url: `/api/documents/${id}/sign`, headers: leader.auth });
const issue = (env: TestEnv, clerk: TestUser, id: string, payload?: object) =>
  env.app.inject({ method: 'POST', url: `/api/documents/${id}/issue`, headers: clerk.auth, ...(payload ? { payload } : {}) });
const validSignatures = async (pdf: Buffer, w: { pki: ReturnType<typeof testPki> }) => ((await pdfsig(pdf, w.pki.ca)).match(/Signature is Valid/g) ?? []).length;

test('a quyết định signed by the chairman: the issued file reads "Số: 01/QĐ-UBND" and "Sơn Hà, ngày 30 tháng 11 năm 2026", both signatures valid', { timeout: 180_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const w = await commune(env);
  const { pdf } = await decree30Pdf();
  const { doc } = await buildDocument(env, { author: w.clerk, type: 'QĐ', subject: 'Về việc ban hành Quy chế làm việc', recipients: [w.recipient.id], files: [pdf] });
  assert.equal((await sign(env, w.leader, doc.id)).statusCode, 200);
  const signed = await mainFile(env, w.clerk, doc.id);
  const r = await issue(env, w.clerk, doc.id);
  assert.equal(r.statusCode, 200, r.body);
  assert.equal(r.json().document.notation, '01/QĐ-UBND');
  assert.equal(r.json().document.stamped, true);

  const issued = await mainFile(env, w.clerk, doc.id);
  // Incremental: the leader's signed revision is untouched, the stamp and the seal come after it.
  assert.ok(issued.subarray(0, signed.length).equals(signed), 'the signed file is a prefix of the issued one');
  const text = await pdftotext(issued);
  assert.match(text, /Số: 01\/QĐ-UBND/);
  assert.match(text, /Sơn Hà, ngày 30 tháng 11 năm 2026/);
  assert.equal(await validSignatures(issued, w), 2);
  // The stamp is annotations only: no page content was rewritten.
  const tail = issued.subarray(signed.length).toString('latin1');
  assert.match(tail, /\/Subtype \/FreeText/);
  assert.equal((await issuedEvent(env, w.clerk, doc.id)).data.stamped, true);
});

test('a công văn whose date line has no place and no year; the unit\'s place_name wins over its name', { timeout: 180_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const w = await commune(env, 'Ủy ban nhân dân xã Thử Nghiệm');
  await env.db.update(units).set({ placeName: 'Sơn Hà' }).where(eq(units.id, w.unit.id));
  const office = await buildUnit(env, { shortName: 'VP', kind: 'department', parentId: w.unit.id });
  const { pdf } = await decree30Pdf({ type: 'CV', place: null, year: '' });
  const { doc } = await buildDocument(env, { author: w.clerk, type: 'CV', draftingUnitId: office.id, recipients: [w.recipient.id], files: [pdf] });
  assert.equal((await sign(env, w.leader, doc.id)).statusCode, 200);
  const r = await issue(env, w.clerk, doc.id);
  assert.equal(r.statusCode, 200, r.body);
  assert.equal(r.json().document.notation, '01/UBND-VP');
  const issued = await mainFile(env, w.clerk, doc.id);
  const text = await pdftotext(issued);
  assert.match(text, /Số: 01\/UBND-VP/);
  assert.match(text, /Sơn Hà, ngày 30 tháng 11 năm 2026/);
  assert.equal(await validSignatures(issued, w), 2);
});

test('placements picked by the clerk on a page without those lines; a placement off the page is a 422 before any number is taken', { timeout: 180_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const w = await commune(env);
  const { pdf } = await decree30Pdf({ noHeaderLines: true });
  const { doc } = await buildDocument(env, { author: w.clerk, type: 'QĐ', recipients: [w.recipient.id], files: [pdf] });
  assert.equal((await sign(env, w.leader, doc.id)).statusCode, 200);
  const off = await issue(env, w.clerk, doc.id, { numberPlacement: { page: 0, x: 900, y: 700 } });
  assert.equal(off.statusCode, 422, off.body);
  assert.match(off.json().error.message, /ngoài trang/);
  const noPage = await issue(env, w.clerk, doc.id, { datePlacement: { page: 3, x: 100, y: 100 } });
  assert.equal(noPage.statusCode, 422, noPage.body);
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: w.clerk.auth, payload: { numberPlacement: { page: 0, x: 'a', y: 1 } } })).statusCode, 400);
  assert.equal((await loadDocument(env.db, doc.id)).status, 'draft');

  const r = await issue(env, w.clerk, doc.id, { numberPlacement: { page: 0, x: 100, y: 720 }, datePlacement: { page: -1, x: 300, y: 720 } });
  assert.equal(r.statusCode, 200, r.body);
  assert.equal(r.json().document.number, 1, 'the refused attempts took no number');
  const issued = await mainFile(env, w.clerk, doc.id);
  const text = await pdftotext(issued);
  assert.match(text, /Số: 01\/QĐ-UBND/);
  assert.match(text, /Sơn Hà, ngày 30 tháng 11 năm 2026/);
  assert.equal(await validSignatures(issued, w), 2);
  assert.equal((await issuedEvent(env, w.clerk, doc.id)).data.stamped, true);
});

test('a page without "Số:" and a date line (a scan) and no placements is issued unstamped: stamped: false', { timeout: 180_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const w = await commune(env);
  const scan = makePdf('scanned page');
  const { doc } = await buildDocument(env, { author: w.clerk, type: 'QĐ', recipients: [w.recipient.id], files: [scan] });
  const r = await issue(env, w.clerk, doc.id);
  assert.equal(r.statusCode, 200, r.body);
  assert.equal(r.json().document.stamped, false, 'the issue response tells the clerk');
  assert.equal((await issuedEvent(env, w.clerk, doc.id)).data.stamped, false);
  const issued = await mainFile(env, w.clerk, doc.id);
  assert.doesNotMatch(await pdftotext(issued), /01\/QĐ-UBND/);
  assert.equal(await validSignatures(issued, w), 1, 'the seal');
});

test('a text layer pdf.js cannot make sense of (garbage compressed content, a font that is not one) never blocks the issue', { timeout: 180_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const w = await commune(env);
  const garbage = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 251)).toString('latin1');
  const text = 'BT /F1 13 Tf 100 720 Td <0001000200030004> Tj (So:) Tj ET';
  const hostile = pdfFromObjects([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [4 0 R 6 0 R] /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${garbage.length} /Filter /FlateDecode >>\nstream\n${garbage}\nendstream`,
    '<< /Type /Font /Subtype /Type0 /BaseFont /Nope /Encoding /Identity-H /DescendantFonts [7 0 R] >>',
    `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /CIDFontType2 /FontDescriptor << /FontFile2 4 0 R >> >>',
  ]);
  const { doc } = await buildDocument(env, { author: w.clerk, type: 'QĐ', recipients: [w.recipient.id], files: [hostile] });
  const r = await issue(env, w.clerk, doc.id);
  assert.equal(r.statusCode, 200, r.body);
  assert.equal((await issuedEvent(env, w.clerk, doc.id)).data.stamped, false);
  assert.equal(await validSignatures(await mainFile(env, w.clerk, doc.id), w), 1, 'the seal');
});

test('an issue interrupted after numbering is finished by the job with the same stamp', { timeout: 180_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const w = await commune(env);
  const { pdf } = await decree30Pdf({ pages: 2 });
  const { doc } = await buildDocument(env, { author: w.clerk, type: 'QĐ', recipients: [w.recipient.id], files: [pdf] });
  assert.equal((await sign(env, w.leader, doc.id)).statusCode, 200);
  // The request died right after the numbering transaction committed (with the layout it located).
  const stamp = await locateStamp(await mainFile(env, w.clerk, doc.id));
  await env.db.transaction(async (tx) => numberDraft(tx, w.clerk.actor, await loadDocument(tx, doc.id, { forUpdate: true }), env.clock(), { stamp }));
  env.clock.advance(3 * 60_000);
  assert.equal(await finishInterruptedIssues(env.deps), 1);
  const issued = await mainFile(env, w.clerk, doc.id);
  const text = await pdftotext(issued);
  assert.match(text, /Số: 01\/QĐ-UBND/);
  assert.match(text, /Sơn Hà, ngày 30 tháng 11 năm 2026/); // the date of numbering, not of finishing
  assert.equal(await validSignatures(issued, w), 2);
  assert.equal((await issuedEvent(env, w.clerk, doc.id)).data.stamped, true);
});

test('place names from unit names; Vietnam dates with two-digit day and month', () => {
  assert.equal(placeFromUnitName('Xã Sơn Hà'), 'Sơn Hà');
  assert.equal(placeFromUnitName('Ủy ban nhân dân xã Sơn Hà'), 'Sơn Hà');
  assert.equal(placeFromUnitName('UBND phường Bến Nghé'), 'Bến Nghé');
  assert.equal(placeFromUnitName('ĐẢNG ỦY XÃ SƠN HÀ'), 'Sơn Hà');
  assert.equal(placeFromUnitName('Huyện ủy Thử'), 'Thử');
  assert.equal(placeFromUnitName('Ủy ban nhân dân thị trấn Phong Điền'), 'Phong Điền');
  assert.equal(placeFromUnitName('Trường THCS Sơn Hà'), null);
  assert.deepEqual(vnDateParts(new Date('2026-02-04T17:00:00Z')), { day: '05', month: '02', year: '2026' });
  assert.deepEqual(vnDateParts(new Date('2026-12-31T17:00:00Z')), { day: '01', month: '01', year: '2027' });
  assert.equal(dateLine(new Date(ISSUE_AT), 'Sơn Hà'), 'Sơn Hà, ngày 30 tháng 11 năm 2026');
  assert.equal(dateLine(new Date(ISSUE_AT), null), 'ngày 30 tháng 11 năm 2026');
});
