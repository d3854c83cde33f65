// Issue 11, items 7–9: PDFs we cannot sign are refused when they are attached (422, a message
// that tells the clerk what to do, nothing kept); a file with bytes before %PDF- and one whose
// trailer claims /Size 1000000000 are signed and sealed so that pdfsig validates both signatures;
// and our verifier never calls valid a file that poppler cannot read.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { signPdf } from '../src/modules/signing/engine.js';
import { PdfReader } from '../src/modules/signing/pdf/reader.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, type TestUser } from './helpers/factories.js';
import { certifiedNoChanges, classicPdf, deepPageTree, withXrefW } from './helpers/pdf-build.js';
import { makePdf, multipart, pdfFromObjects } from './helpers/pdf.js';
import { addAnchor, installKey, pdfsig, run, testPki } from './helpers/signing.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A unit with a clerk holding the seal key and a leader holding a personal key, both trusted. */
async function signingUnit(env: TestEnv) {
  const pki = testPki();
  const admin = await buildUser(env, { roles: ['admin'] });
  const unit = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Thử', shortName: 'UBND' });
  const clerk = await buildUser(env, { unit, roles: ['clerk'] });
  const leader = await buildUser(env, { unit, roles: ['leader'], fullName: 'Nguyễn Văn Hùng', title: 'Chủ tịch' });
  await addAnchor(env, admin, pki.ca);
  assert.equal((await installKey(env, clerk, pki.seal, pki.ca, 'unit')).statusCode, 201);
  assert.equal((await installKey(env, leader, pki.leader, pki.ca, 'user')).statusCode, 201);
  return { pki, unit, clerk, leader };
}

function upload(env: TestEnv, who: TestUser, docId: string, files: Array<{ name: string; data: Buffer }>, lang?: 'en') {
  const body = multipart(files.map((f) => ({ name: 'file', filename: f.name, data: f.data })));
  const headers = { ...who.auth, ...body.headers, ...(lang ? { 'accept-language': lang } : {}) };
  return env.app.inject({ method: 'POST', url: `/api/documents/${docId}/files`, headers, payload: body.payload });
}

async function verifyUpload(env: TestEnv, who: TestUser, pdf: Buffer) {
  const body = multipart([{ name: 'file', filename: 'x.pdf', data: pdf }]);
  const r = await env.app.inject({ method: 'POST', url: '/api/verify', headers: { ...who.auth, ...body.headers }, payload: body.payload });
  assert.equal(r.statusCode, 200, r.body);
  return r.json().signatures as Array<{ integrity: string; trust: string; signer: string; coversWholeDocument: boolean; problems: string[] }>;
}

/** Every file in the store (objects and staging copies), and the rows an upload writes. */
async function snapshot(env: TestEnv) {
  const root = path.join(env.dataDir, 'objects');
  const files: string[] = [];
  async function walk(dir: string) {
    for (const e of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else files.push(path.relative(root, p));
    }
  }
  await walk(root);
  const [rows] = (await env.db.execute(sql`select (select count(*)::int from document_files) as files,
    (select count(*)::int from blobs) as blobs, (select count(*)::int from events) as events`)) as unknown as [unknown];
  return { files: files.sort(), rows: rows as { files: number; blobs: number; events: number } };
}

