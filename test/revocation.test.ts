// Revocation in signature verdicts: a real OCSP responder (openssl ocsp, a child process asked at
// 127.0.0.1) and a CRL served by a tiny local HTTP server, each with a revoked and a good
// certificate; an unreachable responder; the summary each gives; the dev CA's CRL served by the app.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { clearRevocationCaches } from '../src/modules/signing/crypto/revocation.js';
import { createCa, createCrl, issueCertificate, type KeyAndCertificate } from '../src/modules/signing/crypto/dev-ca.js';
import { signPdf, verifyPdf } from '../src/modules/signing/engine.js';
import { devCaCrl } from '../src/modules/signing/pki-routes.js';
import { summarise } from '../src/modules/signing/verdicts.js';
import { makePdf } from './helpers/pdf.js';
import { buildTestEnv } from './helpers/app.js';

let dir: string;
let ca: KeyAndCertificate;
let ocsp: ChildProcess | null = null;
let ocspPort = 0;
let crlServer: http.Server;
let crlHits = 0;
const pem = (der: Buffer) => new X509Certificate(der).toString();
const at = (n: string) => path.join(dir, n);

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A serial as `openssl ca` writes it in index.txt (uppercase hex, even length). */
const serialOf = (c: KeyAndCertificate) => new X509Certificate(c.certificate).serialNumber.toUpperCase();
const expiry = (c: KeyAndCertificate) => {
  const d = new Date(new X509Certificate(c.certificate).validTo);
  return `${d.toISOString().slice(2, 19).replace(/[-:T]/g, '')}Z`;
};

async function signedBy(key: KeyAndCertificate): Promise<Buffer> {
  return signPdf(makePdf('revocation test'), { privateKey: key.privateKeyPem, certificate: key.certificate, chain: [ca.certificate] }, {
    fieldName: 'Sig1', signingTime: new Date(), name: 'Thử',
  }, null);
}

let ocspGood: KeyAndCertificate;
let ocspRevoked: KeyAndCertificate;
let crlGood: KeyAndCertificate;
let crlRevoked: KeyAndCertificate;
let unreachable: KeyAndCertificate;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-revocation-'));
  ca = createCa({ commonName: 'Revocation Test CA', organization: 'Test' });
  ocspPort = await freePort();
  const crlPortServer = http.createServer((req, res) => {
    crlHits++;
    if (req.url !== '/ca.crl') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(fs.readFileSync(at('ca.crl')));
  });
  await new Promise<void>((r) => crlPortServer.listen(0, '127.0.0.1', r));
  crlServer = crlPortServer;
  const crlUrl = `http://127.0.0.1:${(crlServer.address() as AddressInfo).port}/ca.crl`;
  const ocspUrl = `http://127.0.0.1:${ocspPort}/`;
  ocspGood = issueCertificate(ca, { commonName: 'OCSP tốt', ocspUrl });
  ocspRevoked = issueCertificate(ca, { commonName: 'OCSP thu hồi', ocspUrl });
  crlGood = issueCertificate(ca, { commonName: 'CRL tốt', crlUrl });
  crlRevoked = issueCertificate(ca, { commonName: 'CRL thu hồi', crlUrl });
  unreachable = issueCertificate(ca, { commonName: 'Không liên lạc được', ocspUrl: `http://127.0.0.1:${await freePort()}/`, crlUrl: `http://127.0.0.1:${await freePort()}/x.crl` });

  const now = new Date();
  fs.writeFileSync(at('ca.crl'), createCrl(ca, {
    thisUpdate: new Date(now.getTime() - 60_000), nextUpdate: new Date(now.getTime() + 3600_000), crlNumber: 1,
    revoked: [{ serialNumber: serialOf(crlRevoked), revokedAt: new Date(now.getTime() - 30_000) }],
  }));
  // The responder's database: openssl ca's index.txt (V = valid, R = revoked with its date).
  const revokedAt = `${new Date(now.getTime() - 30_000).toISOString().slice(2, 19).replace(/[-:T]/g, '')}Z`;
  fs.writeFileSync(at('index.txt'), [
    `V\t${expiry(ocspGood)}\t\t${serialOf(ocspGood)}\tunknown\t/CN=OCSP tot`,
    `R\t${expiry(ocspRevoked)}\t${revokedAt}\t${serialOf(ocspRevoked)}\tunknown\t/CN=OCSP thu hoi`,
  ].join('\n') + '\n');
  fs.writeFileSync(at('ca.pem'), pem(ca.certificate));
  fs.writeFileSync(at('ca.key'), ca.privateKeyPem);
  // OpenSSL 3.0's -port takes a port number only (3.2+ also takes host:port), so it listens on every
  // interface; the certificates name 127.0.0.1, and it lives only as long as this test file.
  ocsp = spawn('openssl', ['ocsp', '-port', String(ocspPort), '-index', at('index.txt'), '-rsigner', at('ca.pem'), '-rkey', at('ca.key'),
    '-CA', at('ca.pem'), '-nmin', '10', '-ignore_err'], { stdio: ['ignore', 'ignore', 'pipe'] });
  // Ready once it says so (a probe connection would hold up this one-connection-at-a-time server).
  await new Promise<void>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`openssl ocsp did not start: ${err}`)), 10_000);
    ocsp!.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('waiting for OCSP client connections')) clearTimeout(timer), resolve();
    });
  });
});

