// Chain validation rules, each with certificates made by openssl in the test: basicConstraints
// pathLenConstraint, name constraints (pkijs' engine), an unknown critical extension. Each broken
// chain makes the signature untrusted with a problem that says why; the good chain stays trusted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assembleCms, buildSignedAttributes, digestChunks, signSignedAttributes } from '../src/modules/signing/crypto/pades.js';
import { verifyCms } from '../src/modules/signing/crypto/verify.js';

let dir: string;
const at = (n: string) => path.join(dir, n);
const content = [Buffer.from('%PDF-1.7 chain test'), Buffer.from(' %%EOF\n')];
const openssl = (...args: string[]) => {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.slice(0, 2).join(' ')} failed: ${r.stderr}`);
};
const der = (name: string) => new X509Certificate(fs.readFileSync(at(`${name}.pem`))).raw;

/** A key and a certificate `name`, signed by `issuer` (self-signed when null), with `ext` lines (v3 extensions). */
function make(name: string, subject: string, issuer: string | null, ext: string[]) {
  fs.writeFileSync(at(`${name}.ext`), `[v3]\n${ext.join('\n')}\n`);
  openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', at(`${name}.key`), '-subj', subject, '-utf8', '-out', at(`${name}.csr`));
  const sign = issuer ? ['-CA', at(`${issuer}.pem`), '-CAkey', at(`${issuer}.key`), '-set_serial', String(Math.floor(Math.random() * 1e9))] : ['-signkey', at(`${name}.key`)];
  openssl('x509', '-req', '-in', at(`${name}.csr`), ...sign, '-days', '30', '-sha256', '-extfile', at(`${name}.ext`), '-extensions', 'v3', '-out', at(`${name}.pem`));
}

const CA = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid'];
const LEAF = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,nonRepudiation', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid'];

async function verdict(leaf: string, chain: string[]) {
  const attrs = buildSignedAttributes({ contentDigest: digestChunks(content), signerCertificate: der(leaf) });
  const cms = assembleCms({ signedAttributes: attrs, signature: signSignedAttributes(attrs, fs.readFileSync(at(`${leaf}.key`), 'utf8')), certificates: [der(leaf), ...chain.map(der)] });
  return verifyCms({ cms, content, trustAnchors: [der('root')], pdfSigningTime: new Date() });
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-chain-'));
  make('root', '/C=VN/O=Chain Test/CN=Root CA', null, CA.filter((e) => !e.startsWith('authorityKeyIdentifier')));
  // pathlen:0 — may issue end-entity certificates only, no further CA.
  make('sub0', '/C=VN/O=Chain Test/CN=Sub CA pathlen 0', 'root', ['basicConstraints=critical,CA:TRUE,pathlen:0', ...CA.slice(1)]);
  make('leafOk', '/C=VN/O=Chain Test/CN=Người ký hợp lệ', 'sub0', LEAF);
  make('subsub', '/C=VN/O=Chain Test/CN=Sub-sub CA', 'sub0', CA);
  make('leafDeep', '/C=VN/O=Chain Test/CN=Quá sâu', 'subsub', LEAF);
  // Name constraints: only names under O=Chain Test, C=VN.
  make('nc', '/C=VN/O=Chain Test/CN=Constrained CA', 'root', [...CA, 'nameConstraints=critical,permitted;dirName:nc_dn', '[nc_dn]', 'C=VN', 'O=Chain Test']);
  make('leafInside', '/C=VN/O=Chain Test/CN=Trong phạm vi', 'nc', LEAF);
  make('leafOutside', '/C=VN/O=Other Org/CN=Ngoài phạm vi', 'nc', LEAF);
  // A critical extension nobody here knows.
  make('leafCritical', '/C=VN/O=Chain Test/CN=Phần mở rộng lạ', 'sub0', [...LEAF, '1.2.3.4.5.6.7=critical,ASN1:UTF8String:bí ẩn']);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a path within every constraint is trusted', async () => {
  const v = await verdict('leafOk', ['sub0']);
  assert.deepEqual([v.integrity, v.trust, v.problems], ['valid', 'trusted', []]);
  const inside = await verdict('leafInside', ['nc']);
  assert.deepEqual([inside.trust, inside.problems], ['trusted', []]);
});

test('basicConstraints pathLenConstraint: a CA under a pathlen:0 CA makes the path untrusted', async () => {
  const v = await verdict('leafDeep', ['subsub', 'sub0']);
  assert.equal(v.integrity, 'valid');
  assert.equal(v.trust, 'untrusted');
  assert.ok(v.problems.some((p) => p.startsWith('path length constraint exceeded')), v.problems.join('; '));
});

test('name constraints: a subject outside the permitted subtree is untrusted', async () => {
  const v = await verdict('leafOutside', ['nc']);
  assert.equal(v.trust, 'untrusted');
  assert.ok(v.problems.some((p) => /permitted sub-trees/.test(p)), v.problems.join('; '));
});

test('an unknown critical extension makes the certificate untrusted', async () => {
  const v = await verdict('leafCritical', ['sub0']);
  assert.equal(v.trust, 'untrusted');
  assert.ok(v.problems.includes('unknown critical extension 1.2.3.4.5.6.7 in certificate'), v.problems.join('; '));
});

test('OpenSSL agrees on each case', () => {
  const verify = (leaf: string, chain: string[]) =>
    spawnSync('openssl', ['verify', '-CAfile', at('root.pem'), ...(chain.length ? ['-untrusted', at(`${chain.join('-')}.chain.pem`)] : []), at(`${leaf}.pem`)], { encoding: 'utf8' }).status === 0;
  const bundle = (chain: string[]) => fs.writeFileSync(at(`${chain.join('-')}.chain.pem`), chain.map((c) => fs.readFileSync(at(`${c}.pem`), 'utf8')).join(''));
  for (const c of [['sub0'], ['subsub', 'sub0'], ['nc']]) bundle(c);
  assert.equal(verify('leafOk', ['sub0']), true);
  assert.equal(verify('leafInside', ['nc']), true);
  assert.equal(verify('leafDeep', ['subsub', 'sub0']), false);
  assert.equal(verify('leafOutside', ['nc']), false);
  assert.equal(verify('leafCritical', ['sub0']), false);
});
