// The fast paths of signing and verification, checked against what they replaced: the caches
// (bounded, expiring, never serving a key for other bytes), certificate fields (pkijs, cached)
// against the plain pkijs reading, "issued by" against OpenSSL's checkIssued + verify, BER input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { LRUCache } from 'lru-cache';
import { issuedBy } from '../src/modules/signing/crypto/chain.js';
import { describeCertificate } from '../src/modules/signing/crypto/certificates.js';
import { createCa, issueCertificate, type KeyAndCertificate } from '../src/modules/signing/crypto/dev-ca.js';
import { assembleCms, buildSignedAttributes, der, digestChunks, signSignedAttributes } from '../src/modules/signing/crypto/pades.js';
import { verifyCms } from '../src/modules/signing/crypto/verify.js';
import { cert } from '../src/modules/signing/crypto/x509.js';
import { createKeyStore } from '../src/modules/signing/keystore.js';

let dir: string;
let ca: KeyAndCertificate;
let leaf: KeyAndCertificate;
const content = [Buffer.from('%PDF-1.7 byte range one'), Buffer.from(' byte range two %%EOF\n')];
const openssl = (...args: string[]) => {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
};
const at = (name: string) => path.join(dir, name);
const pemToDer = (file: string) => new X509Certificate(fs.readFileSync(file)).raw;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-fast-'));
  ca = createCa({ commonName: 'Fold Test CA', organization: 'Org' });
  leaf = issueCertificate(ca, { commonName: 'Nguyễn Văn Nhanh', organization: 'UBND xã Thử' });
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('lru-cache as the keystore configures it: least recently used goes first, entries expire on the injected clock and by timer', async () => {
  const lru = new LRUCache<string, number>({ max: 2 });
  lru.set('a', 1);
  lru.set('b', 2);
  assert.equal(lru.get('a'), 1); // a is now the most recent
  lru.set('c', 3);
  assert.deepEqual([lru.get('a'), lru.get('b'), lru.get('c'), lru.size], [1, undefined, 3, 2]);

  let now = 0;
  const ttl = new LRUCache<string, number>({ max: 10, ttl: 1000 - 1, // as keystore.ts: gone once 1000 ms have passed
    ttlResolution: 0, updateAgeOnGet: false, perf: { now: () => now + 1 } }); // +1: lru-cache reads a start time of 0 as "no TTL"
  ttl.set('k', 1);
  now = 999;
  assert.equal(ttl.get('k'), 1);
  now = 1000; // the TTL counts from when it was stored, not from the last read
  assert.equal(ttl.get('k'), undefined);
  assert.equal(ttl.size, 0);

  const swept = new LRUCache<string, number>({ max: 10, ttl: 20, ttlAutopurge: true });
  swept.set('k', 1);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(swept.size, 0, 'removed by its timer without being read');
  const off = createKeyStore('s'.repeat(40), { maxEntries: 0 });
  const offSealed = off.seal(leaf.privateKeyPem, 'k');
  assert.notEqual(off.privateKey(offSealed, 'k'), off.privateKey(offSealed, 'k'), 'maxEntries 0: no cache');
});

test('keystore: cached KeyObject per certificate id and sealed bytes, bounded, expiring', () => {
  let now = 0;
  const keys = createKeyStore('s'.repeat(40), { maxEntries: 2, ttlMs: 10 * 60_000, now: () => now });
  const sealed = keys.seal(leaf.privateKeyPem, 'cert-1');
  const k = keys.privateKey(sealed, 'cert-1');
  assert.equal(k.type, 'private');
  assert.equal(keys.privateKey(Buffer.from(sealed), 'cert-1'), k, 'same bytes, same id: the cached object');
  const sig = sign('sha256', Buffer.from('x'), k);
  assert.ok(verify('sha256', Buffer.from('x'), new X509Certificate(leaf.certificate).publicKey, sig));
  assert.equal(keys.open(sealed, 'cert-1'), leaf.privateKeyPem);

  // Never a key for other bytes or another id: tampering and moved rows still fail.
  assert.throws(() => keys.privateKey(sealed, 'cert-2'));
  const tampered = Buffer.from(sealed);
  tampered[tampered.length - 1]! ^= 1;
  assert.throws(() => keys.privateKey(tampered, 'cert-1'));
  const resealed = keys.seal(leaf.privateKeyPem, 'cert-1'); // new IV: other bytes, same key
  const k2 = keys.privateKey(resealed, 'cert-1');
  assert.notEqual(k2, k);
  assert.equal(keys.privateKey(resealed, 'cert-1'), k2);

  now += 10 * 60_000; // expired: decrypted again
  const k3 = keys.privateKey(resealed, 'cert-1');
  assert.notEqual(k3, k2);

  const other = createKeyStore('s'.repeat(40), { maxEntries: 2, now: () => now });
  const ids = ['a', 'b', 'c'].map((id) => ({ id, sealed: other.seal(leaf.privateKeyPem, id) }));
  const first = ids.map(({ id, sealed: s }) => other.privateKey(s, id));
  assert.equal(other.privateKey(ids[2]!.sealed, 'c'), first[2]);
  assert.notEqual(other.privateKey(ids[0]!.sealed, 'a'), first[0], 'the least recently used was evicted');
});

