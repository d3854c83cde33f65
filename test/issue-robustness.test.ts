import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { Readable } from 'node:stream';
import { eq, sql } from 'drizzle-orm';
import { createCa, issueCertificate } from '../src/modules/signing/crypto/dev-ca.js';
import { loadDocument } from '../src/modules/documents/access.js';
import { blobs, documentFiles } from '../src/modules/documents/tables.js';
import { numberDraft } from '../src/modules/documents/issue-steps.js';
import { finishInterruptedIssues } from '../src/workflows/issue-document.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, type TestUser } from './helpers/factories.js';
import { makePdf } from './helpers/pdf.js';
import { addAnchor, installKey, pdfsig, testPki } from './helpers/signing.js';
import { startTestTsa } from './helpers/tsa.js';

const run = promisify(execFile);

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
  return { pki, admin, unit, clerk, leader };
}

/**
 * A draft whose main file is `pdf` exactly as stored: uploads refuse such files (422), but one kept
 * before that check existed must still be refused at sign and issue.
 */
async function draftWithStoredFile(env: TestEnv, author: TestUser, recipients: string[], pdf: Buffer, subject?: string) {
  const { doc } = await buildDocument(env, { author, recipients, ...(subject ? { subject } : {}) });
  const { sha256, size } = await env.store.put(Readable.from([pdf]));
  await env.db.insert(blobs).values({ sha256, size }).onConflictDoNothing();
  await env.db.update(documentFiles).set({ sha256, size }).where(eq(documentFiles.documentId, doc.id));
  return { doc };
}

const issue = (env: TestEnv, clerk: TestUser, id: string) => env.app.inject({ method: 'POST', url: `/api/documents/${id}/issue`, headers: clerk.auth });

async function tsaFor(t: { after(fn: () => Promise<void>): void }, delayMs: (n: number) => number) {
  const tsaCa = createCa({ commonName: 'Test TSA Root' });
  const tsaCert = issueCertificate(tsaCa, { commonName: 'Test TSA', extendedKeyUsage: ['1.3.6.1.5.5.7.3.8'] });
  const tsa = await startTestTsa({ certificate: tsaCert.certificate, privateKeyPem: tsaCert.privateKeyPem, delayMs });
  t.after(() => tsa.close());
  return { tsa, tsaCa };
}

test('a TSA that sleeps 10 s holds up only its own issue: a second issue of the same unit completes meanwhile, neither answers 500', { timeout: 60_000 }, async (t) => {
  // The first time-stamp request sleeps 10 s; later ones answer at once.
  const { tsa, tsaCa } = await tsaFor(t, (n) => (n === 1 ? 10_000 : 0));
  const env = await buildTestEnv(t, { tsaUrl: tsa.url, tsaTimeoutMs: 15_000 });
  const { clerk, admin } = await signingUnit(env);
  await addAnchor(env, admin, tsaCa);
  const commune = await buildUnit(env);
  const { doc: slow } = await buildDocument(env, { author: clerk, recipients: [commune.id], subject: 'Văn bản chờ TSA' });
  const { doc: fast } = await buildDocument(env, { author: clerk, recipients: [commune.id], subject: 'Văn bản thứ hai' });

  const started = Date.now();
  let slowDone = false;
  const first = issue(env, clerk, slow.id).then((r) => {
    slowDone = true;
    return r;
  });
  // Wait until the first issue is sitting in the TSA round trip (its number is already committed).
  for (let i = 0; i < 100 && tsa.requests < 1; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(tsa.requests, 1, 'the first issue reached the TSA');
  const second = await issue(env, clerk, fast.id);
  assert.equal(second.statusCode, 200, second.body);
  assert.equal(slowDone, false, 'the second issue waited for the first one');
  assert.ok(Date.now() - started < 9_000, 'the second issue finished while the TSA still slept');
  assert.equal(second.json().document.status, 'issued');
  assert.equal(second.json().document.number, 2);
  assert.equal(second.json().document.timestamped, true);

  const r1 = await first;
  assert.equal(r1.statusCode, 200, r1.body);
  assert.equal(r1.json().document.number, 1, 'the number was taken before the TSA call');
  assert.equal(r1.json().document.status, 'issued');
  assert.equal(r1.json().document.timestamped, true);
});

test('a TSA that does not answer within TSA_TIMEOUT_SECONDS: the seal is B-B, the issue succeeds and says timestamped: false', { timeout: 60_000 }, async (t) => {
  const { tsa } = await tsaFor(t, () => 5_000);
  const env = await buildTestEnv(t, { tsaUrl: tsa.url, tsaTimeoutMs: 1_000 });
  const { clerk, leader, pki } = await signingUnit(env);
  const commune = await buildUnit(env);
  const { doc } = await buildDocument(env, { author: clerk, recipients: [commune.id] });
  const signed = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/sign`, headers: leader.auth });
  assert.equal(signed.statusCode, 200, signed.body);
  assert.equal(signed.json().timestamped, false);
  const r = await issue(env, clerk, doc.id);
  assert.equal(r.statusCode, 200, r.body);
  assert.equal(r.json().document.status, 'issued');
  assert.equal(r.json().document.timestamped, false);
  const detail = (await env.app.inject({ url: `/api/documents/${doc.id}`, headers: clerk.auth })).json();
  const main = detail.files.find((f: { role: string }) => f.role === 'main');
  const bytes = (await env.app.inject({ url: `/api/documents/${doc.id}/files/${main.id}`, headers: clerk.auth })).rawPayload;
  const report = await pdfsig(bytes, pki.ca);
  assert.equal((report.match(/Signature is Valid/g) ?? []).length, 2, report);
  const verdicts = detail.signatures.filter((s: { role: string }) => s.role === 'main');
  assert.deepEqual(verdicts.map((s: { timestamped: boolean }) => s.timestamped), [false, false]);
});

test('an encrypted or broken PDF at sign or issue is a 422 that says what is wrong, and no number is taken', { timeout: 60_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const { clerk, leader } = await signingUnit(env);
  const commune = await buildUnit(env);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'enc-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  await fs.writeFile(path.join(dir, 'plain.pdf'), makePdf('encrypted test'));
  // Encrypted with an empty user password: any reader opens it, but it cannot be signed incrementally here.
  await run('qpdf', ['--encrypt', '', 'owner-pass', '256', '--', path.join(dir, 'plain.pdf'), path.join(dir, 'enc.pdf')]);
  const encrypted = await fs.readFile(path.join(dir, 'enc.pdf'));
  const broken = Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\nstartxref\n999999\n%%EOF\n');

  for (const [what, pdf, pattern] of [['encrypted', encrypted, /mã hóa/], ['broken', broken, /bị hỏng/]] as const) {
    const { doc } = await draftWithStoredFile(env, clerk, [commune.id], pdf, `Tệp ${what}`);
    const sign = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/sign`, headers: leader.auth });
    assert.equal(sign.statusCode, 422, `${what} sign: ${sign.body}`);
    assert.equal(sign.json().error.code, 'unprocessable');
    assert.match(sign.json().error.message, pattern);
    const r = await issue(env, clerk, doc.id);
    assert.equal(r.statusCode, 422, `${what} issue: ${r.body}`);
    assert.equal(r.json().error.code, 'unprocessable');
    assert.match(r.json().error.message, pattern);
    const after = await loadDocument(env.db, doc.id);
    assert.equal(after.status, 'draft');
    assert.equal(after.number, null);
  }
  const en = await env.app.inject({ method: 'POST', url: `/api/documents/${(await draftWithStoredFile(env, clerk, [commune.id], encrypted)).doc.id}/issue`, headers: { ...clerk.auth, 'accept-language': 'en' } });
  assert.equal(en.statusCode, 422);
  assert.match(en.json().error.message, /encrypted/);
  // Nothing was consumed: the next good document gets 01.
  const { doc: good } = await buildDocument(env, { author: clerk, recipients: [commune.id] });
  const ok = await issue(env, clerk, good.id);
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(ok.json().document.number, 1);
});

