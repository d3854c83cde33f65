import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { freePort } from '../src/db/embedded.js';
import postgres from 'postgres';
import { stopGroup } from './helpers/processes.js';

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

const stop = (child: ChildProcess) => stopGroup(child);

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

/** The embedded server's pid from its postmaster.pid, and that process's parent (the app that started it). */
function postmaster(dataDir: string): { pid: number; parent: number } {
  const pid = Number(fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return { pid, parent: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) };
}

/** Alive and not a zombie. */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!);
  } catch {
    return false;
  }
}

async function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function loginAdmin(port: number): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'admin-secret-pass' }),
  });
  return r.status;
}

test('after kill -9 of the app its PostgreSQL keeps running; the next start stops it and starts (issue 11 #3)', { timeout: 240_000, skip: !fs.existsSync('/proc') }, async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-leftover-'));
  fs.chmodSync(dataDir, 0o755);
  const port = await freePort();
  const env = { PORT: String(port), DATA_DIR: dataDir, ADMIN_PASSWORD: 'admin-secret-pass', LOG_LEVEL: 'warn', DEMO: '0' };
  let run = npmStart(env);
  const leftovers: number[] = [];
  t.after(async () => {
    await stop(run.child);
    for (const pid of leftovers) if (running(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  await waitHealthy(port, 90_000, run.child).catch((e) => assert.fail(`${e.message}\n${run.output()}`));
  // The app, not npm: the process that started PostgreSQL.
  const first = postmaster(dataDir);
  leftovers.push(first.pid);
  process.kill(first.parent, 'SIGKILL');
  await exitOf(run.child);
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(running(first.pid), 'PostgreSQL outlives the killed app');

  run = npmStart(env);
  const ms = await waitHealthy(port, 60_000, run.child).catch((e) => assert.fail(`${e.message}\n${run.output()}`));
  t.diagnostic(`healthy ${ms} ms after a start over a leftover server`);
  assert.equal(running(first.pid), false, 'the leftover server was stopped');
  assert.match(run.output(), /stopping the PostgreSQL \(pid \d+\) left running/);
  assert.equal(await loginAdmin(port), 200);
  const second = postmaster(dataDir);
  assert.notEqual(second.pid, first.pid);
  leftovers.push(second.pid);

  // While that app runs, a second start on the same DATA_DIR is refused in one line (exit 2) and harms nothing.
  const other = npmStart({ ...env, PORT: String(await freePort()) });
  assert.equal(await exitOf(other.child), 2, other.output());
  assert.match(other.output(), /^this DATA_DIR \(.*\) is in use by a running app/m);
  assert.doesNotMatch(other.output(), /\n\s+at /, 'no stack trace');
  assert.ok(running(second.pid));
  assert.equal(await loginAdmin(port), 200);
});

test('a stale postmaster.pid (its server killed too, or its number now another program) does not block start', { timeout: 240_000, skip: !fs.existsSync('/proc') }, async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-stalepid-'));
  fs.chmodSync(dataDir, 0o755);
  const port = await freePort();
  const env = { PORT: String(port), DATA_DIR: dataDir, ADMIN_PASSWORD: 'admin-secret-pass', LOG_LEVEL: 'warn', DEMO: '0' };
  let run = npmStart(env);
  const sleeper = spawn('sleep', ['300'], { stdio: 'ignore' });
  t.after(async () => {
    sleeper.kill('SIGKILL');
    await stop(run.child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  await waitHealthy(port, 90_000, run.child).catch((e) => assert.fail(`${e.message}\n${run.output()}`));
  // The whole process group dies at once, PostgreSQL included: its postmaster.pid stays, naming a dead process.
  const first = postmaster(dataDir);
  process.kill(-run.child.pid!, 'SIGKILL');
  await exitOf(run.child);
  for (let i = 0; i < 50 && running(first.pid); i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(running(first.pid), false);
  const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
  assert.ok(fs.existsSync(pidFile));

  run = npmStart(env);
  await waitHealthy(port, 60_000, run.child).catch((e) => assert.fail(`${e.message}\n${run.output()}`));
  assert.equal(await loginAdmin(port), 200);
  await stop(run.child);

  // After a reboot the number in it may belong to another program (here: sleep), which PostgreSQL alone would take for a running server.
  const old = fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').split('\n') : ['0', path.join(dataDir, 'postgres'), '0', '0', '', '127.0.0.1', '0 0', 'ready', ''];
  old[0] = String(sleeper.pid);
  fs.writeFileSync(pidFile, old.join('\n'), { mode: 0o600 });
  run = npmStart(env);
  await waitHealthy(port, 60_000, run.child).catch((e) => assert.fail(`${e.message}\n${run.output()}`));
  assert.match(run.output(), /removed a stale .*postmaster\.pid \(process \d+ is sleep/);
  assert.equal(await loginAdmin(port), 200);
  assert.equal(sleeper.exitCode, null, 'the other program is left alone');
});

test('as root, a DATA_DIR the postgres user cannot reach (mktemp -d, mode 700) works and keeps its data (issue 11 #3)', { timeout: 240_000, skip: process.getuid?.() !== 0 }, async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-private-'));
  assert.equal(fs.statSync(dataDir).mode & 0o777, 0o700);
  const port = await freePort();
  const env = { PORT: String(port), DATA_DIR: dataDir, ADMIN_PASSWORD: 'admin-secret-pass', LOG_LEVEL: 'warn', DEMO: '0' };
  let run = npmStart(env);
  t.after(async () => {
    await stop(run.child);
    const link = path.join(dataDir, 'postgres');
    const target = fs.existsSync(link) && fs.lstatSync(link).isSymbolicLink() ? fs.realpathSync(link) : null;
    if (target) fs.rmSync(target, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  await waitHealthy(port, 90_000, run.child).catch((e) => assert.fail(`${e.message}\n${run.output()}`));
  assert.match(run.output(), /PostgreSQL cluster placed in \/var\/lib\/lienthong\/clusters\/[0-9a-f-]+ \(linked from /);
  assert.equal(fs.statSync(dataDir).mode & 0o777, 0o700, 'DATA_DIR is not opened up');
  const url = `postgres://lienthong:${encodeURIComponent(fs.readFileSync(path.join(dataDir, 'postgres.password'), 'utf8').trim())}@127.0.0.1:${fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[3]}/lienthong`;
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await sql`create table startup_marker (v text)`;
  await sql`insert into startup_marker values ('còn đây')`;
  await sql.end();
  await stop(run.child);

  run = npmStart(env);
  await waitHealthy(port, 60_000, run.child).catch((e) => assert.fail(`${e.message}\n${run.output()}`));
  assert.doesNotMatch(run.output(), /cluster placed/, 'the same cluster is found again');
  const again = postgres(url.replace(/:\d+\/lienthong$/, `:${fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[3]}/lienthong`), { max: 1 });
  assert.deepEqual([...(await again`select v from startup_marker`)], [{ v: 'còn đây' }]);
  await again.end();
  assert.equal(await loginAdmin(port), 200);
});
