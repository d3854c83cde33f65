import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, sign, verify, X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { runDevCa } from '../src/workflows/demo/dev-ca.js';
import { DEMO_PASSWORD, communeUbndCode, demoUnits, demoUsers } from '../src/workflows/demo/demo-district.js';
import { seedDemo } from '../src/workflows/demo/seed-demo.js';
import type { Db } from '../src/db/client.js';
import { ensureAdmin } from '../src/modules/orgs/bootstrap.js';
import { findUnitByCode } from '../src/modules/orgs/units.js';
import { findUserByUsername } from '../src/modules/orgs/users.js';
import { describeCertificate } from '../src/modules/signing/crypto/certificates.js';
import { activeCertificate, activeImage } from '../src/modules/signing/keys-service.js';
import { certificates, signatureImages } from '../src/modules/signing/tables.js';
import { listTrustAnchors } from '../src/modules/signing/trust-service.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { makePdf, multipart } from './helpers/pdf.js';

async function counts(db: Db) {
  const n = async (q: ReturnType<typeof sql>) => ((await db.execute(q)) as unknown as [{ n: number }])[0].n;
  return {
    certificates: await n(sql`select count(*)::int as n from ${certificates}`),
    images: await n(sql`select count(*)::int as n from ${signatureImages}`),
    anchors: (await listTrustAnchors(db)).length,
  };
}

async function loginAs(env: TestEnv, username: string) {
  const r = await env.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: DEMO_PASSWORD } });
  assert.equal(r.statusCode, 200, r.body);
  return { authorization: `Bearer ${r.json().token as string}` };
}

