// Cryptography of PAdES signing: PKCS#12, certificates, CMS, RFC 3161, verification.
// Interop is checked against the OpenSSL CLI (pkcs12, cms -verify, ts -verify).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import {
  CertificateError, checkSigningCertificate, describeCertificate, parsePkcs12,
} from '../src/modules/signing/crypto/certificates.js';
import { assembleCms, buildSignedAttributes, digestChunks, signSignedAttributes } from '../src/modules/signing/crypto/pades.js';
import { TimestampError, parseTimestampToken, requestTimestamp } from '../src/modules/signing/crypto/timestamp.js';
import { verifyCms } from '../src/modules/signing/crypto/verify.js';
import { createCa, issueCertificate, toPkcs12, type KeyAndCertificate } from '../src/modules/signing/crypto/dev-ca.js';
import { startTestTsa, type TestTsa } from './helpers/tsa.js';

const PASS = 'mật khẩu Số 1'; // non-ASCII on purpose: node-forge gets PBES2 wrong for these
const DAY = 86_400_000;
let dir: string;
let ca: KeyAndCertificate;
let signer: KeyAndCertificate;
let otherCa: KeyAndCertificate;
let tsaCa: KeyAndCertificate;
let tsaCert: KeyAndCertificate;
let tsa: TestTsa;

const pem = (der: Buffer) => `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
const file = (name: string, data: string | Buffer) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, data);
  return p;
};
/** Runs the OpenSSL CLI; returns stdout + stderr (pkcs12 -info reports on stderr), throws on failure. */
const openssl = (...args: string[]) => {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr || r.error?.message}`);
  return r.stdout + r.stderr;
};
const expectCode = (fn: () => unknown, code: string) =>
  assert.throws(fn, (e: unknown) => e instanceof CertificateError && e.code === code);

/** Content as the PDF layer hands it over: the two byte ranges around the /Contents hole. */
const content = [Buffer.from('%PDF-1.7 first range … Công văn số 123/UBND'), Buffer.from(' second range %%EOF\n')];

function signDetached(key: KeyAndCertificate, chain: Buffer[], timestampToken?: Buffer) {
  const signedAttributes = buildSignedAttributes({ contentDigest: digestChunks(content), signerCertificate: key.certificate });
  const signature = signSignedAttributes(signedAttributes, key.privateKeyPem);
  return { signature, cms: assembleCms({ signedAttributes, signature, certificates: [key.certificate, ...chain], timestampToken }) };
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-signing-'));
  ca = createCa({ commonName: 'CA Thử nghiệm Chính phủ', organization: 'Ban Cơ yếu Chính phủ' });
  otherCa = createCa({ commonName: 'Other CA' });
  signer = issueCertificate(ca, { commonName: 'Nguyễn Văn Án', organization: 'UBND tỉnh Hà Giang', organizationalUnit: 'Văn phòng' });
  tsaCa = createCa({ commonName: 'TSA Root' });
  tsaCert = issueCertificate(tsaCa, { commonName: 'Test TSA', keyUsage: ['digitalSignature'], extendedKeyUsage: ['1.3.6.1.5.5.7.3.8'] });
  tsa = await startTestTsa({ certificate: tsaCert.certificate, privateKeyPem: tsaCert.privateKeyPem, chain: [tsaCa.certificate] });
  file('ca.pem', pem(ca.certificate));
  file('signer.pem', pem(signer.certificate));
  file('signer.key', signer.privateKeyPem);
  file('tsa-ca.pem', pem(tsaCa.certificate));
  file('tsa.pem', pem(tsaCert.certificate));
});

