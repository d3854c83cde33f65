import assert from 'node:assert/strict';
import { createHash, sign } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as pkijs from 'pkijs';
import { findSignatures } from '../src/modules/signing/pdf/incremental.js';
import { startTestTsa } from './helpers/tsa.js';
import { test } from 'node:test';
import { issueCertificate, createCa } from '../src/modules/signing/crypto/dev-ca.js';
import { signPdf } from '../src/modules/signing/engine.js';
import { demoSealPng, demoSignaturePng } from '../src/workflows/demo/demo-images.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, type TestUser } from './helpers/factories.js';
import { makePdf, multipart } from './helpers/pdf.js';
import { addAnchor, installKey, keyForms, pdfsig, pem, run, testPki } from './helpers/signing.js';

async function download(env: TestEnv, who: TestUser, docId: string, role: 'main' | 'appendix' = 'main') {
  const detail = (await env.app.inject({ url: `/api/documents/${docId}`, headers: who.auth })).json();
  const file = detail.files.find((f: { role: string }) => f.role === role);
  return { detail, file, bytes: (await env.app.inject({ url: `/api/documents/${docId}/files/${file.id}`, headers: who.auth })).rawPayload };
}

async function verifyUpload(env: TestEnv, who: TestUser, pdf: Buffer) {
  const body = multipart([{ name: 'file', filename: 'x.pdf', data: pdf }]);
  const r = await env.app.inject({ method: 'POST', url: '/api/verify', headers: { ...who.auth, ...body.headers }, payload: body.payload });
  assert.equal(r.statusCode, 200, r.body);
  return r.json().signatures as Array<{ integrity: string; trust: string; signer: string; coversWholeDocument: boolean; timestamped: boolean }>;
}

