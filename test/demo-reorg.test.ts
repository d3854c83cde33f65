// `npm run cli -- demo-reorg` on the district demo: the 2025 reform applied through the
// reorganisation service. The new tree today, the old one on 30 June 2025, history kept (a document
// of a merged commune still shows its old name), people moved; a second run does nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestEnv } from './helpers/app.js';
import { buildDocument, refreshToken, type TestUser } from './helpers/factories.js';
import { runCli } from './helpers/cli.js';
import { seedDemo } from '../src/workflows/demo/seed-demo.js';
import { findUserByUsername } from '../src/modules/orgs/users.js';
import { getUnit } from '../src/modules/orgs/units.js';
import { demoReorg, formatDemoReorg, reformPlan } from '../src/workflows/demo/demo-reorg.js';
import { demoUnits } from '../src/workflows/demo/demo-district.js';

test('the reform plan names every district unit: merged, moved, renamed or dissolved, none twice', () => {
  const touched = reformPlan().flatMap((c) => (c.kind === 'merge' ? c.codes : c.kind === 'rename' ? [] : [c.code]));
  const district = demoUnits();
  // Every unit of the district is merged, moved or dissolved exactly once (renamed communes also move).
  assert.deepEqual([...touched].sort(), district.map((u) => u.code).sort());
});

test('demo-reorg: three communes become xã Sơn Trung, the district dissolves into tỉnh Vân Sơn; the old tree on 2025-06-30; history kept; once', { timeout: 120_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const t0 = Date.now();
  await seedDemo(env.deps);
  t.diagnostic(`seeded in ${Date.now() - t0} ms`);
  const demoUser = async (username: string): Promise<TestUser> => {
    const user = (await findUserByUsername(env.db, username))!;
    const unit = (await getUnit(env.db, user.unitId))!;
    return refreshToken(env, { user, unit, token: '', auth: { authorization: '' }, actor: { userId: user.id, unitId: unit.id, roles: user.roles } });
  };
  const sonTayClerk = await demoUser('vanthu.sontay');
  const haThanhClerk = await demoUser('vanthu.hathanh');
  const sonTay = sonTayClerk.unit;
  // Before the reform: xã Sơn Tây writes to xã Hà Thanh.
  const { doc } = await buildDocument(env, { author: sonTayClerk, recipients: [haThanhClerk.unit.id], subject: 'Về việc phối hợp phòng chống lụt bão' });
  const issued = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: sonTayClerk.auth });
  assert.equal(issued.statusCode, 200, issued.body);

  const cliEnv = { DATABASE_URL: env.dbUrl, DATA_DIR: env.dataDir, ADMIN_PASSWORD: 'demo-reorg-admin-pw', LOG_LEVEL: 'warn' };
  const started = Date.now();
  const run = await runCli(['demo-reorg'], cliEnv);
  t.diagnostic(`demo-reorg ran in ${Date.now() - started} ms`);
  assert.equal(run.code, 0, run.stderr + run.stdout);
  assert.match(run.stdout, /2025-07-01/);
  assert.match(run.stdout, /users moved\): [1-9]/);

  type U = { id: string; code: string; name: string; parentId: string | null; level: string };
  const units = async (q = '') => (await env.app.inject({ url: `/api/units${q}`, headers: haThanhClerk.auth })).json().units as U[];
  const now = await units();
  const byName = (list: U[], name: string) => list.find((u) => u.name === name);
  const tinh = byName(now, 'Ủy ban nhân dân tỉnh Vân Sơn')!;
  const sonTrung = byName(now, 'Ủy ban nhân dân xã Sơn Trung')!;
  assert.ok(tinh && sonTrung, 'the province and the new commune exist today');
  assert.equal(sonTrung.parentId, tinh.id);
  assert.equal(byName(now, 'Ủy ban nhân dân xã Hà Thanh')!.parentId, tinh.id);
  assert.ok(byName(now, 'Ủy ban nhân dân xã Sơn Hà'), 'thị trấn Sơn Hà is now a xã');
  for (const gone of ['Ủy ban nhân dân huyện Sơn Hà', 'Huyện ủy Sơn Hà', 'Ủy ban nhân dân xã Sơn Tây', 'Phòng Giáo dục và Đào tạo huyện Sơn Hà']) {
    assert.equal(byName(now, gone), undefined, `${gone} has ended`);
  }
  assert.equal(now.filter((u) => u.level === 'district').length, 0, 'no district level today');
  const school = byName(now, 'Trường Tiểu học Sơn Tây')!;
  assert.equal(school.parentId, sonTrung.id, 'the schools of the merged communes are under the new commune');

  const before = await units('?on=2025-06-30');
  const huyen = byName(before, 'Ủy ban nhân dân huyện Sơn Hà')!;
  assert.ok(huyen, 'the district on 30 June 2025');
  assert.equal(byName(before, 'Ủy ban nhân dân xã Sơn Tây')!.parentId, huyen.id);
  assert.ok(byName(before, 'Ủy ban nhân dân thị trấn Sơn Hà'));
  assert.equal(byName(before, 'Ủy ban nhân dân xã Sơn Trung'), undefined);
  assert.equal(byName(before, 'Ủy ban nhân dân tỉnh Vân Sơn'), undefined);

  // The people of Sơn Tây work for Sơn Trung now; the document keeps its issuer's old name.
  const me = (await env.app.inject({ url: '/api/me', headers: (await refreshToken(env, sonTayClerk)).auth })).json().user;
  assert.equal(me.unitId, sonTrung.id);
  const inbox = (await env.app.inject({ url: '/api/inbox', headers: haThanhClerk.auth })).json().items as Array<{ document: { id: string; issuer: { id: string; name: string } } }>;
  const item = inbox.find((i) => i.document.id === doc.id)!;
  assert.equal(item.document.issuer.id, sonTay.id);
  assert.match(item.document.issuer.name, /^Ủy ban nhân dân xã Sơn Tây/);

  // A second run changes nothing and says so (the function the command runs, without a second process).
  const again = await demoReorg(env.deps);
  assert.equal(again.already, true);
  assert.match(formatDemoReorg(again), /already applied/);
  assert.equal((await units()).length, now.length);
});
