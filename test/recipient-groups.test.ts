// Issue 14 item 6 (API): units carry a level (given, or inferred from the parent and the name);
// a unit's saved recipient groups (validated, seen by no other unit); tracking's `overdue` and its
// CSV export (BOM, header, one row per delivery, issuer only).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runAlarmTick } from '../src/modules/dispatch/alarms.js';
import { inferLevel } from '../src/modules/orgs/levels.js';
import { buildTestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, refreshToken } from './helpers/factories.js';

test('inferLevel: communes by name or parent, provinces by name, the rest district', () => {
  assert.equal(inferLevel('Ủy ban nhân dân xã Sơn Tây', 'district'), 'commune');
  assert.equal(inferLevel('Đảng ủy thị trấn Sơn Hà', 'district'), 'commune');
  assert.equal(inferLevel('Ủy ban nhân dân phường 3', null), 'commune');
  assert.equal(inferLevel('Trường Mầm non Hoa Sen', 'commune'), 'commune');
  assert.equal(inferLevel('Phòng Lao động - Thương binh và Xã hội huyện Sơn Hà', 'district'), 'district');
  assert.equal(inferLevel('Ủy ban nhân dân thị xã Ba Đồn', 'province'), 'district');
  assert.equal(inferLevel('Ủy ban nhân dân tỉnh Quảng Ngãi', null), 'province');
  assert.equal(inferLevel('Sở Nội vụ tỉnh Quảng Ngãi', 'province'), 'province');
  assert.equal(inferLevel('Ủy ban nhân dân huyện Sơn Hà', null), 'district');
});

test('units carry a level: POST /api/units takes it or infers it; GET lists it; an admin can change it; a bad one is a 400', async (t) => {
  const env = await buildTestEnv(t);
  const admin = await buildUser(env, { roles: ['admin'] });
  const post = (body: object) => env.app.inject({ method: 'POST', url: '/api/units', headers: admin.auth, payload: body });
  const district = await post({ code: 'L1.H41', name: 'Ủy ban nhân dân huyện Sơn Hà', shortName: 'UBND', kind: 'government' });
  assert.equal(district.statusCode, 201, district.body);
  assert.equal(district.json().unit.level, 'district');
  const commune = await post({ code: 'L2.H41', name: 'Ủy ban nhân dân xã Sơn Tây', shortName: 'UBND', kind: 'government', parentId: district.json().unit.id });
  assert.equal(commune.json().unit.level, 'commune');
  const school = await post({ code: 'L3.H41', name: 'Trường Tiểu học Sơn Tây', shortName: 'TH', kind: 'school', parentId: commune.json().unit.id });
  assert.equal(school.json().unit.level, 'commune', 'below a commune');
  const given = await post({ code: 'L4.H41', name: 'Ban Chỉ huy Quân sự', shortName: 'BCH', kind: 'other', level: 'province' });
  assert.equal(given.json().unit.level, 'province');
  const bad = await post({ code: 'L5.H41', name: 'X', shortName: 'X', kind: 'other', level: 'village' });
  assert.equal(bad.statusCode, 400);
  assert.equal((await env.app.inject({ url: '/api/units?external=1', headers: admin.auth })).json().units.some((u: { code: string }) => u.code === 'L5.H41'), false);

  const list = (await env.app.inject({ url: '/api/units', headers: admin.auth })).json().units as Array<{ code: string; level: string }>;
  assert.deepEqual(Object.fromEntries(list.filter((u) => u.code.startsWith('L')).map((u) => [u.code, u.level])), {
    'L1.H41': 'district', 'L2.H41': 'commune', 'L3.H41': 'commune', 'L4.H41': 'province',
  });
  const patched = await env.app.inject({ method: 'PATCH', url: `/api/units/${given.json().unit.id}`, headers: admin.auth, payload: { level: 'district' } });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.equal(patched.json().unit.level, 'district');
});

