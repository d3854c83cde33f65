import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { asc } from 'drizzle-orm';
import { formatReport, importUnits } from '../src/cli/import-units.js';
import type { Db } from '../src/db/client.js';
import { units } from '../src/modules/orgs/tables.js';
import { createUnit, findUnitByCode } from '../src/modules/orgs/units.js';
import { buildTestEnv } from './helpers/app.js';
import { freshDatabase } from './helpers/db.js';
import { runCli } from './helpers/cli.js';


async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lienthong-cli-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

const UBND = '000.00.31.H41';
const NOI_VU = '000.02.31.H41';

/** Existing in the DB before the import: the UBND (parent of rows in the file) and Phòng Nội vụ (repeated in the file). */
async function seedExisting(db: Db): Promise<{ ubnd: string }> {
  const at = new Date();
  const ubnd = await createUnit(db, null, { code: UBND, name: 'Ủy ban nhân dân huyện Sơn Hà', shortName: 'UBND', kind: 'government' }, at);
  await createUnit(db, null, { code: NOI_VU, name: 'Phòng Nội vụ huyện Sơn Hà', shortName: 'NV', kind: 'department', parentId: ubnd.id }, at);
  return { ubnd: ubnd.id };
}

// Line numbers are those of the file; line 6 is empty so they differ from the row index.
const CSV = [
  'code,name,short_name,kind,parent_code', // 1
  '001.04.31.H41,Trường Mầm non Sơn Tây,MNST,school,000.04.31.H41', // 2 child before its parent
  '000.04.31.H41,Phòng Giáo dục và Đào tạo huyện Sơn Hà,GDĐT,department,000.00.31.H41', // 3 parent in the DB
  '000.02.31.H41,Phòng Nội vụ (bản mới),NV,department,000.00.31.H41', // 4 already exists: skipped
  '000.99.31.H41,Phòng không có cấp trên,KCT,department,999.99.99.H99', // 5 unknown parent
  '', // 6
  '000.50.31.H41,Đơn vị sai loại,SL,ministry,000.00.31.H41', // 7 bad kind
  '002.04.31.H41,"Trường Tiểu học Hà Thanh, điểm chính",THHT,school,000.04.31.H41', // 8 parent earlier in the file
  '000.21.31.H41,Huyện ủy Sơn Hà,HU,party,', // 9 root
  '001.21.31.H41,Ban Tổ chức Huyện ủy Sơn Hà,BTCHU,party,000.21.31.H41', // 10
  '001.99.31.H41,Tổ thuộc phòng bị từ chối,TC,other,000.99.31.H41', // 11 parent rejected (import)
  '001.50.31.H41,Tổ thuộc đơn vị sai loại,TSL,other,000.50.31.H41', // 12 parent rejected (parse)
  '',
].join('\n');

test('importUnits: imports good rows parents first, skips existing codes, rejects the rest with lines and reasons', async (t) => {
  const env = await buildTestEnv(t);
  const { ubnd } = await seedExisting(env.db);
  const dir = await tempDir(t);
  const file = path.join(dir, 'units.csv');
  await fs.writeFile(file, CSV);

  const progress: Array<[number, number]> = [];
  const report = await importUnits(env.deps, file, { onProgress: (d, n) => progress.push([d, n]) });

  assert.equal(report.total, 10);
  assert.deepEqual(
    report.imported.map((r) => [r.line, r.code]).sort((a, b) => Number(a[0]) - Number(b[0])),
    [[2, '001.04.31.H41'], [3, '000.04.31.H41'], [8, '002.04.31.H41'], [9, '000.21.31.H41'], [10, '001.21.31.H41']],
  );
  assert.deepEqual(report.skipped, [{ line: 4, code: NOI_VU }]);
  assert.deepEqual(report.rejected.map((r) => [r.line, r.code]), [
    [5, '000.99.31.H41'],
    [7, '000.50.31.H41'],
    [11, '001.99.31.H41'],
    [12, '001.50.31.H41'],
  ]);
  const reason = new Map(report.rejected.map((r) => [r.line, r.reason]));
  assert.match(reason.get(5)!, /unknown parent_code 999\.99\.99\.H99/);
  assert.match(reason.get(7)!, /invalid kind/);
  assert.match(reason.get(11)!, /parent 000\.99\.31\.H41 was rejected on line 5/);
  assert.match(reason.get(12)!, /parent 000\.50\.31\.H41 was rejected on line 7/);
  assert.equal(report.imported.length + report.skipped.length + report.rejected.length, report.total);
  assert.deepEqual(progress[0], [0, 9]);
  assert.deepEqual(progress.at(-1), [9, 9]);

  // Exactly the two existing units and the five good rows, under the right parents.
  const all = await env.db.select().from(units).orderBy(asc(units.code));
  const byCode = new Map(all.map((u) => [u.code, u]));
  assert.deepEqual([...byCode.keys()].sort(), [
    '000.00.31.H41', '000.02.31.H41', '000.04.31.H41', '000.21.31.H41', '001.04.31.H41', '001.21.31.H41', '002.04.31.H41',
  ]);
  const gddt = byCode.get('000.04.31.H41')!;
  assert.equal(gddt.parentId, ubnd);
  assert.equal(gddt.shortName, 'GDĐT');
  assert.equal(byCode.get('001.04.31.H41')!.parentId, gddt.id);
  assert.equal(byCode.get('002.04.31.H41')!.parentId, gddt.id);
  assert.equal(byCode.get('002.04.31.H41')!.name, 'Trường Tiểu học Hà Thanh, điểm chính');
  assert.equal(byCode.get('000.21.31.H41')!.parentId, null);
  assert.equal(byCode.get('001.21.31.H41')!.parentId, byCode.get('000.21.31.H41')!.id);
  assert.equal(byCode.get(NOI_VU)!.name, 'Phòng Nội vụ huyện Sơn Hà', 'an existing unit is not updated');
  for (const r of report.imported) assert.equal(byCode.get(r.code)!.id, r.id);

  const text = formatReport(report);
  assert.match(text, /Đã nhập \(imported\):\s+5/);
  assert.match(text, /skipped, already exist\):\s+1/);
  assert.match(text, /Bị từ chối \(rejected\):\s+4/);
  assert.match(text, /^\s+11\s+001\.99\.31\.H41\s+Đơn vị cấp trên/m);

  // Running again changes nothing: every good row is now an existing code.
  const again = await importUnits(env.deps, file);
  assert.equal(again.imported.length, 0);
  assert.equal(again.skipped.length, 6);
  assert.equal(again.rejected.length, 4);
  assert.equal((await env.db.select().from(units)).length, 7);
});

