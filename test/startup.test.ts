import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { freePort } from '../src/db/embedded.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** `npm start` exactly as a newcomer runs it, in its own process group so it can be stopped whole. */
function npmStart(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let out = '';
  const child = spawn('npm', ['start'], { cwd: root, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out };
}

async function waitHealthy(port: number, limitMs: number, child: ChildProcess): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.status === 200 && (await r.json()).status === 'ok') return Date.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no healthy answer within ${limitMs} ms`);
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(-child.pid!, 'SIGTERM');
  const timer = setTimeout(() => child.exitCode === null && process.kill(-child.pid!, 'SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

test('npm start: healthy within 60 s on first start with the demo seeded, within 10 s on the next, data kept', { timeout: 180_000 }, async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-start-'));
  fs.chmodSync(dataDir, 0o755);
  const port = await freePort();
  const env = { PORT: String(port), DATA_DIR: dataDir, ADMIN_PASSWORD: 'admin-secret-pass', LOG_LEVEL: 'warn' };
  let run = npmStart(env);
  t.after(async () => {
    await stop(run.child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const first = await waitHealthy(port, 60_000, run.child).catch((e) => assert.fail(`${e.message}\n${run.output()}`));
  t.diagnostic(`first start healthy after ${first} ms`);
  const base = `http://127.0.0.1:${port}`;
  const login = async (username: string, password: string) => {
    const r = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    assert.equal(r.status, 200, `${username}: ${await r.clone().text()}`);
    return { authorization: `Bearer ${(await r.json()).token}` };
  };
  const clerk = await login('vanthu.ubnd', 'lienthong-demo');
  await login('admin', 'admin-secret-pass');
  const units = (await (await fetch(`${base}/api/units`, { headers: clerk })).json()).units as Array<{ id: string; kind: string }>;
  assert.ok(units.length >= 125 && units.length <= 135, `demo district has ${units.length} units`);
  assert.ok(units.filter((u) => u.kind === 'school').length >= 76);
  const draft = await fetch(`${base}/api/documents`, {
    method: 'POST', headers: { ...clerk, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'KH', subject: 'Kế hoạch kiểm tra khởi động lại', recipients: [units.find((u) => u.kind === 'school')!.id] }),
  });
  assert.equal(draft.status, 201);
  const docId = (await draft.json()).document.id;
  const docs = await fetch(`${base}/docs/json`);
  assert.equal(docs.status, 200);
  assert.ok(Object.keys((await docs.json()).paths).includes('/api/documents/{id}/issue'));

  await stop(run.child);
  run = npmStart(env);
  const second = await waitHealthy(port, 10_000, run.child).catch((e) => assert.fail(`${e.message}\n${run.output()}`));
  t.diagnostic(`second start healthy after ${second} ms`);
  const again = await login('vanthu.ubnd', 'lienthong-demo');
  const kept = await fetch(`${base}/api/documents/${docId}`, { headers: again });
  assert.equal(kept.status, 200);
  assert.equal((await kept.json()).document.subject, 'Kế hoạch kiểm tra khởi động lại');
  // The seed is not applied twice.
  const units2 = (await (await fetch(`${base}/api/units`, { headers: again })).json()).units;
  assert.equal(units2.length, units.length);
});
