import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { eq, inArray } from 'drizzle-orm';
import { vnDate } from '../src/lib/time.js';
import { assignments } from '../src/modules/handling/tables.js';
import { deliveries } from '../src/modules/dispatch/tables.js';
import { documents } from '../src/modules/documents/tables.js';
import { unitChanges, units, users } from '../src/modules/orgs/tables.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { runCli } from './helpers/cli.js';
import { buildDocument, buildUnit, buildUser, type TestUser } from './helpers/factories.js';

async function issue(env: TestEnv, author: TestUser, recipients: string[], o: { urgency?: 'flash'; subject?: string } = {}) {
  const { doc } = await buildDocument(env, { author, recipients, ...o });
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: author.auth, payload: {} });
  assert.equal(r.statusCode, 200, r.body);
  return r.json().document as { id: string; notation: string };
}

const deliveryOf = async (env: TestEnv, documentId: string, unitId: string) =>
  (await env.db.select().from(deliveries).where(eq(deliveries.documentId, documentId))).find((d) => d.recipientUnitId === unitId);

test('merge three communes into one: people, open deliveries, assignments and drafts move; in-flight flash reaches the successor; history keeps old names; numbering restarts at 01; API dry run and a bad plan change nothing', async (t) => {
  const env = await buildTestEnv(t, { tokenTtlSeconds: 30 * 86_400 });
  const today = vnDate(env.clock());
  const province = await buildUnit(env, { name: 'Ủy ban nhân dân tỉnh Thử', shortName: 'UBND tỉnh' });
  const [a, b, c] = await Promise.all(['An', 'Bình', 'Cát'].map((n, i) => buildUnit(env, { code: `X${i}${Date.now().toString(36)}`.slice(0, 20), name: `UBND xã ${n}`, shortName: `xã ${n}`, parentId: province.id })));
  const admin = await buildUser(env, { roles: ['admin'] });
  const clerkP = await buildUser(env, { unit: province, roles: ['clerk'] });
  const clerkA = await buildUser(env, { unit: a!, roles: ['clerk'] });
  const leaderA = await buildUser(env, { unit: a!, roles: ['leader'] });
  const officerA = await buildUser(env, { unit: a!, roles: ['officer'] });
  const clerkB = await buildUser(env, { unit: b!, roles: ['clerk'] });
  const clerkC = await buildUser(env, { unit: c!, roles: ['clerk'] });

  // Before: A registered and assigned one document; B has one waiting; A issued one of its own; a draft of A; a draft of the province to A and B.
  const doc1 = await issue(env, clerkP, [a!.id], { subject: 'Về việc báo cáo dân số' });
  const d1 = (await deliveryOf(env, doc1.id, a!.id))!;
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${d1.id}/accept`, headers: clerkA.auth })).statusCode, 200);
  const asg = await env.app.inject({ method: 'POST', url: `/api/deliveries/${d1.id}/assign`, headers: leaderA.auth, payload: { direction: 'Giao chủ trì', lead: { userId: officerA.user.id, dueDate: today } } });
  assert.equal(asg.statusCode, 201, asg.body);
  const doc1b = await issue(env, clerkP, [b!.id], { subject: 'Về việc phòng chống lụt bão' });
  const doc2 = await issue(env, clerkA, [province.id], { subject: 'Báo cáo của xã An' });
  const { doc: draftA } = await buildDocument(env, { author: clerkA, recipients: [province.id], subject: 'Dự thảo của xã An' });
  const { doc: flashDraft } = await buildDocument(env, { author: clerkP, recipients: [a!.id, b!.id], urgency: 'flash', subject: 'Hỏa tốc: sơ tán dân' });

  const into = { code: `XM${Date.now().toString(36)}`.slice(0, 20), name: 'UBND xã Hợp Nhất', shortName: 'xã Hợp Nhất', kind: 'government', parentId: province.id };
  const plan = { effectiveOn: today, changes: [{ kind: 'merge', unitIds: [a!.id, b!.id, c!.id], into }] };
  const post = (payload: object, headers = admin.auth) => env.app.inject({ method: 'POST', url: '/api/units/reorganise', headers, payload: payload as Record<string, unknown> });

  // Only an admin.
  assert.equal((await post(plan, clerkP.auth)).statusCode, 403);
  // A plan with bad rows: every problem listed, nothing applied.
  const bad = await post({ effectiveOn: today, changes: [
    plan.changes[0],
    { kind: 'rename', unitId: '00000000-0000-4000-8000-000000000000', name: 'X' },
    { kind: 'merge', unitIds: [clerkP.unit.id], into: { unitId: clerkP.unit.id } },
    { kind: 'move', unitId: province.id, parentId: a!.id },
    { kind: 'rename', unitId: c!.id, code: a!.code },
  ] });
  assert.equal(bad.statusCode, 400, bad.body);
  const problems = bad.json().error.problems as Array<{ index: number; field: string; message: string }>;
  assert.deepEqual([...new Set(problems.map((p) => p.index))], [1, 2, 3, 4], bad.body);
  const at = (i: number) => problems.filter((p) => p.index === i).map((p) => p.message).join(' | ');
  assert.match(at(1), /Không có đơn vị/);
  assert.match(at(2), /chính nó/);
  assert.match(at(3), /đã được sáp nhập.*dòng 1/);
  assert.match(at(4), /đã được sáp nhập/);
  assert.match(at(4), /đã được dùng/);
  assert.equal((await env.db.select().from(units).where(eq(units.code, into.code))).length, 0);
  assert.equal((await env.db.select().from(unitChanges)).length, 0);
  // A date in the future is refused.
  const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const future = await post({ ...plan, effectiveOn: tomorrow });
  assert.equal(future.statusCode, 400);
  assert.match(future.json().error.message, /tương lai/);

  // Dry run: the report, nothing changed.
  const dry = await post({ ...plan, dryRun: true });
  assert.equal(dry.statusCode, 200, dry.body);
  const dr = dry.json().report;
  assert.equal(dr.applied, false);
  assert.equal(dr.planId, null);
  assert.equal(dr.usersMoved.length, 5);
  assert.deepEqual(dr.moved, { deliveries: 2, assignments: 1, drafts: 1, delegations: 0 });
  assert.equal(dr.changes[0].successors[0].id, null);
  assert.equal((await env.db.select().from(users).where(eq(users.id, clerkA.user.id)))[0]!.unitId, a!.id);
  assert.equal((await env.db.select().from(units).where(eq(units.code, into.code))).length, 0);

  // Apply.
  const done = await post(plan);
  assert.equal(done.statusCode, 200, done.body);
  const report = done.json().report;
  const x = report.changes[0].successors[0].id as string;
  assert.ok(x);
  const [xa] = await env.db.select().from(units).where(eq(units.id, a!.id));
  assert.equal(xa!.successorId, x);
  assert.equal(xa!.validTo, new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10));
  assert.ok(xa!.dissolvedAt);
  const moved = await env.db.select().from(users).where(inArray(users.id, [clerkA.user.id, leaderA.user.id, officerA.user.id, clerkB.user.id, clerkC.user.id]));
  assert.ok(moved.every((u) => u.unitId === x));
  // Their old sessions ended (a change of unit).
  assert.equal((await env.app.inject({ url: '/api/me', headers: clerkA.auth })).statusCode, 401);
  const xClerk = await buildUser(env, { unit: (await env.db.select().from(units).where(eq(units.id, x)))[0]!, roles: ['clerk'] });
  // Open deliveries and the assignment moved, the registered number kept in a series naming the old unit.
  const m1 = (await deliveryOf(env, doc1.id, x))!;
  assert.equal(m1.redirectedFromUnitId, a!.id);
  assert.equal(m1.incomingSeries?.endsWith(`:${a!.code}`), true);
  assert.ok(await deliveryOf(env, doc1b.id, x));
  assert.equal((await env.db.select().from(assignments).where(eq(assignments.deliveryId, m1.id)))[0]!.unitId, x);
  assert.equal((await env.db.select().from(documents).where(eq(documents.id, draftA.id)))[0]!.issuerUnitId, x);

  // The in-flight flash document (drafted to A and B) reaches the successor once; the issuer sees it.
  const flash = await env.app.inject({ method: 'POST', url: `/api/documents/${flashDraft.id}/issue`, headers: clerkP.auth, payload: {} });
  assert.equal(flash.statusCode, 200, flash.body);
  const tracking = (await env.app.inject({ url: `/api/documents/${flashDraft.id}/tracking`, headers: clerkP.auth })).json();
  assert.equal(tracking.deliveries.length, 1);
  assert.equal(tracking.deliveries[0].unit.id, x);
  assert.deepEqual(tracking.deliveries[0].redirectedFrom, { unitId: a!.id, name: 'UBND xã An' });
  const inbox = (await env.app.inject({ url: '/api/inbox', headers: xClerk.auth })).json().items as Array<{ document: { id: string; urgency: string } }>;
  assert.ok(inbox.some((i) => i.document.id === flashDraft.id));

  // A new draft to an old unit: refused naming the successor (Vietnamese, and English on request).
  const draft = { type: 'CV', subject: 'Gửi xã An', recipients: [a!.id] };
  const refused = await env.app.inject({ method: 'POST', url: '/api/documents', headers: clerkP.auth, payload: draft });
  assert.equal(refused.statusCode, 400);
  assert.match(refused.json().error.message, /UBND xã An đã sáp nhập vào UBND xã Hợp Nhất/);
  const refusedEn = await env.app.inject({ method: 'POST', url: '/api/documents?lang=en', headers: clerkP.auth, payload: draft });
  assert.match(refusedEn.json().error.message, /was merged into UBND xã Hợp Nhất/);

  // The successor's numbering starts at 01: the draft it inherited from A.
  const numbered = await env.app.inject({ method: 'POST', url: `/api/documents/${draftA.id}/issue`, headers: xClerk.auth, payload: {} });
  assert.equal(numbered.statusCode, 200, numbered.body);
  assert.match(numbered.json().document.notation, /^01\//);

  // Registers keep the old names: A's outgoing register (read by the successor), the province's incoming one.
  const regA = (await env.app.inject({ url: `/api/registers/outgoing?unitId=${a!.id}`, headers: xClerk.auth })).json().register;
  assert.equal(regA.unit.name, 'UBND xã An (nay là xã Hợp Nhất)');
  assert.ok(regA.rows.some((r: string[]) => r.some((cell) => cell.includes('Báo cáo của xã An'))), JSON.stringify(regA.rows));
  const inA = (await env.app.inject({ url: `/api/registers/incoming?unitId=${a!.id}`, headers: xClerk.auth })).json().register;
  assert.ok(inA.rows.some((r: string[]) => r.some((cell) => cell.includes('báo cáo dân số'))), JSON.stringify(inA.rows));
  assert.equal((await env.app.inject({ url: `/api/registers/outgoing?unitId=${a!.id}`, headers: clerkP.auth })).statusCode, 404);
  // The document page (timeline) names A's document's issuer as it was.
  const page = (await env.app.inject({ url: `/api/documents/${doc2.id}`, headers: clerkP.auth })).json();
  assert.equal(page.document.issuer.name, 'UBND xã An (nay là xã Hợp Nhất)');
  const found = (await env.app.inject({ url: `/api/search?q=${encodeURIComponent('Báo cáo của xã An')}`, headers: clerkP.auth })).json();
  assert.equal(found.items.find((i: { document: { id: string } }) => i.document.id === doc2.id)?.document.issuer.name, 'UBND xã An (nay là xã Hợp Nhất)', JSON.stringify(found));

  // The tree today, as it was, and with history.
  const list = async (q: string) => ((await env.app.inject({ url: `/api/units${q}`, headers: clerkP.auth })).json().units as Array<{ id: string; name: string; validFrom: string | null; validTo: string | null; successorId: string | null; level: string }>);
  const now = await list('');
  assert.ok(now.some((u) => u.id === x && u.validFrom === today));
  assert.ok(!now.some((u) => u.id === a!.id));
  const yesterday = await list(`?on=${xa!.validTo}`);
  assert.ok(yesterday.some((u) => u.id === a!.id && u.name === 'UBND xã An'));
  assert.ok(!yesterday.some((u) => u.id === x));
  const all = await list('?all=1');
  assert.equal(all.find((u) => u.id === b!.id)?.successorId, x);

  // The other kinds in one plan: rename (the old name kept for the day before), move, split (people listed to place), dissolve.
  const tag = Date.now().toString(36).slice(-6);
  const [r1, r2, s1, d1u] = await Promise.all(['Rạng', 'Rộng', 'Sông', 'Đồi'].map((n, i) => buildUnit(env, { code: `K${i}${tag}`, name: `UBND xã ${n}`, shortName: `xã ${n}`, parentId: province.id })));
  const splitUser = await buildUser(env, { unit: s1!, roles: ['clerk'] });
  const more = await post({ effectiveOn: today, changes: [
    { kind: 'rename', unitId: r1!.id, name: 'UBND phường Rạng Đông', shortName: 'phường Rạng Đông', code: `KR${tag}` },
    { kind: 'move', unitId: r2!.id, parentId: x },
    { kind: 'split', unitId: s1!.id, into: [{ code: `KS1${tag}`, name: 'UBND xã Sông Trên', shortName: 'xã Sông Trên' }, { code: `KS2${tag}`, name: 'UBND xã Sông Dưới', shortName: 'xã Sông Dưới' }] },
    { kind: 'dissolve', unitId: d1u!.id },
  ] });
  assert.equal(more.statusCode, 200, more.body);
  assert.deepEqual(more.json().report.usersToPlace.map((u: { userId: string }) => u.userId), [splitUser.user.id]);
  const after = new Map((await env.db.select().from(units).where(inArray(units.id, [r1!.id, r2!.id, s1!.id, d1u!.id]))).map((u) => [u.id, u]));
  assert.equal(after.get(r1!.id)!.name, 'UBND phường Rạng Đông');
  assert.equal(after.get(r1!.id)!.code, `KR${tag}`);
  assert.equal(after.get(r2!.id)!.parentId, x);
  assert.equal(after.get(s1!.id)!.validTo, xa!.validTo);
  assert.equal(after.get(d1u!.id)!.successorId, null);
  assert.ok((await list(`?on=${xa!.validTo}`)).some((u) => u.id === r1!.id && u.name === 'UBND xã Rạng'));
  assert.ok((await list('')).some((u) => u.id === r1!.id && u.name === 'UBND phường Rạng Đông'));
  assert.equal((await list('')).filter((u) => u.name.startsWith('UBND xã Sông ')).length, 2);

  // PATCH keeps to fields without history.
  const rename = await env.app.inject({ method: 'PATCH', url: `/api/units/${x}`, headers: admin.auth, payload: { name: 'Tên mới' } });
  assert.equal(rename.statusCode, 400);
  assert.match(rename.json().error.message, /reorganise/);
  const phone = await env.app.inject({ method: 'PATCH', url: `/api/units/${x}`, headers: admin.auth, payload: { phone: '0203 3812 345', email: 'ubnd@hopnhat.gov.vn' } });
  assert.equal(phone.statusCode, 200, phone.body);
  assert.equal(phone.json().unit.phone, '0203 3812 345');
});

test('cli reorganise: a plan with a bad row lists every problem and applies nothing (exit 1); dry run by default; --apply applies', async (t) => {
  const env = await buildTestEnv(t);
  const today = vnDate(new Date());
  const tag = Date.now().toString(36).slice(-5);
  const parent = await buildUnit(env, { code: `P${tag}`, name: 'UBND huyện Thử' });
  await buildUnit(env, { code: `D${tag}`, name: 'UBND xã Đông', parentId: parent.id });
  await buildUnit(env, { code: `E${tag}`, name: 'UBND xã Tây', parentId: parent.id });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'reorg-cli-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const header = 'effective_on,kind,unit_code,target_code,new_code,new_name,new_short_name,unit_kind,parent_code';
  const good = [
    header,
    `${today},merge,D${tag},,N${tag},UBND xã Đông Tây,xã Đông Tây,government,P${tag}`,
    `${today},merge,E${tag},,N${tag},UBND xã Đông Tây,xã Đông Tây,government,P${tag}`,
    `${today},rename,P${tag},,,UBND huyện Thử Mới,,,`,
  ];
  const badFile = path.join(dir, 'bad.csv');
  await fs.writeFile(badFile, [...good, `${today},dissolve,NOPE${tag},,,,,,`, `${today},explode,D${tag},,,,,,`, `${today},rename,E${tag},,D${tag},,,,`].join('\n'));
  const goodFile = path.join(dir, 'good.csv');
  await fs.writeFile(goodFile, good.join('\n'));
  const cliEnv = { DATABASE_URL: env.dbUrl, DATA_DIR: env.dataDir, LOG_LEVEL: 'warn' };

  // One after the other: two processes starting on a database without the admin account race to create it.
  const bad = await runCli(['reorganise', badFile, '--apply'], cliEnv);
  const dry = await runCli(['reorganise', goodFile], cliEnv);
  assert.equal(bad.code, 1, `${bad.stdout}\n${bad.stderr}`);
  assert.match(bad.stdout, /KHÔNG áp dụng gì/);
  assert.match(bad.stdout, /dòng \(line\) 5: .*NOPE/);
  assert.match(bad.stdout, /dòng \(line\) 6: .*explode/);
  assert.match(bad.stdout, /dòng \(line\) 7: .*(đã được sáp nhập|đã được dùng)/);
  assert.equal((await env.db.select().from(units).where(eq(units.code, `N${tag}`))).length, 0);
  assert.equal((await env.db.select().from(units).where(eq(units.code, `P${tag}`)))[0]!.name, 'UBND huyện Thử');

  assert.equal(dry.code, 0, `${dry.stdout}\n${dry.stderr}`);
  assert.match(dry.stdout, /CHẠY THỬ/);
  assert.match(dry.stdout, /Sáp nhập UBND xã Đông, UBND xã Tây vào UBND xã Đông Tây/);
  assert.equal((await env.db.select().from(units).where(eq(units.code, `N${tag}`))).length, 0);

  const applied = await runCli(['reorganise', goodFile, '--apply'], cliEnv);
  assert.equal(applied.code, 0, `${applied.stdout}\n${applied.stderr}`);
  assert.match(applied.stdout, /ĐÃ ÁP DỤNG/);
  const [n] = await env.db.select().from(units).where(eq(units.code, `N${tag}`));
  assert.equal(n!.validFrom, today);
  const [d] = await env.db.select().from(units).where(eq(units.code, `D${tag}`));
  assert.equal(d!.successorId, n!.id);
  assert.equal((await env.db.select().from(units).where(eq(units.code, `P${tag}`)))[0]!.name, 'UBND huyện Thử Mới');
});
