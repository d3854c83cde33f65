import { execFile } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createCa, toPkcs12, type KeyAndCertificate } from '../../src/modules/signing/crypto/dev-ca.js';
import { withCrl } from './crl.js';
import type { TestEnv } from './app.js';
import type { TestUser } from './factories.js';
import { multipart } from './pdf.js';

export const run = promisify(execFile);

export const pem = (der: Buffer) => `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;

/** Installs a PKCS#12 through the real endpoint, as a user would. */
export async function installKey(env: TestEnv, who: TestUser, key: KeyAndCertificate, ca: KeyAndCertificate, owner: 'user' | 'unit', passphrase = 'mật khẩu 123') {
  const p12 = toPkcs12({ privateKeyPem: key.privateKeyPem, certificate: key.certificate, chain: [ca.certificate], passphrase });
  const body = multipart([
    { name: 'owner', data: owner },
    { name: 'passphrase', data: passphrase },
    { name: 'file', filename: 'key.p12', type: 'application/x-pkcs12', data: p12 },
  ]);
  return env.app.inject({ method: 'POST', url: '/api/certificates', headers: { ...who.auth, ...body.headers }, payload: body.payload });
}

export async function addAnchor(env: TestEnv, admin: TestUser, ca: KeyAndCertificate) {
  return env.app.inject({ method: 'POST', url: '/api/trust-anchors', headers: { ...admin.auth, 'content-type': 'text/plain' }, payload: pem(ca.certificate) });
}

/** pdfsig's report on a file; with `ca`, an NSS database that trusts it (as an auditor with certutil would set up). */
export async function pdfsig(pdf: Buffer, ca?: KeyAndCertificate): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pdfsig-'));
  try {
    const file = path.join(dir, 'doc.pdf');
    await fs.writeFile(file, pdf);
    const args = [file];
    if (ca) {
      const nss = path.join(dir, 'nss');
      await fs.mkdir(nss);
      await fs.writeFile(path.join(dir, 'ca.pem'), pem(ca.certificate));
      await run('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']);
      await run('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'test-ca', '-t', 'CT,C,C', '-i', path.join(dir, 'ca.pem')]);
      args.unshift('-nssdir', `sql:${nss}`);
    }
    const { stdout } = await run('pdfsig', args).catch((e: { stdout?: string; stderr?: string }) => ({ stdout: `${e.stdout ?? ''}${e.stderr ?? ''}` }));
    return stdout;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * A test CA with a leader's key and a unit seal key, made fresh per test file. Its certificates name
 * a CRL served on loopback (helpers/crl.ts), so their revocation can be checked; `issue` makes more.
 */
export function testPki(unitName = 'Ủy ban nhân dân huyện Thử') {
  const ca = createCa({ commonName: 'Test CA lienthong', organization: 'Test' });
  const { issue, crlUrl } = withCrl(ca);
  const leader = issue({ commonName: 'Nguyễn Văn Hùng', organization: unitName, organizationalUnit: 'Chủ tịch' });
  const seal = issue({ commonName: unitName, organization: unitName });
  return { ca, leader, seal, issue, crlUrl };
}

/** Every form the private key could leak in: PEM body, DER as base64 and hex. */
export function keyForms(key: KeyAndCertificate): string[] {
  const der = createPrivateKey(key.privateKeyPem).export({ type: 'pkcs8', format: 'der' });
  const body = key.privateKeyPem.split('\n').filter((l) => !l.startsWith('-----')).join('');
  return [body.slice(0, 64), der.toString('base64').slice(100, 164), der.toString('hex').slice(200, 264), 'PRIVATE KEY'];
}