after(async () => {
  ocsp?.kill();
  await new Promise((r) => crlServer.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('OCSP: the responder says good → revocation good, summary valid; revoked → revoked, summary invalid', async () => {
  const good = await verifyPdf(await signedBy(ocspGood), [ca.certificate]);
  assert.equal(good.length, 1);
  assert.deepEqual([good[0]!.integrity, good[0]!.trust, good[0]!.revocation, good[0]!.revocationSource], ['valid', 'trusted', 'good', 'ocsp'], good[0]!.problems.join('; '));
  assert.equal(summarise(good), 'valid');

  const revoked = await verifyPdf(await signedBy(ocspRevoked), [ca.certificate]);
  assert.deepEqual([revoked[0]!.integrity, revoked[0]!.trust, revoked[0]!.revocation], ['valid', 'trusted', 'revoked']);
  assert.ok(revoked[0]!.problems.some((p) => p.startsWith('certificate revoked')), revoked[0]!.problems.join('; '));
  assert.equal(summarise(revoked), 'invalid');

  // The answer is cached: with the responder gone, the same certificate is still 'good'.
  ocsp?.kill();
  await new Promise((r) => setTimeout(r, 100));
  assert.equal((await verifyPdf(await signedBy(ocspGood), [ca.certificate]))[0]!.revocation, 'good');
});

test('CRL over HTTP: good and revoked; one download serves both', async () => {
  crlHits = 0;
  const good = await verifyPdf(await signedBy(crlGood), [ca.certificate]);
  assert.deepEqual([good[0]!.revocation, good[0]!.revocationSource], ['good', 'crl'], good[0]!.problems.join('; '));
  assert.equal(summarise(good), 'valid');
  const revoked = await verifyPdf(await signedBy(crlRevoked), [ca.certificate]);
  assert.equal(revoked[0]!.revocation, 'revoked');
  assert.equal(summarise(revoked), 'invalid');
  assert.equal(crlHits, 1, 'the CRL is cached until its nextUpdate');
});

test('unreachable OCSP responder and CRL → unknown, summary indeterminate; never throws', async () => {
  const v = await verifyPdf(await signedBy(unreachable), [ca.certificate]);
  assert.deepEqual([v[0]!.integrity, v[0]!.trust, v[0]!.revocation], ['valid', 'trusted', 'unknown']);
  assert.ok(v[0]!.problems.some((p) => p.startsWith('revocation status unknown')), v[0]!.problems.join('; '));
  assert.equal(summarise(v), 'indeterminate');
  // Untrusted wins over indeterminate, revoked over everything.
  assert.equal(summarise([...v, { ...v[0]!, trust: 'untrusted' }]), 'untrusted');
  assert.equal(summarise([{ ...v[0]!, trust: 'untrusted' }, { ...v[0]!, revocation: 'revoked' }]), 'invalid');
  assert.equal(summarise([]), 'unsigned');
});

test('the dev CA CRL: served at /pki/dev-ca.crl without login, read locally by the checker (no HTTP to itself)', async (t) => {
  clearRevocationCaches();
  const env = await buildTestEnv(t);
  assert.equal((await env.app.inject({ method: 'GET', url: '/pki/dev-ca.crl' })).statusCode, 404, 'no dev CA yet');
  // The dev CA as the CLI keeps it, and a certificate naming the app's CRL URL.
  const devDir = path.join(env.dataDir, 'dev-ca');
  fs.mkdirSync(devDir, { recursive: true });
  const devCa = createCa({ commonName: 'Dev CA (test)' });
  fs.writeFileSync(path.join(devDir, 'ca.pem'), pem(devCa.certificate));
  fs.writeFileSync(path.join(devDir, 'ca.key'), devCa.privateKeyPem);
  const url = `${env.config.publicUrl}/pki/dev-ca.crl`;
  const leaf = issueCertificate(devCa, { commonName: 'Lãnh đạo', crlUrl: url });

  const res = await env.app.inject({ method: 'GET', url: '/pki/dev-ca.crl' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/pkix-crl');
  fs.writeFileSync(at('dev.crl'), res.rawPayload);
  fs.writeFileSync(at('dev-ca.pem'), pem(devCa.certificate));
  const r = spawnSync('openssl', ['crl', '-inform', 'DER', '-in', at('dev.crl'), '-CAfile', at('dev-ca.pem'), '-noout'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr + r.stdout, /verify OK/);
  assert.ok((await devCaCrl(env.deps)())!.length > 0);

  // Nothing listens on PUBLIC_URL here (app.inject): the answer can only come from the local CRL.
  const pdf = await signPdf(makePdf('dev ca'), { privateKey: leaf.privateKeyPem, certificate: leaf.certificate, chain: [devCa.certificate] }, {
    fieldName: 'S', signingTime: new Date(), name: 'x',
  }, null);
  const v = await verifyPdf(pdf, [devCa.certificate]);
  assert.deepEqual([v[0]!.trust, v[0]!.revocation, v[0]!.revocationSource], ['trusted', 'good', 'crl'], v[0]!.problems.join('; '));
  assert.equal(summarise(v), 'valid');
});

test('a certificate that names no OCSP responder and no CRL cannot be checked: revocation unknown, summary indeterminate (never valid)', async () => {
  const bare = issueCertificate(ca, { commonName: 'Không có CRL' });
  const pdf = await signPdf(makePdf('no revocation pointer'), { privateKey: bare.privateKeyPem, certificate: bare.certificate, chain: [ca.certificate] }, {
    fieldName: 'S', signingTime: new Date(), name: 'x',
  }, null);
  const v = await verifyPdf(pdf, [ca.certificate]);
  assert.deepEqual([v[0]!.integrity, v[0]!.trust, v[0]!.revocation, v[0]!.revocationSource], ['valid', 'trusted', 'unknown', 'none']);
  assert.equal(summarise(v), 'indeterminate');
});
