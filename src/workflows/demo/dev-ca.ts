// `npm run cli -- dev-ca`: a throw-away certificate authority so the demo district signs out of
// the box. The CA is kept in <DATA_DIR>/dev-ca and trusted as an anchor; every demo leader gets
// a personal key and every demo unit with a clerk or leader a seal key, installed through the
// same path as an uploaded .p12 (so the private keys are encrypted by the key store as usual).
// Every certificate it issues names the CA's CRL, served by the app at PUBLIC_URL/pki/dev-ca.crl
// (modules/signing/pki-routes.ts), so verifiers can check revocation; a key whose certificate
// names another URL (older, or PUBLIC_URL changed) is replaced.
// Running it again adds only what is missing. NOT for real use: anyone with the data directory
// holds the CA key.
import { createPrivateKey, createPublicKey, randomBytes, X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Deps } from '../../lib/deps.js';
import type { Actor } from '../../lib/actor.js';
import { CertificateError, checkSigningCertificate, describeCertificate } from '../../modules/signing/crypto/certificates.js';
import { cert } from '../../modules/signing/crypto/x509.js';
import { devCaCrlUrl } from '../../modules/signing/pki-routes.js';
import { createCa, generateRsaKeyPem, issueCertificate, type KeyAndCertificate, toPkcs12 } from '../../modules/signing/crypto/dev-ca.js';
import { activeKeysOf, uploadCertificate, uploadSignatureImage } from '../../modules/signing/keys-service.js';
import { addTrustAnchor, certificateFromPem, listTrustAnchors } from '../../modules/signing/trust-service.js';
import type { User } from '../../modules/orgs/users.js';
import { findUserByUsername, findUsersByUsernames } from '../../modules/orgs/users.js';
import { findUnitsByCodes, getUnitsByIds } from '../../modules/orgs/units.js';
import { allDemoUnits, allDemoUsers } from './datasets.js';
import { demoSealPng, demoSignaturePng } from './demo-images.js';

export interface DevCaReport {
  caPath: string;
  /** The CA was added as a trust anchor by this run. */
  anchorInstalled: boolean;
  userCertificates: number;
  unitCertificates: number;
  /** Signature images and seal images installed by this run. */
  images: number;
}

const DAY = 86_400_000;
const CA_NAME = 'lienthong Dev CA (không dùng thật)';
const CA_ORG = 'lienthong demo';
const CERT_DAYS = 730;

export class DevCaError extends Error {}

const actorOf = (u: User): Actor => ({ userId: u.id, unitId: u.unitId, roles: u.roles });