test('signSignedAttributes: a KeyObject and the PEM give the same signature; a public key is refused', () => {
  const attrs = buildSignedAttributes({ contentDigest: digestChunks(content), signerCertificate: leaf.certificate });
  const key = createPrivateKey(leaf.privateKeyPem);
  assert.ok(signSignedAttributes(attrs, key).equals(signSignedAttributes(attrs, leaf.privateKeyPem))); // PKCS#1 v1.5 is deterministic
  assert.throws(() => signSignedAttributes(attrs, createPublicKey(key)));
});

/** describeCertificate as it was written on pkijs, the reference for the DER reader's rendering. */
function pkijsDescribe(certDer: Buffer) {
  const cert = pkijs.Certificate.fromBER(new Uint8Array(certDer));
  const value = (v: asn1js.AsnType) => {
    const s = (v.valueBlock as { value?: unknown }).value;
    return typeof s === 'string' ? s : `#${Buffer.from(v.toBER()).toString('hex')}`;
  };
  const NAMES: Record<string, string> = { '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.10': 'O', '2.5.4.11': 'OU', '1.2.840.113549.1.9.1': 'emailAddress', '0.9.2342.19200300.100.1.1': 'UID' };
  const fmt = (n: pkijs.RelativeDistinguishedNames) =>
    n.typesAndValues.map((tv) => `${NAMES[tv.type] ?? tv.type}=${value(tv.value).replace(/([,+"\\<>;])/g, '\\$1')}`).reverse().join(', ');
  const first = (n: pkijs.RelativeDistinguishedNames, t: string) => {
    const tv = n.typesAndValues.find((x) => x.type === t);
    return tv ? value(tv.value) : null;
  };
  const ext = (id: string) => {
    const e = cert.extensions?.find((x) => x.extnID === id);
    return e ? asn1js.fromBER(e.extnValue.valueBlock.valueHexView).result : null;
  };
  const ku = ext('2.5.29.15');
  const kuByte = ku ? (ku as asn1js.BitString).valueBlock.valueHexView[0] ?? 0 : 0;
  const bc = ((ext('2.5.29.19')?.valueBlock as { value?: asn1js.AsnType[] } | undefined)?.value ?? [])[0];
  const serial = Buffer.from(cert.serialNumber.valueBlock.valueHexView);
  return {
    subject: fmt(cert.subject), commonName: first(cert.subject, '2.5.4.3'), organization: first(cert.subject, '2.5.4.10'), issuer: fmt(cert.issuer),
    serialNumber: (serial.length > 1 && serial[0] === 0 ? serial.subarray(1) : serial).toString('hex').toUpperCase(),
    notBefore: cert.notBefore.value, notAfter: cert.notAfter.value,
    keyUsage: ku ? { digitalSignature: !!(kuByte & 0x80), nonRepudiation: !!(kuByte & 0x40), keyCertSign: !!(kuByte & 0x04) } : null,
    isCa: bc instanceof asn1js.Boolean && bc.getValue(),
  };
}

