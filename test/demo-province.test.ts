// DEMO=province: the two-tier demo province (tỉnh Vân Sơn, after July 2025) — its shape, and the app
// started with it the way a newcomer does (npm start), healthy within 60 s, its accounts working.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { freePort } from '../src/db/embedded.js';
import { DEMO_PASSWORD } from '../src/workflows/demo/demo-district.js';
import { allDemoUnits } from '../src/workflows/demo/datasets.js';
import { demoUnits } from '../src/workflows/demo/demo-district.js';
import { provinceUnits, provinceUsers, TINH_UY, UBND_TINH } from '../src/workflows/demo/demo-province.js';
import { stopGroup } from './helpers/processes.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

test('the demo province: two tiers, valid unique codes, parents first, accounts in existing units', () => {
  const units = provinceUnits();
  const seen = new Map<string, (typeof units)[number]>();
  for (const u of units) {
    assert.match(u.code, /^\d{3}\.\d{2}\.\d{2}\.H41$/, u.code);
    assert.ok(!seen.has(u.code), `duplicate ${u.code}`);
    if (u.parentCode) assert.ok(seen.has(u.parentCode), `parent of ${u.code} first`);
    assert.ok(u.shortName.length >= 1 && u.shortName.length <= 12, u.shortName);
    assert.ok(u.level === 'province' || u.level === 'commune', `${u.code}: ${u.level}`);
    seen.set(u.code, u);
  }
  const communeUbnd = units.filter((u) => u.level === 'commune' && u.kind === 'government');
  assert.ok(communeUbnd.length >= 28 && communeUbnd.length <= 32, `${communeUbnd.length} communes/wards`);
  for (const c of communeUbnd) {
    assert.equal(c.parentCode, UBND_TINH);
    assert.match(c.name, /^Ủy ban nhân dân (xã|phường) /);
    const place = c.name.replace('Ủy ban nhân dân ', '');
    assert.ok(units.some((u) => u.name === `Đảng ủy ${place}` && u.parentCode === TINH_UY), `Đảng ủy ${place}`);
    assert.ok(units.some((u) => u.name === `Hội đồng nhân dân ${place}`), `HĐND ${place}`);
    assert.ok(units.some((u) => u.kind === 'school' && u.parentCode === c.code), `schools of ${place}`);
  }
  for (const name of ['Tỉnh ủy Vân Sơn', 'Văn phòng Tỉnh ủy Vân Sơn', 'Ban Tổ chức Tỉnh ủy Vân Sơn', 'Ban Tuyên giáo và Dân vận Tỉnh ủy Vân Sơn',
    'Ủy ban Kiểm tra Tỉnh ủy Vân Sơn', 'Hội đồng nhân dân tỉnh Vân Sơn', 'Ủy ban nhân dân tỉnh Vân Sơn', 'Văn phòng Ủy ban nhân dân tỉnh Vân Sơn',
    'Sở Nội vụ tỉnh Vân Sơn', 'Sở Tài chính tỉnh Vân Sơn', 'Sở Xây dựng tỉnh Vân Sơn', 'Sở Nông nghiệp và Môi trường tỉnh Vân Sơn',
    'Sở Giáo dục và Đào tạo tỉnh Vân Sơn', 'Sở Y tế tỉnh Vân Sơn', 'Công an tỉnh Vân Sơn']) {
    assert.ok(units.some((u) => u.name === name), name);
  }
  assert.equal(units.filter((u) => u.level === 'district').length, 0, 'no district level');
  // The district demo and `demo-reorg`'s province share no code by accident.
  const district = new Set(demoUnits().map((u) => u.code));
  assert.equal(units.filter((u) => district.has(u.code)).length, 0);
  assert.equal(allDemoUnits().length, units.length + district.size);
  const users = provinceUsers();
  assert.equal(new Set(users.map((u) => u.username)).size, users.length);
  for (const u of users) {
    assert.match(u.username, /^[a-z0-9.]+$/);
    assert.ok(seen.has(u.unitCode), `${u.username} → ${u.unitCode}`);
  }
  for (const role of ['clerk', 'leader', 'officer'] as const) assert.ok(users.filter((u) => u.roles.includes(role)).length >= 3, role);
});

test('DEMO=province: npm start is healthy within 60 s with the province seeded and its accounts printed; a clerk logs in', { timeout: 120_000 }, async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-province-'));
  fs.chmodSync(dataDir, 0o755);
  const port = await freePort();
  let out = '';
  const child = spawn('npm', ['start'], {
    cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, ADMIN_PASSWORD: 'admin-secret-pass', LOG_LEVEL: 'warn', DEMO: 'province' },
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  t.after(async () => {
    await stopGroup(child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const base = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    assert.equal(child.exitCode, null, `app exited\n${out}`);
    assert.ok(Date.now() - started < 60_000, `not healthy within 60 s\n${out}`);
    const ok = await fetch(`${base}/healthz`).then((r) => r.status === 200, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  t.diagnostic(`healthy after ${Date.now() - started} ms`);
  assert.match(out, /tỉnh Vân Sơn/);
  assert.match(out, new RegExp(`vanthu\\.sontrung[\\s\\S]*${DEMO_PASSWORD}|${DEMO_PASSWORD}[\\s\\S]*vanthu\\.sontrung`));

  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'vanthu.sontrung', password: DEMO_PASSWORD }),
  });
  assert.equal(login.status, 200, await login.clone().text());
  const auth = { authorization: `Bearer ${(await login.json()).token}` };
  const units = (await (await fetch(`${base}/api/units`, { headers: auth })).json()).units as Array<{ code: string; name: string; level: string; parentId: string | null; id: string }>;
  assert.equal(units.length, provinceUnits().length);
  const ubnd = units.find((u) => u.code === UBND_TINH)!;
  assert.equal(ubnd.level, 'province');
  const sontrung = units.find((u) => u.name === 'Ủy ban nhân dân xã Sơn Trung')!;
  assert.deepEqual([sontrung.level, sontrung.parentId], ['commune', ubnd.id]);
  assert.equal(units.filter((u) => u.level === 'district').length, 0);
});