async function qpdf(args: string[], input: Buffer): Promise<Buffer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hostile-'));
  try {
    await fs.writeFile(path.join(dir, 'in.pdf'), input);
    await run('qpdf', [...args, path.join(dir, 'in.pdf'), path.join(dir, 'out.pdf')]);
    return await fs.readFile(path.join(dir, 'out.pdf'));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** stdout of a reader (qpdf, pdfinfo) run on `pdf`. */
async function readWith(tool: string, args: string[], pdf: Buffer): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hostile-'));
  try {
    await fs.writeFile(path.join(dir, 'in.pdf'), pdf);
    return (await run(tool, [...args, path.join(dir, 'in.pdf')])).stdout;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Replaces the first match of `from` in the file's text (latin1). */
const edit = (pdf: Buffer, from: RegExp | string, to: string) => Buffer.from(pdf.toString('latin1').replace(from, to), 'latin1');

/** Uploads through HTTP, then the leader signs and the clerk issues: the sealed main file. */
async function signAndIssue(env: TestEnv, s: Awaited<ReturnType<typeof signingUnit>>, pdf: Buffer) {
  const commune = await buildUnit(env);
  const { doc } = await buildDocument(env, { author: s.clerk, recipients: [commune.id], files: [] });
  const up = await upload(env, s.clerk, doc.id, [{ name: 'van-ban.pdf', data: pdf }]);
  assert.equal(up.statusCode, 201, up.body);
  const signed = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/sign`, headers: s.leader.auth });
  assert.equal(signed.statusCode, 200, signed.body);
  const issued = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: s.clerk.auth });
  assert.equal(issued.statusCode, 200, issued.body);
  const detail = (await env.app.inject({ url: `/api/documents/${doc.id}`, headers: s.clerk.auth })).json();
  const main = detail.files.find((f: { role: string }) => f.role === 'main');
  const bytes = (await env.app.inject({ url: `/api/documents/${doc.id}/files/${main.id}`, headers: s.clerk.auth })).rawPayload;
  return { uploaded: up.json().files[0] as { sha256: string; size: number }, bytes, detail };
}

test('PDFs we cannot sign are refused at upload: 422 with what to do, in Vietnamese (English on request), nothing kept', { timeout: 120_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const clerk = await buildUser(env, { roles: ['clerk'] });
  const { doc } = await buildDocument(env, { author: clerk, files: [] });
  const good = makePdf('hostile');
  const xrefStream = await qpdf(['--object-streams=generate'], good);
  assert.match(xrefStream.toString('latin1'), /\/Type \/XRef/);

  const encrypted = /mã hóa\/đặt mật khẩu.*lưu một bản không mã hóa.*rồi tải lên/;
  const broken = /bị hỏng.*hãy lưu lại tệp.*rồi tải lên/;
  const certified = /chứng thực.*không cho phép thay đổi.*không thể ký số hay ban hành/;
  const deepArray = `${'['.repeat(5000)}${']'.repeat(5000)}`;
  const cases: Array<[string, Buffer, RegExp, RegExp]> = [
    // Item 7: valid, readable by every viewer (empty user password), but an incremental signature cannot go on them.
    ['AES-256, empty user password', await qpdf(['--encrypt', '', 'owner', '256', '--'], good), encrypted, /encrypted.*unencrypted copy/],
    ['RC4-128, empty user password', await qpdf(['--encrypt', '', 'owner', '128', '--use-aes=n', '--', '--allow-weak-crypto'], good), encrypted, /encrypted.*unencrypted copy/],
    // Item 8: broken.
    ['truncated', good.subarray(0, Math.floor(good.length * 0.6)), broken, /damaged.*save it again/],
    ['bad startxref', edit(good, /startxref\n\d+/, 'startxref\n12345678'), broken, /damaged/],
    ['startxref into an object', edit(good, /startxref\n\d+/, 'startxref\n15'), broken, /damaged/],
    ['/Root missing', classicPdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>'], '/Info 1 0 R'), broken, /damaged.*\/Root/],
    ['/Root not a dictionary', pdfFromObjects(['42', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>']), broken, /damaged.*catalog/],
    ['/Root a direct dictionary', classicPdf(['<< /Type /Pages /Kids [2 0 R] /Count 1 >>', '<< /Type /Page /Parent 1 0 R /MediaBox [0 0 595 842] >>'], '/Root << /Type /Catalog /Pages 1 0 R >>'), broken, /damaged/],
    ['page tree loop', pdfFromObjects(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>']), broken, /damaged.*loop/],
    ['page tree loop below the root', pdfFromObjects(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>', '<< /Type /Pages /Parent 2 0 R /Kids [4 0 R] /Count 1 >>']), broken, /damaged.*loop/],
    ['no pages', pdfFromObjects(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [] /Count 0 >>']), broken, /damaged.*no pages/],
    ['deeply nested arrays in the catalog', pdfFromObjects([`<< /Type /Catalog /Pages 2 0 R /Deep ${deepArray} >>`, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>']), broken, /damaged/],
    ['deeply nested arrays in a page', pdfFromObjects(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>', `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Deep ${deepArray} >>`]), broken, /damaged/],
    ['page tree 200 levels deep', deepPageTree(200), broken, /damaged.*too deeply/],
    ['xref stream /W [1 2]', withXrefW(xrefStream, '1 2'), broken, /damaged.*\/W/],
    ['xref stream /W [1 9 1]', withXrefW(xrefStream, '1 9 1'), broken, /damaged.*\/W/],
    ['xref stream /W [0 0 0]', withXrefW(xrefStream, '0 0 0'), broken, /damaged.*\/W/],
    ['certified, no changes allowed (DocMDP P=1)', certifiedNoChanges(), certified, /certified.*no changes allowed.*cannot be signed or issued/],
  ];
  // Every case is one viewers would not sign either — and was accepted (201) before.
  const before = await snapshot(env);
  for (const [what, pdf, vi, en] of cases) {
    const r = await upload(env, clerk, doc.id, [{ name: 'to-trinh.pdf', data: pdf }]);
    assert.equal(r.statusCode, 422, `${what}: ${r.body}`);
    assert.equal(r.json().error.code, 'unprocessable', what);
    assert.match(r.json().error.message, vi, what);
    assert.match(r.json().error.message, /"to-trinh\.pdf"/, what);
    const r2 = await upload(env, clerk, doc.id, [{ name: 'to-trinh.pdf', data: pdf }], 'en');
    assert.equal(r2.statusCode, 422, what);
    assert.match(r2.json().error.message, en, what);
    // Together with a good file: all or nothing, the good one's staged copy is dropped too.
    const r3 = await upload(env, clerk, doc.id, [{ name: 'good.pdf', data: good }, { name: 'bad.pdf', data: pdf }]);
    assert.equal(r3.statusCode, 422, what);
    assert.deepEqual(await snapshot(env), before, `${what}: nothing written`);
  }
  // The good file alone is still taken.
  const ok = await upload(env, clerk, doc.id, [{ name: 'good.pdf', data: good }]);
  assert.equal(ok.statusCode, 201, ok.body);
  assert.equal(ok.json().files[0].sha256, sha256(good));
  const after = await snapshot(env);
  assert.equal(after.rows.files, before.rows.files + 1, 'the snapshot sees an upload');
  assert.equal(after.files.length, before.files.length + 1);
});

test('a PDF with bytes before %PDF- is kept from its header on, then signed and sealed: pdfsig and /api/verify validate both signatures', { timeout: 120_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const s = await signingUnit(env);
  const pdf = makePdf('junk before the header');
  const junk = Buffer.concat([Buffer.from('From: mail gateway\r\nX-Junk: 1\r\n\r\n\x00\x01binary junk\n', 'latin1'), pdf]);
  // Readers take it as it is (offsets count from %PDF-).
  assert.match(await readWith('qpdf', ['--check'], junk), /No syntax or stream encoding errors/);
  assert.match(await readWith('pdfinfo', [], junk), /Pages:\s+1/);
  const { uploaded, bytes, detail } = await signAndIssue(env, s, junk);
  // What we keep is the PDF itself.
  assert.equal(uploaded.sha256, sha256(pdf));
  assert.equal(uploaded.size, pdf.length);
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.deepEqual(bytes.subarray(0, pdf.length), pdf, 'the original bytes are untouched by the incremental updates');

  const report = await pdfsig(bytes, s.pki.ca);
  assert.equal((report.match(/Signature is Valid/g) ?? []).length, 2, report);
  assert.equal((report.match(/Certificate is Trusted/g) ?? []).length, 2, report);
  const verdicts = await verifyUpload(env, s.clerk, bytes);
  assert.deepEqual(verdicts.map((v) => [v.integrity, v.trust, v.coversWholeDocument]), [['valid', 'trusted', false], ['valid', 'trusted', true]]);
  const stored = detail.signatures.filter((v: { role: string }) => v.role === 'main');
  assert.deepEqual(stored.map((v: { integrity: string }) => v.integrity), ['valid', 'valid']);
});

test('a trailer claiming /Size 1000000000: the signatures are numbered after the objects in use, pdfsig validates both', { timeout: 120_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const s = await signingUnit(env);
  const pdf = edit(makePdf('bogus size'), /\/Size \d+/, '/Size 1000000000');
  const { bytes } = await signAndIssue(env, s, pdf);
  // Every revision we appended lists small object numbers and a /Size that is one more than the highest.
  const text = bytes.toString('latin1', pdf.length);
  const sizes = [...text.matchAll(/\/Size (\d+)/g)].map((m) => Number(m[1]));
  assert.equal(sizes.length, 2, text.slice(-400));
  for (const size of sizes) assert.ok(size < 100, `appended /Size ${size}`);
  const report = await pdfsig(bytes, s.pki.ca);
  assert.doesNotMatch(report, /Couldn't read xref table/);
  assert.equal((report.match(/Signature is Valid/g) ?? []).length, 2, report);
  const verdicts = await verifyUpload(env, s.clerk, bytes);
  assert.deepEqual(verdicts.map((v) => [v.integrity, v.trust, v.coversWholeDocument]), [['valid', 'trusted', false], ['valid', 'trusted', true]]);
});

test('our verifier does not call valid a signed file that poppler cannot read (objects numbered past the PDF limit)', { timeout: 120_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const s = await signingUnit(env);
  const pdf = edit(makePdf('bogus size'), /\/Size \d+/, '/Size 1000000000');
  // The file the update used to write for this input: its objects numbered from the claimed /Size on.
  const next = Object.getOwnPropertyDescriptor(PdfReader.prototype, 'nextFreeNumber')!;
  Object.defineProperty(PdfReader.prototype, 'nextFreeNumber', { ...next, value: () => 1_000_000_000 });
  let bad: Buffer;
  try {
    bad = await signPdf(pdf, { certificate: s.pki.leader.certificate, chain: [s.pki.ca.certificate], privateKeyPem: s.pki.leader.privateKeyPem }, { fieldName: 'Sig', signingTime: new Date() }, null);
  } finally {
    Object.defineProperty(PdfReader.prototype, 'nextFreeNumber', next);
  }
  assert.match(bad.toString('latin1', pdf.length), /\n1000000000 \d+\n/);
  const report = await pdfsig(bad, s.pki.ca);
  assert.doesNotMatch(report, /Signature is Valid/, report);
  const verdicts = await verifyUpload(env, s.clerk, bad);
  assert.equal(verdicts.length, 1);
  assert.equal(verdicts[0]!.integrity, 'invalid');
  assert.ok(verdicts[0]!.problems.some((p) => /PDF readers cannot open/.test(p)), verdicts[0]!.problems.join('; '));
  // The same input signed now opens in poppler and verifies.
  const fixed = await signPdf(pdf, { certificate: s.pki.leader.certificate, chain: [s.pki.ca.certificate], privateKeyPem: s.pki.leader.privateKeyPem }, { fieldName: 'Sig', signingTime: new Date() }, null);
  assert.match(await pdfsig(fixed, s.pki.ca), /Signature is Valid/);
  assert.deepEqual((await verifyUpload(env, s.clerk, fixed)).map((v) => v.integrity), ['valid']);
});