test('describeCertificate (pkijs, cached) renders every certificate as the pkijs code did', () => {
  fs.writeFileSync(at('mask.cnf'), '[req]\ndistinguished_name=dn\nstring_mask=default\n[dn]\n');
  openssl('genpkey', '-algorithm', 'rsa', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', at('r.key'));
  // T61String / BMPString values, IA5String e-mail, GeneralizedTime, a serial that needs a 00 octet.
  openssl('req', '-new', '-x509', '-key', at('r.key'), '-utf8', '-config', at('mask.cnf'), '-multivalue-rdn', '-days', '40000', '-set_serial', '255',
    '-subj', '/C=VN/O=Café Ñandú/CN=Trần Thị BMP/emailAddress=a@b.vn', '-out', at('mask.pem'));
  // Multi-valued RDN, characters that need escaping, UTF8String.
  openssl('req', '-new', '-x509', '-key', at('r.key'), '-utf8', '-multivalue-rdn', '-days', '30',
    '-subj', '/C=VN/O=Sở Nội vụ, "Tỉnh" <A>;B\\+C/CN=Multi+UID=u123', '-out', at('multi.pem'));
  const certs = [ca.certificate, leaf.certificate, pemToDer(at('mask.pem')), pemToDer(at('multi.pem'))];
  for (const c of certs) {
    const d = describeCertificate(c);
    const { fingerprintSha256, ...rest } = d;
    assert.deepEqual(rest, pkijsDescribe(c));
    assert.equal(fingerprintSha256, new X509Certificate(c).fingerprint256);
  }
  assert.equal(describeCertificate(certs[2]!).commonName, 'Trần Thị BMP');
  assert.equal(describeCertificate(certs[2]!).notAfter.getUTCFullYear() > 2100, true);
  for (const junk of [Buffer.from('junk'), ca.certificate.subarray(0, 200), Buffer.alloc(0)]) {
    assert.throws(() => describeCertificate(junk), (e: unknown) => (e as { code?: string }).code === 'malformed');
  }
});

// --- "issued by": a hand-made certificate for each rule, compared with OpenSSL's answer ---------
const rsaSha256 = der.algId('1.2.840.113549.1.1.11', der.null());
const name = (...rdns: Array<[string, number, string]>) =>
  der.seq(...rdns.map(([oid, tag, v]) => der.tlv(0x31, der.seq(der.oid(oid), der.tlv(tag, Buffer.from(v, 'utf8'))))));
const ext = (oid: string, value: Buffer) => der.seq(der.oid(oid), der.octets(value));
function craft(o: { issuer: Buffer; subject: Buffer; key: KeyObject; signer: KeyObject; inner?: Buffer; outer?: Buffer; exts?: Buffer[] }): Buffer {
  const utc = (s: string) => der.tlv(0x17, Buffer.from(s));
  const tbs = der.seq(
    der.tlv(0xa0, der.small(2)), der.uint(randomBytes(8)), o.inner ?? rsaSha256, o.issuer, der.seq(utc('250101000000Z'), utc('451231235959Z')),
    o.subject, createPublicKey(o.key).export({ type: 'spki', format: 'der' }), ...(o.exts ? [der.tlv(0xa3, der.seq(...o.exts))] : []),
  );
  return der.seq(tbs, o.outer ?? o.inner ?? rsaSha256, der.tlv(0x03, Buffer.from([0]), sign('sha256', tbs, o.signer)));
}

test('issuedBy agrees with OpenSSL checkIssued + verify on every pair', () => {
  const caKey = createPrivateKey(ca.privateKeyPem);
  const { privateKey: k } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const caName = Buffer.from(cert(ca.certificate).subjectRaw);
  const leafName = name(['2.5.4.3', 0x0c, 'Crafted']);
  const ku = (bits: number) => ext('2.5.29.15', der.tlv(0x03, Buffer.from([0, bits])));
  const noSignCaName = name(['2.5.4.3', 0x0c, 'No certSign CA']);
  const noSignCa = craft({ issuer: noSignCaName, subject: noSignCaName, key: k, signer: k, exts: [ext('2.5.29.19', der.seq(der.bool(true))), ku(0x80)] });
  openssl('req', '-new', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', at('ec.key'), '-subj', '/CN=EC CA', '-days', '3', '-out', at('ec.pem'));
  openssl('req', '-new', '-newkey', 'ed25519', '-nodes', '-keyout', at('edl.key'), '-subj', '/CN=Ed leaf', '-out', at('edl.csr'));
  openssl('x509', '-req', '-in', at('edl.csr'), '-CA', at('ec.pem'), '-CAkey', at('ec.key'), '-days', '2', '-out', at('edl.pem'));
  openssl('req', '-new', '-x509', '-newkey', 'ed25519', '-nodes', '-keyout', at('ed.key'), '-subj', '/CN=Ed CA', '-days', '3', '-out', at('ed.pem'));
  const certs: Record<string, Buffer> = {
    ca: ca.certificate, leaf: leaf.certificate, other: createCa({ commonName: 'Fold Test CA', organization: 'Org' }).certificate,
    // Same name once OpenSSL folds case and spaces, in other string types: OpenSSL decides.
    folded: craft({ issuer: name(['2.5.4.6', 0x13, 'vn'], ['2.5.4.10', 0x13, 'ORG'], ['2.5.4.3', 0x13, '  fold   test CA ']), subject: leafName, key: k, signer: caKey }),
    renamed: craft({ issuer: name(['2.5.4.3', 0x0c, 'Someone else']), subject: leafName, key: k, signer: caKey }),
    akiMismatch: craft({ issuer: caName, subject: leafName, key: k, signer: caKey, exts: [ext('2.5.29.35', der.seq(der.tlv(0x80, randomBytes(20))))] }),
    algMismatch: craft({ issuer: caName, subject: leafName, key: k, signer: caKey, outer: der.algId('1.2.840.113549.1.1.13', der.null()) }),
    duplicateKu: craft({ issuer: caName, subject: leafName, key: k, signer: caKey, exts: [ku(0x80), ku(0x80)] }),
    badSignature: craft({ issuer: caName, subject: leafName, key: k, signer: k }),
    noSignCa, underNoSignCa: craft({ issuer: noSignCaName, subject: leafName, key: k, signer: k }),
    ecCa: pemToDer(at('ec.pem')), edLeaf: pemToDer(at('edl.pem')), edCa: pemToDer(at('ed.pem')),
  };
  const x = Object.fromEntries(Object.entries(certs).map(([n, c]) => [n, new X509Certificate(c)]));
  let issued = 0;
  for (const [a, ca_] of Object.entries(certs)) {
    for (const [b, cb] of Object.entries(certs)) {
      const expected = x[a]!.checkIssued(x[b]!) && x[a]!.verify(x[b]!.publicKey);
      assert.equal(issuedBy(cert(ca_), cert(cb)), expected, `${a} issued by ${b}`);
      if (expected) issued++;
    }
  }
  // Self-signed CAs, leaf, folded (under ca), edLeaf (under ecCa); noSignCa signs itself without keyCertSign.
  assert.ok(issued >= 6, `only ${issued} issued pairs`);
});

test('BER input (openssl cms -sign -stream: indefinite lengths) verifies; anchors are cached by content', async () => {
  fs.writeFileSync(at('ca.pem'), new X509Certificate(ca.certificate).toString());
  fs.writeFileSync(at('leaf.pem'), new X509Certificate(leaf.certificate).toString());
  fs.writeFileSync(at('leaf.key'), leaf.privateKeyPem);
  fs.writeFileSync(at('data.bin'), Buffer.concat(content));
  openssl('cms', '-sign', '-binary', '-stream', '-md', 'sha256', '-in', at('data.bin'), '-signer', at('leaf.pem'), '-inkey', at('leaf.key'),
    '-certfile', at('ca.pem'), '-outform', 'DER', '-out', at('ber.der'));
  const ber = fs.readFileSync(at('ber.der'));
  assert.equal(ber[1], 0x80, 'indefinite length');
  const anchor = Buffer.from(ca.certificate);
  const v = await verifyCms({ cms: ber, content, trustAnchors: [anchor] });
  assert.deepEqual([v.integrity, v.trust, v.problems, v.signer?.commonName], ['valid', 'trusted', [], 'Nguyễn Văn Nhanh']);
  assert.equal((await verifyCms({ cms: ber, content: [Buffer.from('other')], trustAnchors: [anchor] })).integrity, 'invalid');

  // The cached anchor view owns its bytes: changing the caller's buffer changes nothing cached.
  anchor.fill(0);
  assert.equal((await verifyCms({ cms: ber, content, trustAnchors: [anchor] })).trust, 'untrusted');
  assert.equal((await verifyCms({ cms: ber, content, trustAnchors: [ca.certificate] })).trust, 'trusted');

  const attrs = buildSignedAttributes({ contentDigest: digestChunks(content), signerCertificate: leaf.certificate });
  const cms = assembleCms({ signedAttributes: attrs, signature: signSignedAttributes(attrs, createPrivateKey(leaf.privateKeyPem)), certificates: [leaf.certificate, ca.certificate] });
  assert.equal((await verifyCms({ cms: Buffer.concat([cms, Buffer.alloc(4000)]), content, trustAnchors: [ca.certificate] })).integrity, 'valid', 'zero padding after the CMS, as in /Contents');
});
