// The liên thông story with real processes: an axis (AXIS=1) and two systems A and B, each the app
// (`src/main.ts`, compiled when npm test runs the compiled tree) with its own embedded PostgreSQL and DATA_DIR, configured only by environment
// variables and the admin API. A's secretary issues a hỏa tốc công văn signed by A's leader and
// seal to a commune of B; B's clerk's phone rings; B acknowledges, accepts, assigns, handles; A sees
// 01 → 03 → 04 → 05 → 06; A recalls (13) and B agrees (15).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { freePort } from '../src/db/embedded.js';
import { toPkcs12 } from '../src/modules/signing/crypto/dev-ca.js';
import { makePdf, multipart } from './helpers/pdf.js';
import { pdfsig, pem, testPki } from './helpers/signing.js';
import { entryArgs } from './helpers/processes.js';
import { connect, waitFor } from './helpers/sockets.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const ADMIN = 'admin-process-pass';
const PASSWORD = 'mat-khau-thu-nghiem';

interface Proc { child: ChildProcess; base: string; out: () => string; dir: string }

function startApp(name: string, port: number, extra: Record<string, string>): Proc {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `lienthong-${name}-`));
  fs.chmodSync(dir, 0o755);
  let out = '';
  const child = spawn(process.execPath, entryArgs('src/main.ts'), {
    cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(port), DATA_DIR: dir, DEMO: '0', ADMIN_PASSWORD: ADMIN, LOG_LEVEL: 'warn', ...extra },
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, base: `http://127.0.0.1:${port}`, out: () => out, dir };
}

