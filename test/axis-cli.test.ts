import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { eq } from 'drizzle-orm';
import { axisSystems } from '../src/modules/axis/tables.js';
import { authenticateSystem } from '../src/modules/axis/systems.js';
import { freshDatabase } from './helpers/db.js';
import { runCli } from './helpers/cli.js';



test('cli axis-systems: add prints the secret once (only a hash is stored), list, remove, usage errors', async (t) => {
  const fresh = await freshDatabase();
  t.after(() => fresh.drop());
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lienthong-axis-cli-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const env = { DATABASE_URL: fresh.url, DATA_DIR: dir, ADMIN_PASSWORD: 'cli-test-admin-password', LOG_LEVEL: 'warn' };

  const add = await runCli(['axis-systems', 'add', 'vendorX', 'Hệ thống X', '--prefix', 'G12.', '--prefix', 'H41'], env);
  assert.equal(add.code, 0, add.stderr);
  const secret = /\(secret, shown once\): (\S+)/.exec(add.stdout)?.[1];
  assert.ok(secret, add.stdout);
  const [row] = await fresh.database.db.select().from(axisSystems).where(eq(axisSystems.systemId, 'vendorX'));
  assert.deepEqual(row!.organIdPrefixes, ['G12.', 'H41']);
  assert.ok(!row!.secretHash.includes(secret));
  const system = await authenticateSystem(fresh.database.db, `Basic ${Buffer.from(`vendorX:${secret}`).toString('base64')}`);
  assert.equal(system.systemId, 'vendorX');

  const list = await runCli(['axis-systems', 'list'], env);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^vendorX\tHệ thống X\tG12\.,H41\t/m);
  assert.ok(!list.stdout.includes(secret));

  const dup = await runCli(['axis-systems', 'add', 'vendorX', 'again'], env);
  assert.equal(dup.code, 2);
  assert.match(dup.stderr, /already registered/);
  assert.equal((await runCli(['axis-systems', 'add', 'only-id'], env)).code, 2);
  assert.equal((await runCli(['axis-systems', 'frobnicate'], env)).code, 2);

  const rm = await runCli(['axis-systems', 'remove', 'vendorX'], env);
  assert.equal(rm.code, 0, rm.stderr);
  const after = await runCli(['axis-systems', 'list'], env);
  assert.match(after.stdout, /no systems/);
});