/** Reads the CA in `dir`, or creates it; a half-written directory is an error, never silently replaced. */
async function loadOrCreateCa(dir: string): Promise<{ ca: KeyAndCertificate; created: boolean; certPath: string }> {
  const certPath = path.join(dir, 'ca.pem');
  const keyPath = path.join(dir, 'ca.key');
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.chmod(dir, 0o700); // mkdir's mode is masked by the umask and not applied to an existing directory
  const read = (p: string) => fs.readFile(p, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e)));
  const [pem, keyPem] = await Promise.all([read(certPath), read(keyPath)]);
  if (pem !== null && keyPem !== null) {
    const der = certificateFromPem(pem);
    if (!der) throw new DevCaError(`${certPath} không phải chứng thư PEM (is not a PEM certificate)`);
    let matches = false;
    try {
      const pub = (k: ReturnType<typeof createPublicKey>) => k.export({ type: 'spki', format: 'der' });
      matches = pub(createPublicKey(createPrivateKey(keyPem))).equals(pub(new X509Certificate(der).publicKey));
    } catch {
      throw new DevCaError(`${keyPath} không phải khóa bí mật PEM (is not a PEM private key)`);
    }
    if (!matches) throw new DevCaError(`${keyPath} không khớp với ${certPath} (the key does not match the certificate)`);
    if (!describeCertificate(der).isCa) throw new DevCaError(`${certPath} không phải chứng thư CA (is not a CA certificate)`);
    await fs.chmod(keyPath, 0o600);
    return { ca: { certificate: der, privateKeyPem: keyPem }, created: false, certPath };
  }
  if (pem !== null || keyPem !== null) {
    throw new DevCaError(
      `Thư mục ${dir} chỉ có một trong hai tệp ca.pem, ca.key; hãy xóa thư mục rồi chạy lại ` +
        `(only one of ca.pem and ca.key is present; delete the directory and run again)`,
    );
  }
  const ca = createCa({ commonName: CA_NAME, organization: CA_ORG, validDays: 3650 });
  // Written under temporary names and renamed, key first: an interrupted run leaves no ca.pem.
  const tmp = `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await fs.writeFile(keyPath + tmp, ca.privateKeyPem, { mode: 0o600, flag: 'wx' });
  await fs.writeFile(certPath + tmp, new X509Certificate(ca.certificate).toString(), { mode: 0o644, flag: 'wx' });
  await fs.rename(keyPath + tmp, keyPath);
  await fs.rename(certPath + tmp, certPath);
  return { ca, created: true, certPath };
}

/** An active key that can still sign now and names this app's CRL; any other is replaced. */
function usable(row: { certificate: Buffer } | undefined, at: Date, crlUrl: string): boolean {
  if (!row) return false;
  try {
    checkSigningCertificate(row.certificate, at);
    return cert(row.certificate).crlUrls.includes(crlUrl);
  } catch (err) {
    if (err instanceof CertificateError) return false;
    throw err;
  }
}

async function install(deps: Deps, actor: Actor, ca: KeyAndCertificate, owner: 'user' | 'unit', subject: { commonName: string; organization: string; organizationalUnit?: string }, privateKeyPem: string) {
  const issued = issueCertificate(ca, { ...subject, validTo: new Date(deps.clock().getTime() + CERT_DAYS * DAY), crlUrl: devCaCrlUrl(deps.config), privateKeyPem });
  const passphrase = randomBytes(18).toString('base64url');
  // With the CA in the chain, as a real .p12 from a CA comes; the signatures then carry it too.
  const p12 = toPkcs12({ privateKeyPem: issued.privateKeyPem, certificate: issued.certificate, chain: [ca.certificate], passphrase });
  await uploadCertificate(deps, actor, { p12, passphrase, owner });
}

/** Creates (or reuses) the dev CA, trusts it, and gives the demo leaders and units their keys and images. */
export async function runDevCa(deps: Deps, opts: { log?: (line: string) => void } = {}): Promise<DevCaReport> {
  const log = opts.log ?? (() => {});
  const { ca, created, certPath } = await loadOrCreateCa(path.join(deps.config.dataDir, 'dev-ca'));
  const caInfo = describeCertificate(ca.certificate);
  const report: DevCaReport = { caPath: certPath, anchorInstalled: false, userCertificates: 0, unitCertificates: 0, images: 0 };

  if (!(await listTrustAnchors(deps.db)).some((a) => a.fingerprint === caInfo.fingerprintSha256)) {
    const admin = await findUserByUsername(deps.db, 'admin');
    if (!admin) throw new DevCaError('Chưa có tài khoản admin (the built-in admin account is missing)');
    await addTrustAnchor(deps, actorOf(admin), new X509Certificate(ca.certificate).toString());
    report.anchorInstalled = true;
  }

  // The demo accounts as they are in the database now (roles, unit), in the seed's order. Everything
  // is read first (a handful of queries), then only what is missing is installed:
  // the check on every start of the demo costs milliseconds, not a query per person.
  const seeds = allDemoUsers();
  const byName = new Map((await findUsersByUsernames(deps.db, seeds.map((s) => s.username))).map((u) => [u.username, u]));
  const people: Array<{ user: User; seed: number }> = [];
  for (const [i, s] of seeds.entries()) {
    const user = byName.get(s.username.toLowerCase());
    if (user && !user.disabled) people.push({ user, seed: i + 1 });
  }
  const crlUrl = devCaCrlUrl(deps.config);
  const needsOf = async (owner: 'user' | 'unit', actors: Actor[]) => {
    const keys = await activeKeysOf(deps.db, owner, actors.map((a) => (owner === 'user' ? a.userId : a.unitId)));
    return actors.map((actor) => {
      const k = keys.get(owner === 'user' ? actor.userId : actor.unitId)!;
      return { actor, certificate: !usable(k.certificate, deps.clock(), crlUrl), image: !k.image };
    });
  };

  const leaders = people.filter((p) => p.user.roles.includes('leader'));
  const leaderUnits = new Map((await getUnitsByIds(deps.db, [...new Set(leaders.map((p) => p.user.unitId))])).map((u) => [u.id, u]));
  const withUnit = leaders.filter((p) => leaderUnits.has(p.user.unitId));
  const userNeeds = await needsOf('user', withUnit.map((p) => actorOf(p.user)));

  // The seal is installed by one of the unit's demo clerks (preferred: they issue) or leaders.
  const wantedUnits = allDemoUnits();
  const demoUnitRows = new Map((await findUnitsByCodes(deps.db, wantedUnits.map((u) => u.code))).map((u) => [u.code, u]));
  const sealed = wantedUnits.flatMap((u) => {
    const unit = demoUnitRows.get(u.code);
    if (!unit || unit.dissolvedAt) return [];
    const staff = people.map((p) => p.user).filter((p) => p.unitId === unit.id);
    const installer = staff.find((p) => p.roles.includes('clerk')) ?? staff.find((p) => p.roles.includes('leader'));
    return installer ? [{ unit, installer }] : [];
  });
  const unitNeeds = await needsOf('unit', sealed.map(({ installer }) => actorOf(installer)));
  // The missing keys are made together first (RSA generation is the slow part: ≈ 150 ms each, in
  // parallel on libuv's threads), then installed one by one.
  const missing = [...userNeeds, ...unitNeeds].filter((n) => n.certificate).length;
  const keys = await Promise.all(Array.from({ length: missing }, () => generateRsaKeyPem()));
  const nextKey = () => keys.pop()!;
  for (const [i, { user, seed }] of withUnit.entries()) {
    const need = userNeeds[i]!;
    const unit = leaderUnits.get(user.unitId)!;
    if (need.certificate) {
      await install(deps, need.actor, ca, 'user', { commonName: user.fullName, organization: unit.name, organizationalUnit: user.title || undefined }, nextKey());
      report.userCertificates++;
    }
    if (need.image) {
      await uploadSignatureImage(deps, need.actor, { png: demoSignaturePng(seed), owner: 'user' });
      report.images++;
    }
  }

  for (const [i, { unit }] of sealed.entries()) {
    const need = unitNeeds[i]!;
    if (need.certificate) {
      await install(deps, need.actor, ca, 'unit', { commonName: unit.name, organization: unit.name }, nextKey());
      report.unitCertificates++;
    }
    if (need.image) {
      await uploadSignatureImage(deps, need.actor, { png: demoSealPng(), owner: 'unit' });
      report.images++;
    }
  }

  for (const line of summary(report, { created, notAfter: caInfo.notAfter, demoUsers: people.length, now: deps.clock() })) log(line);
  return report;
}

const shellQuote = (s: string): string => (/^[\w./@%+=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

function summary(r: DevCaReport, x: { created: boolean; notAfter: Date; demoUsers: number; now: Date }): string[] {
  const lines = [
    x.created
      ? `Đã tạo CA thử nghiệm (created the dev CA): ${r.caPath}`
      : `Dùng lại CA thử nghiệm đã có (reusing the dev CA): ${r.caPath}`,
    `  hết hạn (expires) ${x.notAfter.toISOString().slice(0, 10)}`,
    r.anchorInstalled
      ? 'Đã thêm CA vào danh sách chứng thư gốc tin cậy (added as a trust anchor).'
      : 'CA đã có trong danh sách chứng thư gốc tin cậy (already a trust anchor).',
    `Chứng thư số cá nhân mới (new personal certificates): ${r.userCertificates}`,
    `Chứng thư số con dấu đơn vị mới (new unit seal certificates): ${r.unitCertificates}`,
    `Hình chữ ký và con dấu mới (new signature and seal images): ${r.images}`,
  ];
  if (x.notAfter < x.now) {
    lines.push('CẢNH BÁO: CA đã hết hạn; xóa thư mục dev-ca và chạy lại (WARNING: the CA has expired; delete the dev-ca directory and run again).');
  }
  if (x.demoUsers === 0) {
    lines.push('Chưa có tài khoản mẫu nào; hãy chạy seed-demo trước (no demo accounts yet; run seed-demo first).');
  }
  lines.push(
    '',
    'Để pdfsig (poppler) tin các chữ ký này (to make pdfsig trust these signatures):',
    `  certutil -d sql:$HOME/.pki/nssdb -A -n lienthong-dev -t "CT,C,C" -i ${shellQuote(r.caPath)}`,
    '',
    'CẢNH BÁO: các chứng thư số này chỉ dùng để trình diễn, không có giá trị pháp lý; không cài CA này',
    'trên máy thật và không dùng cho văn bản thật.',
    '(WARNING: these certificates are for demos only and have no legal value; do not trust this CA',
    'on real machines or use it for real documents.)',
  );
  return lines;
}