async function healthy(p: Proc, limitMs = 90_000) {
  const end = Date.now() + limitMs;
  while (Date.now() < end) {
    if (p.child.exitCode !== null) throw new Error(`exited ${p.child.exitCode}\n${p.out()}`);
    try {
      if ((await fetch(`${p.base}/healthz`)).status === 200) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`not healthy\n${p.out()}`);
}

async function stop(p: Proc) {
  if (p.child.exitCode === null) {
    const exited = new Promise((r) => p.child.once('exit', r));
    process.kill(-p.child.pid!, 'SIGTERM');
    const timer = setTimeout(() => p.child.exitCode === null && process.kill(-p.child.pid!, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  fs.rmSync(p.dir, { recursive: true, force: true });
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A tiny API client for one process and one user. */
function api(base: string, token?: string) {
  const headers = (h: Record<string, string> = {}) => ({ ...(token ? { authorization: `Bearer ${token}` } : {}), ...h });
  return {
    token,
    async json(method: string, url: string, body?: unknown, expect = [200, 201, 202]) {
      const r = await fetch(`${base}${url}`, { method, headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }), body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      assert.ok(expect.includes(r.status), `${method} ${url}: ${r.status} ${text}`);
      return text ? JSON.parse(text) : null;
    },
    async raw(method: string, url: string, body: Buffer | string, type: string) {
      return fetch(`${base}${url}`, { method, headers: headers({ 'content-type': type }), body: typeof body === 'string' ? body : new Uint8Array(body) });
    },
    async bytes(url: string) {
      return Buffer.from(await (await fetch(`${base}${url}`, { headers: headers() })).arrayBuffer());
    },
  };
}

async function login(base: string, username: string, password: string) {
  const r = await api(base).json('POST', '/api/auth/login', { username, password });
  return api(base, r.token);
}

test('three processes: a flash document from A reaches B\'s clerk with valid signatures; 01→06 and recall 13/15 reach A in order', { timeout: 420_000 }, async (t) => {
  const [hubPort, aPort, bPort] = [await freePort(), await freePort(), await freePort()];
  const hub = startApp('axis', hubPort, { AXIS: '1' });
  t.after(() => stop(hub));
  await healthy(hub);
  const hubAdmin = await login(hub.base, 'admin', ADMIN);
  const secretA = (await hubAdmin.json('POST', '/api/axis/systems', { systemId: 'sys-a', name: 'Hệ thống huyện A' })).secret;
  const secretB = (await hubAdmin.json('POST', '/api/axis/systems', { systemId: 'sys-b', name: 'Hệ thống huyện B' })).secret;

  const a = startApp('a', aPort, { AXIS_URL: hub.base, AXIS_SYSTEM_ID: 'sys-a', AXIS_SECRET: secretA });
  const b = startApp('b', bPort, { AXIS_URL: hub.base, AXIS_SYSTEM_ID: 'sys-b', AXIS_SECRET: secretB });
  t.after(() => stop(a));
  t.after(() => stop(b));
  await Promise.all([healthy(a), healthy(b)]);

  // Units and people through the admin API; distinct OrganIds so the directories do not collide.
  const adminA = await login(a.base, 'admin', ADMIN);
  const adminB = await login(b.base, 'admin', ADMIN);
  const ubndA = (await adminA.json('POST', '/api/units', { code: '000.00.10.H41', name: 'Ủy ban nhân dân huyện A', shortName: 'UBND', kind: 'government' })).unit;
  const communeB = (await adminB.json('POST', '/api/units', { code: '000.01.20.H41', name: 'Ủy ban nhân dân xã B1', shortName: 'UBND', kind: 'government' })).unit;
  const user = async (admin: ReturnType<typeof api>, base: string, username: string, unitId: string, roles: string[], fullName: string) => {
    await admin.json('POST', '/api/users', { username, password: PASSWORD, fullName, unitId, roles, title: roles.includes('leader') ? 'Chủ tịch' : '' });
    return login(base, username, PASSWORD);
  };
  const clerkA = await user(adminA, a.base, 'vanthu.a', ubndA.id, ['clerk'], 'Văn thư A');
  const leaderA = await user(adminA, a.base, 'chutich.a', ubndA.id, ['leader'], 'Nguyễn Văn Hùng');
  const clerkB = await user(adminB, b.base, 'vanthu.b', communeB.id, ['clerk'], 'Văn thư B');
  const leaderB = await user(adminB, b.base, 'chutich.b', communeB.id, ['leader'], 'Chủ tịch B');
  const officerB = await user(adminB, b.base, 'canbo.b', communeB.id, ['officer'], 'Cán bộ B');

  // Keys: A's leader and A's seal from A's CA; each system trusts both CAs.
  const pkiA = testPki('Ủy ban nhân dân huyện A');
  const pkiB = testPki('Ủy ban nhân dân xã B1');
  for (const admin of [adminA, adminB]) {
    for (const ca of [pkiA.ca, pkiB.ca]) assert.equal((await admin.raw('POST', '/api/trust-anchors', pem(ca.certificate), 'text/plain')).status, 201);
  }
  const install = async (who: ReturnType<typeof api>, key: typeof pkiA.leader, ca: typeof pkiA.ca, owner: 'user' | 'unit') => {
    const body = multipart([
      { name: 'owner', data: owner }, { name: 'passphrase', data: 'mat-khau' },
      { name: 'file', filename: 'k.p12', type: 'application/x-pkcs12', data: toPkcs12({ privateKeyPem: key.privateKeyPem, certificate: key.certificate, chain: [ca.certificate], passphrase: 'mat-khau' }) },
    ]);
    const r = await who.raw('POST', '/api/certificates', body.payload, body.headers['content-type']);
    assert.equal(r.status, 201, await r.text());
  };
  await install(leaderA, pkiA.leader, pkiA.ca, 'user');
  await install(clerkA, pkiA.seal, pkiA.ca, 'unit');
  await install(clerkB, pkiB.seal, pkiB.ca, 'unit');

  // Within seconds each system sees the other's unit in its picker.
  const remote = await until('B\'s commune in A\'s directory', async () =>
    (await clerkA.json('GET', '/api/units?external=1')).units.find((u: { code: string }) => u.code === communeB.code), 60_000);
  assert.equal(remote.systemName, 'Hệ thống huyện B');

  const phone = await connect(b.base, clerkB.token!);
  const issuerPhone = await connect(a.base, clerkA.token!);
  t.after(() => { phone.close(); issuerPhone.close(); });

  // A: draft, file, the leader signs, the secretary issues (the seal).
  const doc = (await clerkA.json('POST', '/api/documents', { type: 'CV', subject: 'Hỏa tốc: ứng phó bão số 9', recipients: [remote.id], urgency: 'flash' })).document;
  const up = multipart([{ name: 'file', filename: 'cong-van.pdf', data: makePdf('Công văn hỏa tốc') }]);
  assert.equal((await clerkA.raw('POST', `/api/documents/${doc.id}/files`, up.payload, up.headers['content-type'])).status, 201);
  await leaderA.json('POST', `/api/documents/${doc.id}/sign`, {});
  const started = Date.now();
  await clerkA.json('POST', `/api/documents/${doc.id}/issue`);

  // B's clerk's phone: the new document and the flash alarm.
  await waitFor(() => phone.of('delivery:new').length === 1, 20_000, 'delivery:new on B');
  t.diagnostic(`issue on A → delivery:new on B's socket: ${Date.now() - started} ms`);
  await waitFor(() => phone.of('urgent:alarm').length >= 1, 10_000, 'urgent:alarm on B');
  const deliveryId = phone.of('delivery:new')[0].deliveryId;
  const docB = phone.of('delivery:new')[0].documentId;
  const detail = await clerkB.json('GET', `/api/documents/${docB}`);
  const sigs = detail.signatures.filter((s: { role: string }) => s.role === 'main');
  assert.deepEqual(sigs.map((s: { integrity: string; trust: string }) => [s.integrity, s.trust]), [['valid', 'trusted'], ['valid', 'trusted']]);
  const main = detail.files.find((f: { role: string }) => f.role === 'main');
  assert.equal(((await pdfsig(await clerkB.bytes(`/api/documents/${docB}/files/${main.id}`), pkiA.ca)).match(/Signature is Valid/g) ?? []).length, 2);
  assert.equal((await clerkB.json('GET', '/api/inbox')).items[0].signature, 'valid');

  // B: "Đã nhận", accept (03), assign (04), progress (05), done (06).
  await clerkB.json('POST', `/api/deliveries/${deliveryId}/acknowledge`);
  await clerkB.json('POST', `/api/deliveries/${deliveryId}/accept`);
  await leaderB.json('POST', `/api/deliveries/${deliveryId}/assign`, { direction: 'Giao cán bộ xử lý ngay', lead: { userId: (await officerB.json('GET', '/api/me')).user.id } });
  const work = (await officerB.json('GET', '/api/assignments?mine=1')).items[0];
  await officerB.json('POST', `/api/assignments/${work.id}/progress`, { note: 'Đang triển khai' });
  await officerB.json('POST', `/api/assignments/${work.id}/progress`, { note: 'Đã hoàn thành', done: true });

  const tracked = await until('06 in A\'s tracking', async () => {
    const row = (await clerkA.json('GET', `/api/documents/${doc.id}/tracking`)).deliveries[0];
    return row.status === 'completed' ? row : null;
  }, 30_000);
  assert.deepEqual(tracked.history.map((h: { code: string | null }) => h.code).filter(Boolean), ['01', '03', '04', '05', '06']);
  assert.ok(tracked.acknowledgedAt, 'the flash acknowledgement reached A');
  assert.equal(tracked.transport, 'delivered');
  assert.ok(issuerPhone.of('delivery:updated').some((u) => u.status === 'completed'), 'A saw it live');

  // A recalls (13); B's clerk agrees (15); A's copy is recalled.
  await clerkA.json('POST', `/api/documents/${doc.id}/recall`, { reason: 'Ban hành nhầm' });
  await until('recall asked on B', async () => (await clerkB.json('GET', `/api/documents/${docB}`)).delivery?.recallRequestedAt)
    .catch((e) => assert.fail(`${e.message}\n--- A ---\n${a.out().slice(-3000)}\n--- B ---\n${b.out().slice(-3000)}\n--- axis ---\n${hub.out().slice(-2000)}`));
  await clerkB.json('POST', `/api/deliveries/${deliveryId}/recall/agree`);
  const recalled = await until('15 in A\'s tracking', async () => {
    const row = (await clerkA.json('GET', `/api/documents/${doc.id}/tracking`)).deliveries[0];
    return row.status === 'recalled' ? row : null;
  }, 30_000);
  assert.deepEqual(recalled.history.map((h: { code: string | null }) => h.code).filter(Boolean), ['01', '03', '04', '05', '06', '13', '15']);
});
