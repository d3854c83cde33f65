import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buffer, text } from 'node:stream/consumers';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createFsStore } from '../src/storage/index.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { serverUrl, withDatabase } from './helpers/db.js';
import { buildDocument, buildUnit, buildUser, type TestUser } from './helpers/factories.js';
import { runCli } from './helpers/cli.js';
import { makePdf } from './helpers/pdf.js';
import { entryArgs, stopGroup } from './helpers/processes.js';

async function tempDir(t: { after(fn: () => Promise<void>): void }, prefix: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  // The embedded PostgreSQL runs as the `postgres` user when the tests run as root.
  await fs.chmod(dir, 0o755);
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** An empty database on the test server (no migrations: restore runs them). */
async function emptyDatabase(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  t.after(async () => {
    const a = postgres(serverUrl(), { max: 1, onnotice: () => {} });
    await a.unsafe(`drop database if exists ${name} with (force)`);
    await a.end();
  });
  return withDatabase(serverUrl(), name);
}

interface World {
  issuer: TestUser;
  recipients: TestUser[];
}

async function world(env: TestEnv): Promise<World> {
  const unit = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Sơn Hà', shortName: 'UBND' });
  const issuer = await buildUser(env, { unit, roles: ['clerk'] });
  const recipients = [];
  for (let i = 0; i < 3; i++) recipients.push(await buildUser(env, { roles: ['clerk', 'leader'] }));
  return { issuer, recipients };
}

/** Drafted with two files (bytes unique to it), issued, and accepted by the first recipient. */
async function issueOne(env: TestEnv, w: World, n: number, accept = true): Promise<string> {
  const { doc } = await buildDocument(env, {
    author: w.issuer,
    subject: `Về việc sao lưu, văn bản ${n} — “tiếng Việt” ký tự đặc biệt \\ \t tab`,
    recipients: w.recipients.map((r) => r.unit.id),
    files: [makePdf(`backup doc ${n} ${randomBytes(8).toString('hex')}`), makePdf(`annex ${n} ${randomBytes(8).toString('hex')}`)],
  });
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: w.issuer.auth });
  assert.equal(r.statusCode, 200, r.body);
  if (accept) {
    const item = (await env.app.inject({ url: '/api/inbox', headers: w.recipients[0]!.auth })).json().items.find((i: { document: { id: string } }) => i.document.id === doc.id);
    assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${item.deliveryId}/accept`, headers: w.recipients[0]!.auth })).statusCode, 200);
  }
  return doc.id;
}

type Row = Record<string, unknown>;
async function rows(sql: postgres.Sql, query: string): Promise<Row[]> {
  return [...(await sql.unsafe<Row[]>(query))];
}

const DOCS = `select id, issuer_unit_id, subject, status, series, number, notation, issued_at::text, created_at::text from documents order by id`;
const DELIVERIES = `select * from deliveries order by id`;
const FILES = `select id, document_id, role, name, size, sha256 from document_files order by id`;
const SERIES = `select * from number_series order by 1, 2`;
const EVENTS = `select id::text, type, prev_hash, hash from events order by events.id`;

test('backup while the app issues, issue more, restore into a fresh database and store: the same documents, deliveries, numbers, files and a verifying audit chain', { timeout: 300_000 }, async (t) => {
  const env = await buildTestEnv(t, { pageImagesAhead: true });
  const w = await world(env);
  const before: string[] = [];
  for (let i = 0; i < 4; i++) before.push(await issueOne(env, w, i));
  // Page images (issue 14) are prepared in the background when a document is issued: wait for one.
  for (let i = 0; i < 100 && (await env.deps.db.execute(sql`select 1 from page_previews limit 1`)).length === 0; i++) await sleep(100);
  // A signed checkpoint, which the restored copy must verify with the same key secret.
  const cp = await runCli(['audit', 'checkpoint'], { DATABASE_URL: env.dbUrl, DATA_DIR: env.dataDir });
  assert.equal(cp.code, 0, cp.stderr);

  const backupDir = path.join(await tempDir(t, 'lienthong-backup-'), 'b1');
  // The backup runs while documents keep being issued and accepted.
  const during: string[] = [];
  let done = false;
  const backup = runCli(['backup', backupDir], { DATABASE_URL: env.dbUrl, DATA_DIR: env.dataDir }).finally(() => (done = true));
  for (let i = 0; !done && i < 30; i++) during.push(await issueOne(env, w, 100 + i));
  const b = await backup;
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stdout, /backed up/);
  const manifest = JSON.parse(await fs.readFile(path.join(backupDir, 'manifest.json'), 'utf8'));
  assert.equal(manifest.format, 'lienthong-backup');
  // The schema recorded is the newest migration of this tree.
  const journal = JSON.parse(await fs.readFile(new URL('../drizzle/meta/_journal.json', import.meta.url), 'utf8')) as { entries: Array<{ tag: string }> };
  assert.equal(manifest.schema.last.tag, journal.entries.at(-1)!.tag);
  assert.ok(manifest.tables.some((x: { name: string; rows: number }) => x.name === 'documents' && x.rows >= 4));

  const after: string[] = [];
  for (let i = 0; i < 2; i++) after.push(await issueOne(env, w, 200 + i));

  const target = await emptyDatabase(t);
  const targetDir = await tempDir(t, 'lienthong-restore-');
  // The key secret is kept apart from the data and put back before the restore (README).
  await fs.copyFile(path.join(env.dataDir, 'key-secret'), path.join(targetDir, 'key-secret'));
  const r = await runCli(['restore', backupDir], { DATABASE_URL: target, DATA_DIR: targetDir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /restored/);
  assert.match(r.stdout, /audit chain intact/);

  const src = postgres(env.dbUrl, { max: 2, onnotice: () => {} });
  const dst = postgres(target, { max: 2, onnotice: () => {} });
  t.after(async () => {
    await src.end();
    await dst.end();
  });
  const restoredDocs = await rows(dst, DOCS);
  const restoredIds = new Set(restoredDocs.map((d) => d.id as string));
  for (const id of before) assert.ok(restoredIds.has(id), 'a document issued before the backup is restored');
  for (const id of after) assert.ok(!restoredIds.has(id), 'a document issued after the backup is not');
  // A consistent snapshot: whatever was caught mid-backup is whole — its row equals the source's,
  // with all its deliveries and files.
  const srcDocs = new Map((await rows(src, DOCS)).map((d) => [d.id as string, d]));
  for (const d of restoredDocs) {
    const s = srcDocs.get(d.id as string)!;
    if (d.status === s.status) assert.deepEqual(d, s);
    else assert.ok(during.includes(d.id as string), `only a document issued during the backup may have moved on (${d.id})`);
  }
  // A document caught as a draft, or between numbering and delivering (`issuing`: the
  // interrupted-issue job completes it once the restored app runs), has no deliveries yet.
  const delivered = new Set(restoredDocs.filter((d) => d.status === 'issued' || d.status === 'recalled').map((d) => d.id as string));
  const srcDeliveries = (await rows(src, DELIVERIES)).filter((x) => delivered.has(x.document_id as string));
  const dstDeliveries = await rows(dst, DELIVERIES);
  assert.equal(dstDeliveries.length, srcDeliveries.length);
  const srcById = new Map(srcDeliveries.map((x) => [x.id as string, x]));
  for (const d of dstDeliveries) {
    const s = srcById.get(d.id as string);
    assert.ok(s);
    if (!during.includes(d.document_id as string)) assert.deepEqual(d, s);
  }
  // Files of every document that has not moved on since the snapshot (issuing adds the sealed copies).
  const unchanged = new Set(restoredDocs.filter((d) => d.status === srcDocs.get(d.id as string)!.status).map((d) => d.id as string));
  const dstFiles = await rows(dst, FILES);
  assert.deepEqual(
    dstFiles.filter((x) => unchanged.has(x.document_id as string)),
    (await rows(src, FILES)).filter((x) => unchanged.has(x.document_id as string)),
  );
  assert.ok(dstFiles.length >= 8);
  // Numbers: the series as they were, so the next document continues them.
  const dstSeries = await rows(dst, SERIES);
  assert.ok(dstSeries.length >= 1);
  const [max] = await dst.unsafe<Array<{ n: number }>>(`select max(number) as n from documents`);
  assert.equal(max!.n, Math.max(...restoredDocs.map((d) => Number(d.number ?? 0))));
  // The bytes of every file, from the restored store.
  const srcStore = createFsStore(path.join(env.dataDir, 'objects'));
  const dstStore = createFsStore(path.join(targetDir, 'objects'));
  for (const f of dstFiles) {
    const a = await text(await srcStore.get(f.sha256 as string));
    const b2 = await text(await dstStore.get(f.sha256 as string));
    assert.equal(b2, a);
  }
  // Page images are in the backup: every restored row has its object, the same bytes.
  const images = await rows(dst, `select file_sha256, page, width, format, sha256 from page_previews order by 1, 2, 3, 4`);
  assert.ok(images.length >= 1, 'page images were backed up');
  for (const im of images) assert.deepEqual(await buffer(await dstStore.get(im.sha256 as string)), await buffer(await srcStore.get(im.sha256 as string)));
  // The audit chain, hashes as they were, and sequences past every restored id.
  const dstEvents = await rows(dst, EVENTS);
  const srcEvents = (await rows(src, EVENTS)).slice(0, dstEvents.length);
  assert.deepEqual(dstEvents, srcEvents);
  const [seq] = await dst.unsafe<Array<{ v: string }>>(`select last_value::text as v from events_id_seq`);
  assert.ok(Number(seq!.v) >= Number(dstEvents.at(-1)!.id));
  const v = await runCli(['audit', 'verify'], { DATABASE_URL: target, DATA_DIR: targetDir });
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /valid signed checkpoints\): 1/);
  // A new event on the restored copy continues the chain.
  await dst.unsafe(`insert into events (at, type, unit_ids) values (now(), 'test.after_restore', '{}')`);
  assert.equal((await runCli(['audit', 'verify'], { DATABASE_URL: target, DATA_DIR: targetDir })).code, 0);

  // Restoring again into the now full target is refused, and so is a backup into a used directory.
  const again = await runCli(['restore', backupDir], { DATABASE_URL: target, DATA_DIR: targetDir });
  assert.equal(again.code, 2, again.stdout + again.stderr);
  assert.match(again.stderr, /not empty/);
  const used = await runCli(['backup', backupDir], { DATABASE_URL: env.dbUrl, DATA_DIR: env.dataDir });
  assert.equal(used.code, 2);
  assert.match(used.stderr, /not empty/);
});

test('a damaged backup is refused (exit 1) and leaves the target empty: a changed table file, a changed object, a missing manifest', { timeout: 300_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const w = await world(env);
  await issueOne(env, w, 1, false);
  const base = await tempDir(t, 'lienthong-backup-');
  const good = path.join(base, 'good');
  assert.equal((await runCli(['backup', good], { DATABASE_URL: env.dbUrl, DATA_DIR: env.dataDir })).code, 0);
  const manifest = JSON.parse(await fs.readFile(path.join(good, 'manifest.json'), 'utf8'));

  async function damagedCopy(name: string, damage: (dir: string) => Promise<void>): Promise<string> {
    const dir = path.join(base, name);
    await fs.cp(good, dir, { recursive: true });
    await damage(dir);
    return dir;
  }
  const flip = async (file: string) => {
    const b = await fs.readFile(file);
    const i = Math.floor(b.length / 2);
    b[i] = b[i]! ^ 0x01;
    await fs.writeFile(file, b);
  };
  const cases = [
    await damagedCopy('table', (d) => flip(path.join(d, 'tables', 'documents.copy'))),
    await damagedCopy('object', (d) => flip(path.join(d, manifest.objects.at(-1).file))),
    await damagedCopy('truncated', (d) => fs.truncate(path.join(d, 'tables', 'events.copy'), 10)),
    await damagedCopy('nomanifest', (d) => fs.rm(path.join(d, 'manifest.json'))),
  ];
  const target = await emptyDatabase(t);
  const targetDir = await tempDir(t, 'lienthong-restore-');
  for (const dir of cases) {
    const r = await runCli(['restore', dir], { DATABASE_URL: target, DATA_DIR: targetDir });
    assert.equal(r.code, 1, `${dir}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /damaged backup, nothing restored/);
    // Nothing half-restored: no row in any table, no object in the store.
    const dst = postgres(target, { max: 1, onnotice: () => {} });
    const tables = await dst<Array<{ t: string }>>`select tablename as t from pg_tables where schemaname = 'public'`;
    for (const { t: name } of tables) {
      const [c] = await dst.unsafe<Array<{ n: string }>>(`select count(*)::text as n from "${name}"`);
      assert.equal(c!.n, '0', `${dir}: ${name}`);
    }
    await dst.end();
    const left: string[] = [];
    for await (const sha of createFsStore(path.join(targetDir, 'objects')).list()) left.push(sha);
    assert.deepEqual(left, [], dir);
  }
  // The good one still restores into that target.
  const ok = await runCli(['restore', good], { DATABASE_URL: target, DATA_DIR: targetDir });
  assert.equal(ok.code, 0, ok.stderr);
});