after(async () => {
  await tsa?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

for (const legacy of [false, true]) {
  test(`PKCS#12 from openssl pkcs12 -export${legacy ? ' -legacy' : ''} round-trips`, () => {
    const out = path.join(dir, `openssl-${legacy}.p12`);
    openssl('pkcs12', '-export', ...(legacy ? ['-legacy'] : []), '-inkey', path.join(dir, 'signer.key'), '-in', path.join(dir, 'signer.pem'),
      '-certfile', path.join(dir, 'ca.pem'), '-out', out, '-passout', `pass:${PASS}`);
    const info = openssl('pkcs12', '-in', out, '-info', '-noout', '-passin', `pass:${PASS}`, ...(legacy ? ['-legacy'] : []));
    const p = parsePkcs12(fs.readFileSync(out), PASS);
    assert.ok(p.certificate.equals(signer.certificate));
    assert.equal(p.chain.length, 1);
    assert.ok(p.chain[0]!.equals(ca.certificate));
    const sig = sign('sha256', Buffer.from('x'), p.privateKeyPem);
    assert.ok(verify('sha256', Buffer.from('x'), createPublicKey(signer.privateKeyPem), sig));
    assert.match(info, legacy ? /RC2|3DES|TripleDES/i : /AES-256-CBC/);
    expectCode(() => parsePkcs12(fs.readFileSync(out), 'wrong'), 'wrong_passphrase');
  });

  test(`toPkcs12${legacy ? ' legacy' : ''} is read by openssl and by parsePkcs12`, () => {
    const p12 = toPkcs12({ privateKeyPem: signer.privateKeyPem, certificate: signer.certificate, chain: [ca.certificate], passphrase: PASS, legacy });
    const out = file(`own-${legacy}.p12`, p12);
    const certs = openssl('pkcs12', '-in', out, '-nokeys', '-passin', `pass:${PASS}`);
    assert.equal(certs.match(/BEGIN CERTIFICATE/g)?.length, 2);
    openssl('pkcs12', '-in', out, '-nocerts', '-nodes', '-passin', `pass:${PASS}`);
    const p = parsePkcs12(p12, PASS);
    assert.ok(p.certificate.equals(signer.certificate));
    assert.ok(p.chain[0]!.equals(ca.certificate));
  });
}

test('PKCS#12 errors: wrong passphrase, garbage, key without its certificate', () => {
  const p12 = toPkcs12({ privateKeyPem: signer.privateKeyPem, certificate: signer.certificate, chain: [], passphrase: 'right' });
  expectCode(() => parsePkcs12(p12, 'wrong'), 'wrong_passphrase');
  expectCode(() => parsePkcs12(Buffer.from('not a pfx'), 'x'), 'malformed');
  const mismatch = toPkcs12({ privateKeyPem: otherCa.privateKeyPem, certificate: signer.certificate, chain: [], passphrase: 'p' });
  expectCode(() => parsePkcs12(mismatch, 'p'), 'key_mismatch');
});

test('describeCertificate renders Vietnamese names and extensions', () => {
  const d = describeCertificate(signer.certificate);
  assert.equal(d.commonName, 'Nguyễn Văn Án');
  assert.equal(d.organization, 'UBND tỉnh Hà Giang');
  assert.equal(d.subject, 'CN=Nguyễn Văn Án, OU=Văn phòng, O=UBND tỉnh Hà Giang, C=VN');
  assert.equal(d.issuer, 'CN=CA Thử nghiệm Chính phủ, O=Ban Cơ yếu Chính phủ, C=VN');
  assert.deepEqual(d.keyUsage, { digitalSignature: true, nonRepudiation: true, keyCertSign: false });
  assert.equal(d.isCa, false);
  assert.match(d.serialNumber, /^[0-9A-F]+$/);
  const x509Fingerprint = openssl('x509', '-in', path.join(dir, 'signer.pem'), '-noout', '-fingerprint', '-sha256').split('=')[1]!.trim();
  assert.equal(d.fingerprintSha256, x509Fingerprint);
  const c = describeCertificate(ca.certificate);
  assert.equal(c.isCa, true);
  assert.equal(c.keyUsage?.keyCertSign, true);
});

test('checkSigningCertificate: validity window and key usage', () => {
  checkSigningCertificate(signer.certificate, new Date());
  const expired = issueCertificate(ca, { commonName: 'Hết hạn', validFrom: new Date(Date.now() - 400 * DAY), validTo: new Date(Date.now() - DAY) });
  expectCode(() => checkSigningCertificate(expired.certificate, new Date()), 'expired');
  expectCode(() => checkSigningCertificate(signer.certificate, new Date(Date.now() - 30 * DAY)), 'not_yet_valid');
  const encOnly = issueCertificate(ca, { commonName: 'Chỉ mã hoá', keyUsage: ['keyEncipherment'] });
  expectCode(() => checkSigningCertificate(encOnly.certificate, new Date()), 'no_signing_usage');
});

test('CMS: openssl cms -verify accepts it, verifyCms says valid and trusted', async () => {
  const { cms } = signDetached(signer, [ca.certificate]);
  const sig = file('sig.der', cms);
  const data = file('data.bin', Buffer.concat(content));
  openssl('cms', '-verify', '-binary', '-inform', 'DER', '-in', sig, '-content', data, '-CAfile', path.join(dir, 'ca.pem'), '-purpose', 'any', '-out', '/dev/null');
  const v = await verifyCms({ cms, content, trustAnchors: [ca.certificate], pdfSigningTime: new Date() });
  assert.deepEqual(v.problems, []);
  assert.equal(v.integrity, 'valid');
  assert.equal(v.trust, 'trusted');
  assert.equal(v.timestamped, false);
  assert.equal(v.timestampValid, null);
  assert.equal(v.signer?.commonName, 'Nguyễn Văn Án');
  assert.equal(v.signer?.organization, 'UBND tỉnh Hà Giang');
});

test('CMS: untrusted anchor, changed byte, bad signature, expiry at signing time, garbage', async () => {
  const { cms } = signDetached(signer, [ca.certificate]);
  const other = await verifyCms({ cms, content, trustAnchors: [otherCa.certificate] });
  assert.equal(other.integrity, 'valid');
  assert.equal(other.trust, 'untrusted');
  assert.ok(other.problems.includes('no chain to a trust anchor'));

  const changed = content.map((c) => Buffer.from(c));
  changed[1]!.writeUInt8(changed[1]!.readUInt8(3) ^ 1, 3);
  const bad = await verifyCms({ cms, content: changed, trustAnchors: [ca.certificate] });
  assert.equal(bad.integrity, 'invalid');
  assert.ok(bad.problems.includes('message digest mismatch'));

  const signedAttributes = buildSignedAttributes({ contentDigest: digestChunks(content), signerCertificate: signer.certificate });
  const forged = signSignedAttributes(signedAttributes, otherCa.privateKeyPem);
  const badSig = await verifyCms({ cms: assembleCms({ signedAttributes, signature: forged, certificates: [signer.certificate] }), content, trustAnchors: [ca.certificate] });
  assert.equal(badSig.integrity, 'invalid');
  assert.deepEqual(badSig.problems, ['signature value invalid']);

  const late = await verifyCms({ cms, content, trustAnchors: [ca.certificate], pdfSigningTime: new Date(Date.now() + 400 * DAY) });
  assert.equal(late.integrity, 'valid');
  assert.equal(late.trust, 'untrusted');
  assert.ok(late.problems.includes('certificate expired at signing time'));

  for (const junk of [Buffer.alloc(0), Buffer.from('garbage'), cms.subarray(0, cms.length / 2)]) {
    const v = await verifyCms({ cms: junk, content, trustAnchors: [ca.certificate] });
    assert.equal(v.integrity, 'invalid');
    assert.ok(v.problems.length > 0);
  }
});

test('signed attributes: DER order, no signingTime, correct signingCertificateV2', () => {
  const attrs = buildSignedAttributes({ contentDigest: digestChunks(content), signerCertificate: signer.certificate });
  const { cms } = signDetached(signer, [ca.certificate]);
  const sd = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(new Uint8Array(cms)).content });
  assert.equal(sd.encapContentInfo.eContent, undefined); // detached
  const si = sd.signerInfos[0]!;
  const types = si.signedAttrs!.attributes.map((a) => a.type);
  assert.deepEqual(new Set(types), new Set(['1.2.840.113549.1.9.3', '1.2.840.113549.1.9.4', '1.2.840.113549.1.9.16.2.47']));
  assert.ok(!types.includes('1.2.840.113549.1.9.5'), 'no signingTime');
  // The embedded [0] attributes are byte-identical to what was signed (tag aside).
  const embedded = Buffer.from(si.signedAttrs!.encodedValue);
  assert.ok(embedded.subarray(1).equals(attrs.subarray(1)));
  const encoded = si.signedAttrs!.attributes.map((a) => Buffer.from(a.toSchema().toBER()));
  assert.deepEqual(encoded, [...encoded].sort(Buffer.compare));

  const v2 = si.signedAttrs!.attributes.find((a) => a.type === '1.2.840.113549.1.9.16.2.47')!;
  const essCertId = (((v2.values[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence).valueBlock.value;
  assert.ok(essCertId[0] instanceof asn1js.OctetString, 'SHA-256 is the DEFAULT hashAlgorithm, so it is omitted');
  assert.ok(Buffer.from(essCertId[0].valueBlock.valueHexView).equals(createHash('sha256').update(signer.certificate).digest()));
  const issuerSerial = (essCertId[1] as asn1js.Sequence).valueBlock.value;
  const cert = pkijs.Certificate.fromBER(new Uint8Array(signer.certificate));
  const generalName = new pkijs.GeneralName({ schema: (issuerSerial[0] as asn1js.Sequence).valueBlock.value[0] });
  assert.equal(generalName.type, 4);
  assert.ok((generalName.value as pkijs.RelativeDistinguishedNames).isEqual(cert.issuer));
  assert.ok((issuerSerial[1] as asn1js.Integer).isEqual(cert.serialNumber));
  assert.equal(si.sid instanceof pkijs.IssuerAndSerialNumber, true);
  assert.equal(si.signatureAlgorithm.algorithmId, '1.2.840.113549.1.1.1');
  assert.equal(sd.certificates?.length, 2);
});

test('two-step: the token signs the attribute bytes elsewhere, the server assembles', async () => {
  const signedAttributes = buildSignedAttributes({ contentDigest: digestChunks(content), signerCertificate: signer.certificate });
  const usbToken = createPrivateKey(signer.privateKeyPem); // stands in for the user's token
  const signature = sign('sha256', signedAttributes, usbToken);
  const cms = assembleCms({ signedAttributes, signature, certificates: [signer.certificate, ca.certificate] });
  const v = await verifyCms({ cms, content, trustAnchors: [ca.certificate] });
  assert.equal(v.integrity, 'valid');
  assert.equal(v.trust, 'trusted');
});

test('ECDSA P-256 signer (certificate made by openssl) works both ways', async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  file('ca.key', ca.privateKeyPem);
  file('ec.key', keyPem);
  file('ext.cnf', 'keyUsage=critical,digitalSignature,nonRepudiation\nbasicConstraints=critical,CA:FALSE\n');
  openssl('req', '-new', '-key', path.join(dir, 'ec.key'), '-subj', '/C=VN/CN=Trần Thị EC', '-utf8', '-out', path.join(dir, 'ec.csr'));
  openssl('x509', '-req', '-in', path.join(dir, 'ec.csr'), '-CA', path.join(dir, 'ca.pem'), '-CAkey', path.join(dir, 'ca.key'),
    '-days', '30', '-extfile', path.join(dir, 'ext.cnf'), '-outform', 'DER', '-out', path.join(dir, 'ec.der'));
  const ec = { certificate: fs.readFileSync(path.join(dir, 'ec.der')), privateKeyPem: keyPem };
  const { cms } = signDetached(ec, [ca.certificate]);
  openssl('cms', '-verify', '-binary', '-inform', 'DER', '-in', file('ec-sig.der', cms), '-content', file('data.bin', Buffer.concat(content)),
    '-CAfile', path.join(dir, 'ca.pem'), '-purpose', 'any', '-out', '/dev/null');
  const v = await verifyCms({ cms, content, trustAnchors: [ca.certificate] });
  assert.deepEqual([v.integrity, v.trust, v.signer?.commonName], ['valid', 'trusted', 'Trần Thị EC']);
});

test('CMS made by openssl cms -sign (with and without signed attributes) verifies', async () => {
  const data = file('data.bin', Buffer.concat(content));
  for (const extra of [[], ['-noattr']]) {
    const out = path.join(dir, `openssl-cms${extra.length}.der`);
    openssl('cms', '-sign', '-binary', ...extra, '-md', 'sha256', '-in', data, '-signer', path.join(dir, 'signer.pem'),
      '-inkey', path.join(dir, 'signer.key'), '-certfile', path.join(dir, 'ca.pem'), '-outform', 'DER', '-out', out);
    const cms = fs.readFileSync(out);
    const v = await verifyCms({ cms, content, trustAnchors: [ca.certificate] });
    assert.deepEqual([v.integrity, v.trust, v.problems], ['valid', 'trusted', []], extra.join(' '));
    const tampered = await verifyCms({ cms, content: [Buffer.from('other')], trustAnchors: [ca.certificate] });
    assert.equal(tampered.integrity, 'invalid');
  }
});

test('RFC 3161: token from the test TSA passes openssl ts -verify and makes the signature B-T', async () => {
  const { signature } = signDetached(signer, [ca.certificate]);
  const before = tsa.requests;
  const token = await requestTimestamp(tsa.url, signature, { timeoutMs: 5000 });
  assert.equal(tsa.requests, before + 1);
  const info = parseTimestampToken(token);
  assert.ok(info.messageImprint.equals(createHash('sha256').update(signature).digest()));
  assert.equal(info.hashAlgorithm, 'sha256');
  assert.equal(info.tsaName, 'CN=Test TSA, C=VN');
  assert.ok(Math.abs(info.genTime.getTime() - Date.now()) < 60_000);
  openssl('ts', '-verify', '-data', file('sigvalue.bin', signature), '-in', file('token.der', token), '-token_in',
    '-CAfile', path.join(dir, 'tsa-ca.pem'), '-untrusted', path.join(dir, 'tsa.pem'));

  const signedAttributes = buildSignedAttributes({ contentDigest: digestChunks(content), signerCertificate: signer.certificate });
  const cms = assembleCms({ signedAttributes, signature: signSignedAttributes(signedAttributes, signer.privateKeyPem), certificates: [signer.certificate, ca.certificate] });
  const sigValue = pkijs_signature(cms);
  const token2 = await requestTimestamp(tsa.url, sigValue);
  const bt = assembleCms({ signedAttributes, signature: sigValue, certificates: [signer.certificate, ca.certificate], timestampToken: token2 });
  openssl('cms', '-verify', '-binary', '-inform', 'DER', '-in', file('bt.der', bt), '-content', file('data.bin', Buffer.concat(content)),
    '-CAfile', path.join(dir, 'ca.pem'), '-purpose', 'any', '-out', '/dev/null');
  const v = await verifyCms({ cms: bt, content, trustAnchors: [ca.certificate, tsaCa.certificate], pdfSigningTime: new Date(0) });
  assert.deepEqual(v.problems, []);
  assert.deepEqual([v.integrity, v.trust, v.timestamped, v.timestampValid], ['valid', 'trusted', true, true]);
  assert.equal(v.signedAt?.getTime(), parseTimestampToken(token2).genTime.getTime());

  // TSA not among the anchors: still a valid timestamp, but reported.
  const u = await verifyCms({ cms: bt, content, trustAnchors: [ca.certificate] });
  assert.equal(u.timestampValid, true);
  assert.equal(u.trust, 'trusted');
  assert.ok(u.problems.some((p) => p.startsWith('timestamp authority not trusted')));

  // A token for some other signature value does not count.
  const foreign = await requestTimestamp(tsa.url, Buffer.from('some other signature value'));
  const wrong = assembleCms({ signedAttributes, signature: sigValue, certificates: [signer.certificate, ca.certificate], timestampToken: foreign });
  const w = await verifyCms({ cms: wrong, content, trustAnchors: [ca.certificate, tsaCa.certificate], pdfSigningTime: null });
  assert.deepEqual([w.integrity, w.timestamped, w.timestampValid, w.signedAt], ['valid', true, false, null]);
  assert.ok(w.problems.includes('timestamp imprint mismatch'));

  // A token whose TSTInfo was edited (genTime moved) fails the TSA's signature; /M is used instead.
  const genTime = Buffer.from(`${parseTimestampToken(token2).genTime.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`);
  const edited = Buffer.from(token2);
  edited.write('1999', edited.indexOf(genTime));
  const pdfTime = new Date();
  const e = await verifyCms({ cms: assembleCms({ signedAttributes, signature: sigValue, certificates: [signer.certificate, ca.certificate], timestampToken: edited }),
    content, trustAnchors: [ca.certificate, tsaCa.certificate], pdfSigningTime: pdfTime });
  assert.deepEqual([e.integrity, e.trust, e.timestampValid, e.signedAt], ['valid', 'trusted', false, pdfTime]);
  assert.ok(e.problems.includes('timestamp signature invalid') && e.problems.includes('timestamp: message digest mismatch'), e.problems.join());
});

/** The signature value as stored in the CMS, read back with pkijs. */
function pkijs_signature(cms: Buffer): Buffer {
  const sd = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(new Uint8Array(cms)).content });
  return Buffer.from(sd.signerInfos[0]!.signature.valueBlock.valueHexView);
}