test('recipient groups: a clerk saves one, everyone of the unit lists it, no other unit sees or deletes it; unknown units are a 400', async (t) => {
  const env = await buildTestEnv(t);
  const clerk = await buildUser(env, { roles: ['clerk'] });
  const officer = await buildUser(env, { unit: clerk.unit, roles: ['officer'] });
  const other = await buildUser(env, { roles: ['clerk', 'leader'] });
  const a = await buildUnit(env);
  const b = await buildUnit(env);
  const post = (who: typeof clerk, payload: object) => env.app.inject({ method: 'POST', url: '/api/recipient-groups', headers: who.auth, payload });
  const list = async (who: typeof clerk) => (await env.app.inject({ url: '/api/recipient-groups', headers: who.auth })).json().groups as Array<{ id: string; name: string; unitIds: string[] }>;

  const created = await post(clerk, { name: '  Các xã vùng lũ ', unitIds: [a.id, b.id, a.id] });
  assert.equal(created.statusCode, 201, created.body);
  assert.equal(created.json().group.name, 'Các xã vùng lũ');
  assert.deepEqual(created.json().group.unitIds, [a.id, b.id]);
  const id = created.json().group.id as string;

  // Bad input: a 400 (or 403/409) that writes nothing.
  const unknown = await post(clerk, { name: 'Sai', unitIds: [a.id, '00000000-0000-4000-8000-000000000000'] });
  assert.equal(unknown.statusCode, 400);
  assert.match(unknown.json().error.message, /không tồn tại/);
  assert.equal((await post(clerk, { name: 'Rỗng', unitIds: [] })).statusCode, 400);
  assert.equal((await post(clerk, { name: 'Mình', unitIds: [clerk.unit.id] })).statusCode, 400);
  assert.equal((await post(clerk, { name: '   ', unitIds: [a.id] })).statusCode, 400);
  assert.equal((await post(clerk, { name: 'x', unitIds: ['not-a-uuid'] })).statusCode, 400);
  assert.equal((await post(clerk, { name: 'các xã VÙNG lũ', unitIds: [a.id] })).statusCode, 409);
  assert.equal((await post(officer, { name: 'Của chuyên viên', unitIds: [a.id] })).statusCode, 403);

  assert.deepEqual((await list(officer)).map((g) => [g.name, g.unitIds.length]), [['Các xã vùng lũ', 2]]);
  const can = async (who: typeof clerk) => (await env.app.inject({ url: '/api/recipient-groups', headers: who.auth })).json().can;
  assert.deepEqual([await can(clerk), await can(officer)], [{ edit: true }, { edit: false }]);
  assert.deepEqual(await list(other), [], 'another unit sees none of them');
  assert.equal((await env.app.inject({ method: 'DELETE', url: `/api/recipient-groups/${id}`, headers: other.auth })).statusCode, 404);
  assert.equal((await list(clerk)).length, 1);
  assert.equal((await env.app.inject({ method: 'DELETE', url: `/api/recipient-groups/${id}`, headers: officer.auth })).statusCode, 403);
  assert.equal((await env.app.inject({ method: 'DELETE', url: `/api/recipient-groups/${id}`, headers: clerk.auth })).statusCode, 204);
  assert.deepEqual(await list(clerk), []);
  assert.equal((await env.app.inject({ method: 'DELETE', url: `/api/recipient-groups/${id}`, headers: clerk.auth })).statusCode, 404);
});

test('tracking: overdue past the due date while open; tracking.csv has a BOM, a header and one row per delivery, for the issuer only', async (t) => {
  const env = await buildTestEnv(t, {}, { alarms: false });
  env.clock.set('2026-03-02T02:00:00Z');
  let issuer = await buildUser(env, { roles: ['clerk'] });
  const recips = await Promise.all(['xã Một', 'xã Hai, "Ba"', 'xã Bốn'].map((n) => buildUnit(env, { name: `Ủy ban nhân dân ${n}` })));
  const clerks = await Promise.all(recips.map((u) => buildUser(env, { unit: u, roles: ['clerk'] })));
  const { doc } = await buildDocument(env, { author: issuer, recipients: recips.map((u) => u.id), urgency: 'flash', dueDate: '2026-03-05' });
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: issuer.auth })).statusCode, 200);
  const tracking = async () => (await env.app.inject({ url: `/api/documents/${doc.id}/tracking`, headers: issuer.auth })).json();
  const [d0, d1] = (await tracking()).deliveries.sort((x: { unit: { id: string } }, y: { unit: { id: string } }) => recips.findIndex((u) => u.id === x.unit.id) - recips.findIndex((u) => u.id === y.unit.id));
  // Recipient 0 accepts (vào sổ); recipient 1 only reads; recipient 2 does nothing and is escalated.
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${d0.deliveryId}/accept`, headers: clerks[0]!.auth })).statusCode, 200);
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${d1.deliveryId}/read`, headers: clerks[1]!.auth })).statusCode, 200);
  env.clock.advance(env.config.escalateAfterMinutes * 60_000 + 1000);
  await runAlarmTick(env.deps);
  let body = await tracking();
  assert.equal(body.dueDate, '2026-03-05');
  assert.equal(body.deliveries.filter((d: { overdue: boolean }) => d.overdue).length, 0, 'not yet due');
  assert.equal(body.deliveries.filter((d: { escalatedAt: string | null }) => d.escalatedAt).length, 2, 'the unacknowledged flash deliveries escalated');
  env.clock.set('2026-03-06T02:00:00Z');
  issuer = await refreshToken(env, issuer);
  body = await tracking();
  assert.equal(body.deliveries.filter((d: { overdue: boolean }) => d.overdue).length, 3, 'all still open after the due date');

  const csv = await env.app.inject({ url: `/api/documents/${doc.id}/tracking.csv`, headers: issuer.auth });
  assert.equal(csv.statusCode, 200, csv.body);
  assert.match(String(csv.headers['content-type']), /^text\/csv; charset=utf-8/);
  assert.match(String(csv.headers['content-disposition']), /attachment; filename="theo-doi-.*\.csv"/);
  assert.deepEqual([...csv.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
  const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
  assert.equal(lines.length, 1 + 3, 'header + one row per delivery');
  assert.match(lines[0]!, /^STT,Mã định danh,Nơi nhận,Trạng thái,Đã nhận,/);
  assert.match(lines[1]!, /^1,.*Ủy ban nhân dân xã Bốn,Đã gửi,Chưa,/, 'not yet received first');
  assert.ok(lines.some((l) => l.includes('"Ủy ban nhân dân xã Hai, ""Ba"""')), 'RFC 4180 quoting');
  assert.ok(lines.some((l) => /Ủy ban nhân dân xã Một,Đã vào sổ,Có,/.test(l)));

  // The same access rule as tracking: a recipient, or an unrelated unit, gets the 404 tracking gives.
  for (const who of [await refreshToken(env, clerks[0]!), await buildUser(env)]) {
    const denied = await env.app.inject({ url: `/api/documents/${doc.id}/tracking.csv`, headers: who.auth });
    const plain = await env.app.inject({ url: `/api/documents/${doc.id}/tracking`, headers: who.auth });
    assert.equal(denied.statusCode, plain.statusCode);
    assert.ok(denied.statusCode === 403 || denied.statusCode === 404, `${denied.statusCode}`);
    assert.doesNotMatch(denied.body, /STT/);
  }
});