test('backup and restore with the embedded PostgreSQL: into an empty DATA_DIR', { timeout: 300_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const w = await world(env);
  await issueOne(env, w, 1);
  const base = await tempDir(t, 'lienthong-backup-');
  const dir = path.join(base, 'b');
  assert.equal((await runCli(['backup', dir], { DATABASE_URL: env.dbUrl, DATA_DIR: env.dataDir })).code, 0);
  const dataDir = path.join(await tempDir(t, 'lienthong-restore-'), 'data');
  const r = await runCli(['restore', dir], { DATA_DIR: dataDir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const v = await runCli(['audit', 'verify'], { DATA_DIR: dataDir });
  assert.equal(v.code, 0, v.stderr);
  const again = await runCli(['restore', dir], { DATA_DIR: dataDir });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /table \w+ has rows/);
});

test('with the embedded PostgreSQL of a running app (npm start): backup, audit checkpoint and verify run beside it; restore refuses its DATA_DIR', { timeout: 300_000 }, async (t) => {
  const { spawn } = await import('node:child_process');
  const { freePort } = await import('../src/db/embedded.js');
  const dataDir = await tempDir(t, 'lienthong-running-');
  const port = await freePort();
  const admin = 'mat-khau-quan-tri-1';
  let out = '';
  const child = spawn(process.execPath, entryArgs('src/main.ts'), {
    cwd: path.resolve(import.meta.dirname, '..'), detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, DEMO: '0', ADMIN_PASSWORD: admin, LOG_LEVEL: 'warn', DATABASE_URL: '' },
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  t.after(() => stopGroup(child));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    assert.equal(child.exitCode, null, out);
    assert.ok(i < 400, `not healthy\n${out}`);
    const ok = await fetch(`${base}/healthz`).then((r) => r.status === 200, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const login = await (await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: admin }) })).json();
  for (let i = 0; i < 3; i++) {
    const r = await fetch(`${base}/api/units`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${login.token}` },
      body: JSON.stringify({ code: `000.0${i}.31.H41`, name: `Đơn vị ${i}`, shortName: `DV${i}`, kind: 'government' }),
    });
    assert.equal(r.status, 201, await r.text());
  }
  const env = { DATA_DIR: dataDir };
  const cp = await runCli(['audit', 'checkpoint'], env);
  assert.equal(cp.code, 0, cp.stdout + cp.stderr);
  const dir = path.join(dataDir, '..', `${path.basename(dataDir)}-backup`);
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const b = await runCli(['backup', dir], env);
  assert.equal(b.code, 0, b.stdout + b.stderr);
  const manifest = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8'));
  assert.ok(manifest.tables.find((x: { name: string }) => x.name === 'units').rows >= 3);
  const v = await runCli(['audit', 'verify'], env);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /valid signed checkpoints\): 1/);
  const r = await runCli(['restore', dir], env);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /the app is running/);
  // The app kept serving throughout.
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
});