test('RFC 3161 client errors: replayed nonce, rejection, HTTP error, unreachable, timeout', async () => {
  const isCode = (code: string) => (e: unknown) => e instanceof TimestampError && e.code === code;
  const replay = await startTestTsa({ certificate: tsaCert.certificate, privateKeyPem: tsaCert.privateKeyPem, misbehave: 'wrong_nonce' });
  const refuse = await startTestTsa({ certificate: tsaCert.certificate, privateKeyPem: tsaCert.privateKeyPem, misbehave: 'reject' });
  const hang = http.createServer(() => undefined);
  const fail = http.createServer((_q, res) => res.writeHead(503).end('busy'));
  await Promise.all([hang, fail].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  const urlOf = (s: http.Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/`;
  try {
    await assert.rejects(requestTimestamp(replay.url, Buffer.from('sig')), isCode('mismatch'));
    await assert.rejects(requestTimestamp(refuse.url, Buffer.from('sig')), (e: unknown) => isCode('rejected')(e) && /systemFailure/.test((e as Error).message));
    await assert.rejects(requestTimestamp(urlOf(fail), Buffer.from('sig')), (e: unknown) => isCode('http')(e) && /503/.test((e as Error).message));
    await assert.rejects(requestTimestamp(urlOf(hang), Buffer.from('sig'), { timeoutMs: 300 }), isCode('timeout'));
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadUrl = urlOf(closed);
    await new Promise<void>((r) => closed.close(() => r()));
    await assert.rejects(requestTimestamp(deadUrl, Buffer.from('sig')), isCode('network'));
  } finally {
    hang.closeAllConnections();
    await Promise.all([replay.close(), refuse.close(), ...[hang, fail].map((s) => new Promise((r) => s.close(r)))]);
  }
});