test('importUnits: a parent cycle is rejected; a file without the header columns is an error', async (t) => {
  const env = await buildTestEnv(t);
  const dir = await tempDir(t);
  const file = path.join(dir, 'cycle.csv');
  await fs.writeFile(file, 'code,name,short_name,kind,parent_code\nA.1,Một,M,other,A.2\nA.2,Hai,H,other,A.1\nA.3,Ba,B,other,\n');
  const report = await importUnits(env.deps, file);
  assert.deepEqual(report.imported.map((r) => r.code), ['A.3']);
  assert.deepEqual(report.rejected.map((r) => [r.line, r.code]), [[2, 'A.1'], [3, 'A.2']]);
  assert.match(report.rejected[0]!.reason, /cycle/);

  const bad = path.join(dir, 'bad.csv');
  await fs.writeFile(bad, 'code,name\nX.1,Một\n');
  await assert.rejects(importUnits(env.deps, bad), { name: 'UnitsFileError' });
  assert.equal(await findUnitByCode(env.db, 'X.1'), undefined);
});



test('cli import-units: real process against DATABASE_URL, exit 1 when rows are rejected', async (t) => {
  const fresh = await freshDatabase();
  t.after(() => fresh.drop());
  const dir = await tempDir(t);
  await seedExisting(fresh.database.db);
  const file = path.join(dir, 'don-vi.csv');
  await fs.writeFile(file, CSV);

  const run = await runCli(['import-units', file], {
    DATABASE_URL: fresh.url,
    DATA_DIR: dir,
    ADMIN_PASSWORD: 'cli-test-admin-password',
    LOG_LEVEL: 'warn',
  });
  assert.equal(run.code, 1, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  assert.match(run.stdout, /Đã nhập \(imported\):\s+5/);
  assert.match(run.stdout, /Bị từ chối \(rejected\):\s+4/);
  assert.match(run.stdout, /^\s+5\s+000\.99\.31\.H41\s+.*unknown parent_code/m);
  assert.match(run.stdout, /^\s+7\s+000\.50\.31\.H41\s+.*invalid kind/m);
  assert.ok((await findUnitByCode(fresh.database.db, '001.21.31.H41'))?.parentId);
  assert.equal(await findUnitByCode(fresh.database.db, '000.99.31.H41'), undefined);

  // Only good rows: exit 0.
  const good = path.join(dir, 'good.csv');
  await fs.writeFile(good, 'code,name,short_name,kind,parent_code\n003.04.31.H41,Trường THCS Sơn Tây,THCSST,school,000.04.31.H41\n');
  const ok = await runCli(['import-units', good], { DATABASE_URL: fresh.url, DATA_DIR: dir, LOG_LEVEL: 'warn' });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /Đã nhập \(imported\):\s+1/);
});

test('cli seed-demo: adds the demo district once', async (t) => {
  const fresh = await freshDatabase();
  t.after(() => fresh.drop());
  const dir = await tempDir(t);
  const env = { DATABASE_URL: fresh.url, DATA_DIR: dir, ADMIN_PASSWORD: 'cli-test-admin-password', LOG_LEVEL: 'warn', DEMO: '1' };
  const first = await runCli(['seed-demo'], env);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /added 1\d\d units and \d+ users/);
  const second = await runCli(['seed-demo'], env);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /nothing added/);
});

test('cli: help, unknown command and usage errors', async () => {
  const help = await runCli(['help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Cách dùng \(usage\)/);
  assert.match(help.stdout, /import-units/);
  assert.equal((await runCli([])).code, 0);

  const unknown = await runCli(['xoa-het']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command.*xoa-het/);
  assert.match(unknown.stderr, /Cách dùng/);

  const missing = await runCli(['import-units']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /exactly one CSV file/);
  const notFound = await runCli(['import-units', path.join(os.tmpdir(), 'khong-co-tep-nay.csv')]);
  assert.equal(notFound.code, 2);
  assert.match(notFound.stderr, /file not found/);
});