test('an issue interrupted after numbering is finished later: sealed, delivered once, its number kept', { timeout: 60_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const { clerk, pki } = await signingUnit(env);
  const communes = [await buildUnit(env), await buildUnit(env)];
  const { doc } = await buildDocument(env, { author: clerk, recipients: communes.map((c) => c.id), urgency: 'flash' });
  // The request died right after the numbering transaction committed.
  await env.db.transaction(async (tx) => numberDraft(tx, clerk.actor, await loadDocument(tx, doc.id, { forUpdate: true }), env.clock()));
  const numbered = await loadDocument(env.db, doc.id);
  assert.equal(numbered.status, 'issuing');
  assert.equal(numbered.number, 1);
  // Recipients cannot see a document that is not delivered yet.
  const communeClerk = await buildUser(env, { unit: communes[0]!, roles: ['clerk'] });
  assert.equal((await env.app.inject({ url: `/api/documents/${doc.id}`, headers: communeClerk.auth })).statusCode, 404);
  // Within the grace period the job leaves it alone (the request may still be sealing).
  assert.equal(await finishInterruptedIssues(env.deps), 0);
  env.clock.advance(3 * 60_000);
  assert.equal(await finishInterruptedIssues(env.deps), 1);
  assert.equal(await finishInterruptedIssues(env.deps), 0, 'finished once');
  const done = await loadDocument(env.db, doc.id);
  assert.equal(done.status, 'issued');
  assert.equal(done.number, 1);
  const [{ n, alarms }] = (await env.db.execute(sql`select (select count(*)::int from deliveries where document_id = ${doc.id}) as n,
    (select count(*)::int from urgent_alarms a join deliveries d on d.id = a.delivery_id where d.document_id = ${doc.id}) as alarms`)) as unknown as [{ n: number; alarms: number }];
  assert.equal(n, 2);
  assert.equal(alarms, 2);
  const types = (await env.app.inject({ url: `/api/documents/${doc.id}`, headers: clerk.auth })).json().events.map((e: { type: string }) => e.type);
  assert.equal(types.filter((x: string) => x === 'document.issued').length, 1);
  assert.equal(types.filter((x: string) => x === 'delivery.created').length, 2);
  // The seal was applied by the job and validates independently.
  const refreshed = await env.app.inject({ url: `/api/documents/${doc.id}`, headers: communeClerk.auth });
  assert.equal(refreshed.statusCode, 200);
  const main = refreshed.json().files.find((f: { role: string }) => f.role === 'main');
  const bytes = (await env.app.inject({ url: `/api/documents/${doc.id}/files/${main.id}`, headers: communeClerk.auth })).rawPayload;
  assert.match(await pdfsig(bytes, pki.ca), /Signature is Valid/);
});