test('migration 0025 backfills the level of units that existed before it', async (t) => {
  const env = await buildTestEnv(t);
  const { readFile } = await import('node:fs/promises');
  const { sql } = await import('drizzle-orm');
  const mk = (name: string, parentId: string | null = null) => buildUnit(env, { name, parentId });
  const tinh = await mk('Ủy ban nhân dân tỉnh Quảng Ngãi');
  const so = await mk('Sở Nội vụ tỉnh Quảng Ngãi', tinh.id);
  const huyen = await mk('Ủy ban nhân dân huyện Sơn Hà', tinh.id);
  const phong = await mk('Phòng Lao động - Thương binh và Xã hội huyện Sơn Hà', huyen.id);
  const xa = await mk('Ủy ban nhân dân xã Sơn Tây', huyen.id);
  const truong = await mk('Trường Tiểu học số 1', xa.id);
  await env.db.execute(sql`update units set level = 'district'`);
  const migration = await readFile(new URL('../drizzle/0027_unit_levels.sql', import.meta.url), 'utf8');
  const backfill = migration.slice(migration.indexOf('-- Hand-written backfill')).split('--> statement-breakpoint');
  for (const stmt of backfill) await env.db.execute(sql.raw(stmt));
  const rows = (await env.db.execute(sql`select id, level from units`)) as unknown as Array<{ id: string; level: string }>;
  const level = new Map(rows.map((r) => [r.id, r.level]));
  assert.deepEqual([tinh, so, huyen, phong, xa, truong].map((u) => level.get(u.id)), ['province', 'province', 'district', 'district', 'commune', 'commune']);
});

test('the demo district and the units CSV carry levels', async () => {
  const { demoUnits } = await import('../src/workflows/demo/demo-district.js');
  const { parseUnitsCsv } = await import('../src/cli/units-csv.js');
  const units = demoUnits();
  const communes = units.filter((u) => u.level === 'commune');
  assert.equal(communes.filter((u) => u.kind === 'government').length, 16);
  assert.equal(communes.filter((u) => u.kind === 'party').length, 16);
  assert.ok(units.filter((u) => u.level !== 'commune').every((u) => u.level === 'district'));
  const csv = 'code,name,short_name,kind,parent_code,level\nA1.H41,Ủy ban nhân dân xã A,UBND,government,,commune\nA2.H41,Phòng B,PB,department,,\nA3.H41,C,C,other,,village\n';
  const { rows, rejected } = await parseUnitsCsv(csv);
  assert.deepEqual(rows.map((r) => [r.code, r.level]), [['A1.H41', 'commune'], ['A2.H41', undefined]]);
  assert.equal(rejected.length, 1);
  assert.match(rejected[0]!.reason, /invalid level/);
});