test('leader signs, the seal is applied at issue: pdfsig and our verifier both say valid and trusted; keys never leak', async (t) => {
  const env = await buildTestEnv(t);
  const pki = testPki();
  const admin = await buildUser(env, { roles: ['admin'] });
  const unit = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Thử', shortName: 'UBND' });
  const leader = await buildUser(env, { unit, roles: ['leader'], fullName: 'Nguyễn Văn Hùng', title: 'Chủ tịch' });
  const clerk = await buildUser(env, { unit, roles: ['clerk'] });
  const commune = await buildUnit(env, { name: 'Ủy ban nhân dân xã Sơn Tây' });
  const reader = await buildUser(env, { unit: commune, roles: ['clerk'] });
  const responses: string[] = [];
  const keep = <T extends { body: string }>(r: T) => (responses.push(r.body), r);

  const anchor = keep(await addAnchor(env, admin, pki.ca));
  assert.equal(anchor.statusCode, 201, anchor.body + env.logs.filter((l) => l.includes('"level":50')).join("\n").slice(0, 3000));
  const installed = keep(await installKey(env, leader, pki.leader, pki.ca, 'user'));
  assert.equal(installed.statusCode, 201, installed.body + env.logs.filter((l) => l.includes('"level":50')).join("\n").slice(0, 3000));
  assert.match(installed.json().certificate.subject, /Nguyễn Văn Hùng/);
  assert.equal(keep(await installKey(env, clerk, pki.seal, pki.ca, 'unit')).statusCode, 201);
  for (const [who, png, owner] of [[leader, demoSignaturePng(3), 'user'], [clerk, demoSealPng(), 'unit']] as const) {
    const b = multipart([{ name: 'owner', data: owner }, { name: 'file', filename: 'a.png', type: 'image/png', data: png }]);
    assert.equal(keep(await env.app.inject({ method: 'POST', url: '/api/signature-images', headers: { ...who.auth, ...b.headers }, payload: b.payload })).statusCode, 201);
  }

  const { doc } = await buildDocument(env, { author: clerk, type: 'QĐ', recipients: [commune.id], files: [makePdf('Quyet dinh'), makePdf('Phu luc 1')] });
  const signed = keep(await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/sign`, headers: leader.auth }));
  assert.equal(signed.statusCode, 200, signed.body);
  assert.equal(signed.json().signatures.filter((s: { role: string }) => s.role === 'main').length, 1);
  // Only a leader signs, and only once.
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/sign`, headers: clerk.auth })).statusCode, 403);
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/sign`, headers: leader.auth })).statusCode, 409);
  const issued = keep(await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: clerk.auth }));
  assert.equal(issued.statusCode, 200, issued.body);

  const { detail, bytes } = await download(env, reader, doc.id);
  const report = await pdfsig(bytes, pki.ca);
  assert.equal((report.match(/Signature is Valid/g) ?? []).length, 2, report);
  assert.equal((report.match(/Certificate is Trusted/g) ?? []).length, 2, report);
  assert.match(report, /Total document signed/);
  const mainSigs = detail.signatures.filter((s: { role: string }) => s.role === 'main');
  assert.equal(mainSigs.length, 2);
  for (const s of mainSigs) {
    assert.equal(s.integrity, 'valid');
    assert.equal(s.trust, 'trusted');
  }
  assert.deepEqual(mainSigs.map((s: { signer: string }) => s.signer), ['Nguyễn Văn Hùng', 'Ủy ban nhân dân huyện Thử']);
  assert.deepEqual(mainSigs.map((s: { coversWholeDocument: boolean }) => s.coversWholeDocument), [false, true]);
  // The appendix carries the seal alone, with the notation as visible text.
  const appendix = await download(env, reader, doc.id, 'appendix');
  const appReport = await pdfsig(appendix.bytes, pki.ca);
  assert.equal((appReport.match(/Signature is Valid/g) ?? []).length, 1, appReport);
  // The inbox item shows the verdict.
  const inbox = (await env.app.inject({ url: '/api/inbox', headers: reader.auth })).json();
  assert.equal(inbox.items[0].signature, 'valid');

  // One byte changed inside a signed range: both pdfsig and our verifier see it.
  const tampered = Buffer.from(bytes);
  const at = tampered.indexOf('Quyet dinh');
  tampered[at] = 'q'.charCodeAt(0);
  assert.match(await pdfsig(tampered, pki.ca), /Digest Mismatch/);
  const verdict = await verifyUpload(env, reader, tampered);
  assert.ok(verdict.every((v) => v.integrity === 'invalid'));

  // No endpoint response and no log line holds any form of either private key.
  for (const key of [pki.leader, pki.seal]) {
    for (const form of keyForms(key)) {
      for (const body of responses) assert.ok(!body.includes(form), 'a response contains key material');
      assert.ok(!env.logs.join('\n').includes(form), 'the log contains key material');
    }
  }
});

test('a signature from an unknown CA is untrusted; an expired or non-signing certificate is refused', async (t) => {
  const env = await buildTestEnv(t);
  const pki = testPki();
  const admin = await buildUser(env, { roles: ['admin'] });
  const leader = await buildUser(env, { roles: ['leader'] });
  await addAnchor(env, admin, pki.ca);
  const stranger = createCa({ commonName: 'Unknown CA' });
  const foreign = issueCertificate(stranger, { commonName: 'Người lạ' });
  const signed = await signPdf(makePdf('foreign'), { privateKeyPem: foreign.privateKeyPem, certificate: foreign.certificate, chain: [stranger.certificate] }, { fieldName: 'S', signingTime: new Date() }, null);
  const [v] = await verifyUpload(env, leader, signed);
  assert.equal(v!.integrity, 'valid');
  assert.equal(v!.trust, 'untrusted');
  assert.match(await pdfsig(signed), /Signature is Valid/);

  const expired = issueCertificate(pki.ca, { commonName: 'Hết hạn', validFrom: new Date('2020-01-01'), validTo: new Date('2021-01-01') });
  const r1 = await installKey(env, leader, expired, pki.ca, 'user');
  assert.equal(r1.statusCode, 400);
  assert.match(r1.json().error.message, /hết hạn/);
  const noUsage = issueCertificate(pki.ca, { commonName: 'Mã hóa', keyUsage: ['keyEncipherment'] });
  assert.equal((await installKey(env, leader, noUsage, pki.ca, 'user')).statusCode, 400);
  const wrong = await installKey(env, leader, pki.leader, pki.ca, 'user', 'right');
  assert.equal(wrong.statusCode, 201);
  const body = multipart([{ name: 'owner', data: 'user' }, { name: 'passphrase', data: 'sai' }, { name: 'file', filename: 'k.p12', data: (await import('../src/modules/signing/crypto/dev-ca.js')).toPkcs12({ privateKeyPem: pki.leader.privateKeyPem, certificate: pki.leader.certificate, chain: [], passphrase: 'dung' }) }]);
  const bad = await env.app.inject({ method: 'POST', url: '/api/certificates', headers: { ...leader.auth, ...body.headers }, payload: body.payload });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error.message, /mật khẩu/);

  // A key valid when installed cannot sign once it has expired.
  const shortLived = issueCertificate(pki.ca, { commonName: 'Ngắn hạn', validTo: new Date(Date.now() + 3600_000) });
  assert.equal((await installKey(env, leader, shortLived, pki.ca, 'user')).statusCode, 201);
  const clerk = await buildUser(env, { unit: leader.unit, roles: ['clerk'] });
  const { doc } = await buildDocument(env, { author: clerk });
  env.clock.advance(2 * 3600_000);
  const fresh = await buildUser(env, { unit: leader.unit, roles: ['leader'] });
  // (the leader's session is older than the clock jump only by design of the test; use a fresh one)
  await installKey(env, fresh, shortLived, pki.ca, 'user').then((r) => assert.equal(r.statusCode, 400));
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/sign`, headers: (await buildUser(env, { unit: leader.unit, roles: ['leader'] })).auth });
  assert.equal(r.statusCode, 409);
});