test('dev-ca: creates and trusts a CA, gives demo leaders and units working keys and images, idempotent, signs end to end', async (t) => {
  const env = await buildTestEnv(t);
  await seedDemo(env.deps);
  await ensureAdmin(env.deps);

  const lines: string[] = [];
  const report = await runDevCa(env.deps, { log: (l) => lines.push(l) });
  const caDir = path.join(env.config.dataDir, 'dev-ca');
  assert.equal(report.caPath, path.join(caDir, 'ca.pem'));
  assert.equal(report.anchorInstalled, true);

  // The CA files: the key readable by the owner only, the directory closed to others.
  assert.equal((await fs.stat(caDir)).mode & 0o777, 0o700);
  assert.equal((await fs.stat(path.join(caDir, 'ca.key'))).mode & 0o777, 0o600);
  const caCert = new X509Certificate(await fs.readFile(report.caPath));
  const caKey = createPrivateKey(await fs.readFile(path.join(caDir, 'ca.key')));
  assert.ok(createPublicKey(caKey).export({ type: 'spki', format: 'der' }).equals(caCert.publicKey.export({ type: 'spki', format: 'der' })));
  const caInfo = describeCertificate(caCert.raw);
  assert.equal(caInfo.isCa, true);
  assert.equal(caInfo.commonName, 'lienthong Dev CA (không dùng thật)');

  // Trusted as an anchor.
  const anchors = await listTrustAnchors(env.db);
  assert.deepEqual(anchors.map((a) => a.fingerprint), [caInfo.fingerprintSha256]);

  // Every demo leader: an active personal key from the dev CA that the key store opens and that matches its certificate.
  const seeds = demoUsers();
  const leaders = seeds.filter((s) => s.roles.includes('leader'));
  assert.equal(report.userCertificates, leaders.length);
  for (const s of leaders) {
    const user = (await findUserByUsername(env.db, s.username))!;
    const who = { userId: user.id, unitId: user.unitId };
    const cert = await activeCertificate(env.db, who, 'user');
    assert.ok(cert, `${s.username} has a certificate`);
    const x = new X509Certificate(cert.certificate);
    assert.ok(x.checkIssued(caCert) && x.verify(caCert.publicKey), `${s.username}: issued by the dev CA`);
    assert.equal(describeCertificate(cert.certificate).commonName, s.fullName);
    assert.equal(cert.issuer, caInfo.subject);
    assert.deepEqual(cert.chain, [caCert.raw]);
    assert.ok(cert.notAfter.getTime() - Date.now() > 700 * 86_400_000);
    const key = env.deps.keys.open(cert.encryptedKey, cert.id);
    const message = Buffer.from(`kiểm tra ${s.username}`);
    assert.ok(verify('sha256', message, x.publicKey, sign('sha256', message, createPrivateKey(key))), `${s.username}: key matches certificate`);
    assert.ok(await activeImage(env.db, who, 'user'), `${s.username} has a signature image`);
  }
  // Officers and clerks get no personal key.
  for (const s of seeds.filter((x) => !x.roles.includes('leader'))) {
    const user = (await findUserByUsername(env.db, s.username))!;
    assert.equal(await activeCertificate(env.db, { userId: user.id, unitId: user.unitId }, 'user'), undefined, s.username);
  }

  // Units with a demo clerk or leader have a seal key and a seal image; others have neither.
  const sealedCodes = new Set(seeds.filter((s) => s.roles.some((r) => r === 'clerk' || r === 'leader')).map((s) => s.unitCode));
  assert.equal(report.unitCertificates, sealedCodes.size);
  for (const u of demoUnits()) {
    const unit = (await findUnitByCode(env.db, u.code))!;
    const who = { userId: '00000000-0000-0000-0000-000000000000', unitId: unit.id };
    const cert = await activeCertificate(env.db, who, 'unit');
    if (!sealedCodes.has(u.code)) {
      assert.equal(cert, undefined, u.code);
      continue;
    }
    assert.ok(cert, `${u.code} has a seal certificate`);
    const info = describeCertificate(cert.certificate);
    assert.deepEqual([info.commonName, info.organization, info.issuer], [unit.name, unit.name, caInfo.subject]);
    const key = env.deps.keys.open(cert.encryptedKey, cert.id);
    const message = Buffer.from(u.code);
    assert.ok(verify('sha256', message, new X509Certificate(cert.certificate).publicKey, sign('sha256', message, createPrivateKey(key))));
    assert.ok(await activeImage(env.db, who, 'unit'), `${u.code} has a seal image`);
  }
  assert.equal(report.images, leaders.length + sealedCodes.size);
  const sealImages = await env.db.select({ id: signatureImages.id }).from(signatureImages).where(and(eq(signatureImages.owner, 'unit'), eq(signatureImages.active, true)));
  assert.equal(sealImages.length, sealedCodes.size);

  // The summary: Vietnamese with English, how to trust the CA in pdfsig, demo-only warning.
  const text = lines.join('\n');
  assert.match(text, /Đã tạo CA thử nghiệm \(created the dev CA\)/);
  assert.ok(text.includes(`certutil -d sql:$HOME/.pki/nssdb -A -n lienthong-dev -t "CT,C,C" -i ${report.caPath}`), text);
  assert.match(text, /chỉ dùng để trình diễn/);
  assert.match(text, /for demos only/);

  // Second run: the same CA, nothing added.
  const before = await counts(env.db);
  const caPem = await fs.readFile(report.caPath, 'utf8');
  const again: string[] = [];
  const second = await runDevCa(env.deps, { log: (l) => again.push(l) });
  assert.deepEqual(second, { caPath: report.caPath, anchorInstalled: false, userCertificates: 0, unitCertificates: 0, images: 0 });
  assert.deepEqual(await counts(env.db), before);
  assert.equal(await fs.readFile(report.caPath, 'utf8'), caPem);
  assert.match(again.join('\n'), /Dùng lại CA thử nghiệm đã có/);

  // End to end over HTTP: a clerk drafts, the leader signs, the clerk issues; both signatures valid and trusted.
  const clerk = await loginAs(env, 'vanthu.ubnd');
  const leader = await loginAs(env, 'lanhdao.ubnd');
  const commune = (await findUnitByCode(env.db, communeUbndCode(1)))!;
  const draft = await env.app.inject({
    method: 'POST', url: '/api/documents', headers: clerk,
    payload: { type: 'CV', subject: 'Về việc thử ký số bằng CA thử nghiệm', recipients: [commune.id] },
  });
  assert.equal(draft.statusCode, 201, draft.body);
  const docId = draft.json().document.id as string;
  const body = multipart([{ name: 'file', filename: 'cong-van.pdf', data: makePdf('Cong van thu') }]);
  const upload = await env.app.inject({ method: 'POST', url: `/api/documents/${docId}/files`, headers: { ...clerk, ...body.headers }, payload: body.payload });
  assert.equal(upload.statusCode, 201, upload.body);
  const signed = await env.app.inject({ method: 'POST', url: `/api/documents/${docId}/sign`, headers: leader });
  assert.equal(signed.statusCode, 200, signed.body);
  const issued = await env.app.inject({ method: 'POST', url: `/api/documents/${docId}/issue`, headers: clerk });
  assert.equal(issued.statusCode, 200, issued.body);

  const detail = await env.app.inject({ url: `/api/documents/${docId}`, headers: clerk });
  assert.equal(detail.statusCode, 200, detail.body);
  const main = (detail.json().signatures as Array<{ role: string; integrity: string; trust: string; signer: string; problems: string[] }>)
    .filter((s) => s.role === 'main');
  assert.equal(main.length, 2, detail.body);
  for (const s of main) assert.deepEqual([s.integrity, s.trust], ['valid', 'trusted'], JSON.stringify(s));
  assert.deepEqual(main.map((s) => s.signer), ['Nguyễn Văn Hùng', 'Ủy ban nhân dân huyện Sơn Hà']);
  // The dev CA's certificates name the CRL the app publishes; it is read locally, so: not revoked.
  for (const s of main as Array<{ revocation?: string; revocationSource?: string }>) {
    assert.deepEqual([s.revocation, s.revocationSource], ['good', 'crl'], JSON.stringify(s));
  }
  const crl = await env.app.inject({ url: '/pki/dev-ca.crl' });
  assert.equal(crl.statusCode, 200);
  assert.equal(crl.headers['content-type'], 'application/pkix-crl');
});