test('with a TSA signatures are PAdES B-T (token verified by openssl ts); two-step signing with a key the server never sees', async (t) => {
  const tsaCa = createCa({ commonName: 'Test TSA Root' });
  const tsaCert = issueCertificate(tsaCa, { commonName: 'Test TSA', extendedKeyUsage: ['1.3.6.1.5.5.7.3.8'] });
  const tsa = await startTestTsa({ certificate: tsaCert.certificate, privateKeyPem: tsaCert.privateKeyPem });
  t.after(() => tsa.close());
  const env = await buildTestEnv(t, { tsaUrl: tsa.url });
  const pki = testPki();
  const admin = await buildUser(env, { roles: ['admin'] });
  const unit = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Thử', shortName: 'UBND' });
  const leader = await buildUser(env, { unit, roles: ['leader'], fullName: 'Nguyễn Văn Hùng', title: 'Chủ tịch' });
  const clerk = await buildUser(env, { unit, roles: ['clerk'] });
  const commune = await buildUnit(env);
  await addAnchor(env, admin, pki.ca);
  await addAnchor(env, admin, tsaCa);
  assert.equal((await installKey(env, clerk, pki.seal, pki.ca, 'unit')).statusCode, 201);
  const { doc } = await buildDocument(env, { author: clerk, recipients: [commune.id] });

  // Step 1: the server returns the signed attributes for the token's certificate.
  const token = pki.issue({ commonName: 'Nguyễn Văn Hùng (USB token)' });
  const prep = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/sign/prepare`, headers: leader.auth, payload: { certificate: pem(token.certificate) } });
  assert.equal(prep.statusCode, 200, prep.body);
  const { handle, signedAttributes, digest } = prep.json();
  const attrs = Buffer.from(signedAttributes, 'base64');
  assert.equal(createHash('sha256').update(attrs).digest('base64'), digest);
  // A signature that does not match is refused and changes nothing.
  const bogus = sign('sha256', Buffer.from('something else'), token.privateKeyPem).toString('base64');
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/sign/complete`, headers: leader.auth, payload: { handle, signature: bogus } })).statusCode, 400);
  // Step 2: the "token" signs outside the server.
  const value = sign('sha256', attrs, token.privateKeyPem).toString('base64');
  const done = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/sign/complete`, headers: leader.auth, payload: { handle, signature: value, chain: [pem(pki.ca.certificate)] } });
  assert.equal(done.statusCode, 200, done.body);
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: clerk.auth })).statusCode, 200);

  const { detail, bytes } = await download(env, clerk, doc.id);
  const report = await pdfsig(bytes, pki.ca);
  assert.equal((report.match(/Signature is Valid/g) ?? []).length, 2, report);
  const mine = detail.signatures.filter((s: { role: string }) => s.role === 'main');
  assert.deepEqual(mine.map((s: { timestamped: boolean; trust: string; integrity: string }) => [s.integrity, s.trust, s.timestamped]), [['valid', 'trusted', true], ['valid', 'trusted', true]]);
  assert.ok(tsa.requests >= 2);

  // Each embedded token verifies independently with OpenSSL against the TSA's CA.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  await fs.writeFile(path.join(dir, 'ca.pem'), pem(tsaCa.certificate));
  await fs.writeFile(path.join(dir, 'tsa.pem'), pem(tsaCert.certificate));
  for (const [i, s] of findSignatures(bytes).entries()) {
    const signed = pkijs.SignedData.fromBER(pkijs.ContentInfo.fromBER(new Uint8Array(s.contents)).content.toBER());
    const info = signed.signerInfos[0]!;
    const attr = info.unsignedAttrs!.attributes.find((a) => a.type === '1.2.840.113549.1.9.16.2.14')!;
    await fs.writeFile(path.join(dir, `token${i}.der`), Buffer.from(attr.values[0]!.toBER()));
    await fs.writeFile(path.join(dir, `sig${i}.bin`), Buffer.from(info.signature.valueBlock.valueHexView));
    const { stdout } = await run('openssl', ['ts', '-verify', '-data', path.join(dir, `sig${i}.bin`), '-in', path.join(dir, `token${i}.der`), '-token_in', '-CAfile', path.join(dir, 'ca.pem'), '-untrusted', path.join(dir, 'tsa.pem')]);
    assert.match(stdout, /Verification: OK/);
  }
});
