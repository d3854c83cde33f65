import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { listEventsSince, recordEvents } from '../src/modules/events/service.js';
import { runDeadlineReminders } from '../src/modules/handling/reminders.js';
import { pushesFor } from '../src/modules/realtime/pushes.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, refreshToken, type TestUser } from './helpers/factories.js';
import { makePdf, multipart } from './helpers/pdf.js';

async function issuedAndAccepted(env: TestEnv, issuer: TestUser, clerk: TestUser, o: { dueDate?: string; subject?: string } = {}) {
  const { doc } = await buildDocument(env, { author: issuer, recipients: [clerk.unit.id], ...o });
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: issuer.auth })).statusCode, 200);
  const item = (await env.app.inject({ url: '/api/inbox', headers: clerk.auth })).json().items.find((i: { document: { id: string } }) => i.document.id === doc.id);
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${item.deliveryId}/accept`, headers: clerk.auth })).statusCode, 200);
  return { doc, deliveryId: item.deliveryId as string };
}

async function district(env: TestEnv) {
  const issuerUnit = await buildUnit(env, { name: 'Văn phòng UBND tỉnh', shortName: 'VP' });
  const issuer = await buildUser(env, { unit: issuerUnit, roles: ['clerk'] });
  // The receiving unit sits under a parent, beside a neighbour: its locality.
  const province = await buildUnit(env, { name: 'Ủy ban nhân dân tỉnh', shortName: 'UBND' });
  const unit = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Sơn Hà', shortName: 'UBND', parentId: province.id });
  const dept = await buildUnit(env, { name: 'Phòng Tài chính - Kế hoạch', shortName: 'TCKH', kind: 'department', parentId: unit.id });
  const neighbour = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Đông Hà', shortName: 'UBND', parentId: province.id });
  const other = await buildUnit(env, { name: 'Phòng Y tế huyện khác', kind: 'department' });
  return {
    issuer, unit, dept, neighbour, other,
    leader: await buildUser(env, { unit, roles: ['leader'], fullName: 'Chủ tịch' }),
    deputy: await buildUser(env, { unit, roles: ['officer'], fullName: 'Phó Chủ tịch' }),
    clerk: await buildUser(env, { unit, roles: ['clerk'] }),
    head: await buildUser(env, { unit: dept, roles: ['leader'], fullName: 'Trưởng phòng' }),
    staff: await buildUser(env, { unit: dept, roles: ['officer'], fullName: 'Chuyên viên' }),
    outsider: await buildUser(env, { unit: neighbour, roles: ['officer', 'leader'] }),
    stranger: await buildUser(env, { unit: other, roles: ['officer', 'leader'] }),
  };
}

test('full flow across two units: accept 03 → assign 04 → progress 05 → done 06, in order in the issuer tracking', async (t) => {
  const env = await buildTestEnv(t);
  const x = await district(env);
  const { doc, deliveryId } = await issuedAndAccepted(env, x.issuer, x.clerk, { dueDate: '2030-12-31' });
  const assign = await env.app.inject({
    method: 'POST', url: `/api/deliveries/${deliveryId}/assign`, headers: x.leader.auth,
    payload: { direction: 'Giao Phòng TCKH chủ trì, tham mưu báo cáo trước ngày 15.', lead: { unitId: x.dept.id, dueDate: '2030-06-15' }, cooperating: [{ unitId: x.neighbour.id }] },
  });
  assert.equal(assign.statusCode, 201, assign.body);
  const [lead, coop] = assign.json().assignments;
  assert.equal(lead.role, 'lead');
  assert.equal(lead.dueDate, '2030-06-15');
  assert.equal(coop.dueDate, '2030-12-31', "the default deadline is the document's");
  // The department head hands it to a person, who reports progress, with a report PDF, then finishes.
  const re = await env.app.inject({ method: 'POST', url: `/api/assignments/${lead.id}/reassign`, headers: x.head.auth, payload: { userId: x.staff.user.id } });
  assert.equal(re.statusCode, 201, re.body);
  // "Mine" is what is assigned to me and to my department.
  const all = (await env.app.inject({ url: '/api/assignments?mine=1', headers: x.staff.auth })).json().items;
  assert.deepEqual(all.map((a: { assigneeUserId: string | null }) => a.assigneeUserId).sort(), [null, x.staff.user.id].sort());
  const mine = all.filter((a: { assigneeUserId: string | null }) => a.assigneeUserId === x.staff.user.id);
  const body = multipart([{ name: 'note', data: 'Đã làm việc với các xã, đang tổng hợp số liệu' }, { name: 'file', filename: 'bao-cao.pdf', data: makePdf('bao cao') }]);
  const p1 = await env.app.inject({ method: 'POST', url: `/api/assignments/${mine[0].id}/progress`, headers: { ...x.staff.auth, ...body.headers }, payload: body.payload });
  assert.equal(p1.statusCode, 200, p1.body);
  assert.equal(p1.json().assignment.status, 'in_progress');
  const p2 = await env.app.inject({ method: 'POST', url: `/api/assignments/${mine[0].id}/progress`, headers: x.staff.auth, payload: { note: 'Đã gửi báo cáo', done: true } });
  assert.equal(p2.json().assignment.status, 'done');
  const leadNow = (await env.app.inject({ url: '/api/assignments', headers: x.leader.auth })).json().items.find((a: { id: string }) => a.id === lead.id);
  assert.equal(leadNow.status, 'done');

  const tracking = (await env.app.inject({ url: `/api/documents/${doc.id}/tracking`, headers: x.issuer.auth })).json().deliveries[0];
  assert.equal(tracking.status, 'completed');
  // The sender sees the status codes, not the recipient's internal progress notes; the recipient does.
  const issuerEvents = (await env.app.inject({ url: `/api/documents/${doc.id}`, headers: x.issuer.auth })).json().events.map((e: { type: string }) => e.type);
  assert.ok(issuerEvents.includes('delivery.completed'));
  assert.ok(!issuerEvents.includes('assignment.progress'));
  const ownEvents = (await env.app.inject({ url: `/api/documents/${doc.id}`, headers: x.leader.auth })).json().events.map((e: { type: string }) => e.type);
  assert.ok(ownEvents.includes('assignment.progress'));
  const steps = tracking.history.filter((h: { code: string | null }) => h.code);
  assert.deepEqual(steps.map((h: { code: string }) => h.code), ['01', '03', '04', '05', '06']);
  const times = steps.map((h: { at: string }) => Date.parse(h.at));
  assert.deepEqual(times, [...times].sort((a, b) => a - b));
  assert.ok(steps.slice(1).every((h: { actorUnitId: string }) => [x.unit.id, x.dept.id].includes(h.actorUnitId)));
});

test("only the receiving unit's leader or a delegate in range assigns; outside assignees see the document only when named", async (t) => {
  const env = await buildTestEnv(t);
  env.clock.set('2026-11-23T03:00:00Z');
  const x = await district(env);
  const { doc, deliveryId } = await issuedAndAccepted(env, x.issuer, x.clerk);
  const payload = { direction: 'Giao phòng TCKH', lead: { unitId: x.dept.id } };
  for (const who of [x.clerk, x.deputy, x.head, x.outsider]) {
    const r = await env.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryId}/assign`, headers: who.auth, payload });
    assert.ok([403, 404].includes(r.statusCode), `${who.user.fullName}: ${r.statusCode}`);
  }
  // The outsider's unit cannot read it yet.
  assert.equal((await env.app.inject({ url: `/api/documents/${doc.id}`, headers: x.outsider.auth })).statusCode, 404);
  // The leader delegates assigning to the deputy for next week only.
  const del = await env.app.inject({ method: 'POST', url: '/api/delegations', headers: x.leader.auth, payload: { toUserId: x.deputy.user.id, startsOn: '2026-11-30', endsOn: '2026-12-06', scopes: ['assign'] } });
  assert.equal(del.statusCode, 201, del.body);
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryId}/assign`, headers: x.deputy.auth, payload })).statusCode, 403);
  env.clock.set('2026-12-01T03:00:00Z');
  const deputyAgain = await refreshToken(env, x.deputy);
  x.leader = await refreshToken(env, x.leader);
  x.outsider = await refreshToken(env, x.outsider);
  const ok = await env.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryId}/assign`, headers: deputyAgain.auth, payload: { ...payload, cooperating: [{ unitId: x.neighbour.id }] } });
  assert.equal(ok.statusCode, 201, ok.body);
  assert.equal(ok.json().assignments[0].onBehalfOf, x.leader.user.id, 'the action records for whom the deputy acted');
  // Named as cooperating, the neighbour unit now reads the document.
  assert.equal((await env.app.inject({ url: `/api/documents/${doc.id}`, headers: x.outsider.auth })).statusCode, 200);
  const otherUnit = await buildUser(env, { roles: ['officer'] });
  assert.equal((await env.app.inject({ url: `/api/documents/${doc.id}`, headers: otherUnit.auth })).statusCode, 404);
  // Assigned once only.
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryId}/assign`, headers: x.leader.auth, payload })).statusCode, 409);
});

test('overdue is listed for assignee, assigning leader and clerk across the day boundary (Vietnam time); reminders once', async (t) => {
  const env = await buildTestEnv(t);
  env.clock.set('2026-12-01T03:00:00Z');
  const x = await district(env);
  const { deliveryId } = await issuedAndAccepted(env, x.issuer, x.clerk);
  const r = await env.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryId}/assign`, headers: x.leader.auth, payload: { direction: 'Giao chuyên viên', lead: { userId: x.staff.user.id, dueDate: '2026-12-10' } } });
  assert.equal(r.statusCode, 201, r.body);
  const overdue = async (who: TestUser) => (await env.app.inject({ url: '/api/assignments?overdue=1', headers: (await refreshToken(env, who)).auth })).json().items.length;
  // 23:59 on 10/12 in Vietnam: due today, not overdue.
  env.clock.set('2026-12-10T16:59:00Z');
  for (const who of [x.staff, x.leader, x.clerk]) assert.equal(await overdue(who), 0);
  // 00:01 on 11/12 in Vietnam (still 10/12 in UTC): overdue.
  env.clock.set('2026-12-10T17:01:00Z');
  for (const who of [x.staff, x.leader, x.clerk]) assert.equal(await overdue(who), 1);
  assert.equal(await overdue(x.outsider), 0);
  assert.equal(await overdue(x.deputy), 0);

  // Reminders: the day before the deadline once, then once per day while overdue.
  env.clock.set('2026-12-09T02:00:00Z');
  assert.deepEqual(await runDeadlineReminders(env.deps), { dueSoon: 1, overdue: 0 });
  assert.deepEqual(await runDeadlineReminders(env.deps), { dueSoon: 0, overdue: 0 });
  env.clock.set('2026-12-11T02:00:00Z');
  assert.deepEqual(await runDeadlineReminders(env.deps), { dueSoon: 0, overdue: 1 });
  assert.deepEqual(await runDeadlineReminders(env.deps), { dueSoon: 0, overdue: 0 });
  env.clock.set('2026-12-12T02:00:00Z');
  assert.deepEqual(await runDeadlineReminders(env.deps), { dueSoon: 0, overdue: 1 });
  const [{ n }] = (await env.db.execute(sql`select count(*)::int as n from events where type in ('assignment.due_soon', 'assignment.overdue') and ${x.staff.user.id}::uuid = any(user_ids)`)) as unknown as [{ n: number }];
  assert.equal(n, 3);
});

test('a recalled document cannot be assigned', async (t) => {
  const env = await buildTestEnv(t);
  const x = await district(env);
  const { doc, deliveryId } = await issuedAndAccepted(env, x.issuer, x.clerk);
  await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/recall`, headers: x.issuer.auth, payload: { reason: 'Ban hành nhầm' } });
  const payload = { direction: 'Giao', lead: { unitId: x.dept.id } };
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryId}/assign`, headers: x.leader.auth, payload })).statusCode, 409);
  await env.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryId}/recall/agree`, headers: x.clerk.auth });
  const r = await env.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryId}/assign`, headers: x.leader.auth, payload });
  assert.ok([404, 409].includes(r.statusCode));
});

test('a replacement, when issued, freezes the old document and asks its recipients to withdraw it', async (t) => {
  const env = await buildTestEnv(t);
  const x = await district(env);
  const { doc: old, deliveryId } = await issuedAndAccepted(env, x.issuer, x.clerk, { subject: 'Kế hoạch cũ' });
  const { doc: draft } = await buildDocument(env, { author: x.issuer, recipients: [x.unit.id], subject: 'Kế hoạch thay thế', replaces: old.id });
  // Another unit's document cannot be named.
  const stranger = await buildUser(env);
  const bad = await env.app.inject({ method: 'POST', url: '/api/documents', headers: stranger.auth, payload: { type: 'KH', subject: 'x', recipients: [x.unit.id], replaces: old.id } });
  assert.equal(bad.statusCode, 400);
  const issued = await env.app.inject({ method: 'POST', url: `/api/documents/${draft.id}/issue`, headers: x.issuer.auth });
  assert.equal(issued.statusCode, 200);
  const oldNow = (await env.app.inject({ url: `/api/documents/${old.id}`, headers: x.issuer.auth })).json().document;
  assert.equal(oldNow.status, 'recalled');
  assert.match(oldNow.recallReason, new RegExp(issued.json().document.notation.replace('/', '\\/')));
  const tracking = (await env.app.inject({ url: `/api/documents/${old.id}/tracking`, headers: x.issuer.auth })).json().deliveries[0];
  assert.ok(tracking.recallRequestedAt);
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryId}/recall/agree`, headers: x.clerk.auth })).statusCode, 200);
  const inbox = (await env.app.inject({ url: '/api/inbox', headers: x.clerk.auth })).json().items.map((i: { document: { subject: string } }) => i.document.subject);
  assert.deepEqual(inbox, ['Kế hoạch thay thế']);
});

test("cooperation is bounded to the receiving unit's subtree and its siblings; every share shows in the issuer's tracking", async (t) => {
  const env = await buildTestEnv(t);
  const x = await district(env);
  const school = await buildUnit(env, { name: 'Trường Tiểu học Sơn Hà', kind: 'school', parentId: x.dept.id });
  const far = await buildUnit(env, { name: 'Phòng Nội vụ huyện Đông Hà', kind: 'department', parentId: x.neighbour.id });
  const dissolved = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Cũ', parentId: x.unit.parentId });
  const external = await buildUnit(env, { name: 'Sở Y tế (hệ thống khác)', parentId: x.unit.parentId });
  const internal = await buildUnit(env, { name: 'Quản trị nội bộ', parentId: x.unit.parentId });
  await env.db.execute(sql`update units set dissolved_at = now() where id = ${dissolved.id}::uuid`);
  await env.db.execute(sql`update units set system_id = 'other-system', system_name = 'Hệ thống khác' where id = ${external.id}::uuid`);
  await env.db.execute(sql`update units set internal = true where id = ${internal.id}::uuid`);
  const { doc, deliveryId } = await issuedAndAccepted(env, x.issuer, x.clerk);
  const farUser = await buildUser(env, { unit: far, roles: ['officer'] });

  const count = async (table: string) => Number(((await env.db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as [{ n: number }])[0].n);
  const before = { assignments: await count('assignments'), events: await count('events') };
  const outside: Array<[string, string]> = [
    [far.id, far.name], [x.other.id, x.other.name], [dissolved.id, dissolved.name], [external.id, external.name],
    [internal.id, internal.name], [x.unit.id, x.unit.name], [x.issuer.unit.id, x.issuer.unit.name], ['7f1d3c2e-0000-4000-8000-000000000001', '7f1d3c2e-0000-4000-8000-000000000001'],
  ];
  for (const [unitId, name] of outside) {
    const r = await env.app.inject({
      method: 'POST', url: `/api/deliveries/${deliveryId}/assign`, headers: x.leader.auth,
      payload: { direction: 'Giao phòng TCKH', lead: { unitId: x.dept.id }, cooperating: [{ unitId: school.id }, { unitId }] },
    });
    assert.equal(r.statusCode, 400, `${name}: ${r.body}`);
    assert.ok(r.json().error.message.includes(name), `the message names the unit: ${r.body}`);
  }
  // Nor may a sibling lead: the lead is a department.
  const badLead = await env.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryId}/assign`, headers: x.leader.auth, payload: { direction: 'Giao', lead: { unitId: x.neighbour.id } } });
  assert.equal(badLead.statusCode, 400, badLead.body);
  // Nothing was written: no assignment, no event, still accepted, and the far unit still cannot read.
  assert.deepEqual({ assignments: await count('assignments'), events: await count('events') }, before);
  assert.equal((await env.app.inject({ url: `/api/inbox?status=accepted`, headers: x.clerk.auth })).json().items.length, 1);
  assert.equal((await env.app.inject({ url: `/api/documents/${doc.id}`, headers: farUser.auth })).statusCode, 404);
  assert.equal((await env.app.inject({ url: `/api/documents/${doc.id}`, headers: x.stranger.auth })).statusCode, 404);

  // The form's candidates: the leader only (a clerk 403, another unit 404).
  const cand = await env.app.inject({ url: `/api/deliveries/${deliveryId}/assignable-units`, headers: x.leader.auth });
  assert.equal(cand.statusCode, 200, cand.body);
  const byId = new Map(cand.json().units.map((u: { id: string; relation: string }) => [u.id, u.relation]));
  assert.deepEqual(Object.fromEntries(byId), { [x.dept.id]: 'department', [school.id]: 'subtree', [x.neighbour.id]: 'sibling' });
  assert.equal((await env.app.inject({ url: `/api/deliveries/${deliveryId}/assignable-units`, headers: x.clerk.auth })).statusCode, 403);
  assert.equal((await env.app.inject({ url: `/api/deliveries/${deliveryId}/assignable-units`, headers: x.outsider.auth })).statusCode, 404);

  // Inside the bound: its department leads, a school under it and the neighbour cooperate.
  const ok = await env.app.inject({
    method: 'POST', url: `/api/deliveries/${deliveryId}/assign`, headers: x.leader.auth,
    payload: { direction: 'Giao phòng TCKH chủ trì', lead: { unitId: x.dept.id }, cooperating: [{ unitId: school.id }, { unitId: x.neighbour.id }] },
  });
  assert.equal(ok.statusCode, 201, ok.body);
  const schoolUser = await buildUser(env, { unit: school, roles: ['officer'] });
  assert.equal((await env.app.inject({ url: `/api/documents/${doc.id}`, headers: schoolUser.auth })).statusCode, 200);
  assert.equal((await env.app.inject({ url: `/api/documents/${doc.id}`, headers: x.outsider.auth })).statusCode, 200);
  assert.equal((await env.app.inject({ url: `/api/documents/${doc.id}`, headers: farUser.auth })).statusCode, 404);

  // The issuer learns with whom, when and by whom its document was shared.
  const row = (await env.app.inject({ url: `/api/documents/${doc.id}/tracking`, headers: x.issuer.auth })).json().deliveries[0];
  const shares = [...row.shares].sort((a: { unitName: string }, b: { unitName: string }) => a.unitName.localeCompare(b.unitName));
  assert.deepEqual(shares.map((s: { unitId: string; unitName: string; by: string; byUnitId: string }) => [s.unitId, s.unitName, s.by, s.byUnitId]), [
    [x.dept.id, x.dept.name, x.leader.user.id, x.unit.id],
    [school.id, school.name, x.leader.user.id, x.unit.id],
    [x.neighbour.id, x.neighbour.name, x.leader.user.id, x.unit.id],
  ].sort((a, b) => a[1]!.localeCompare(b[1]!)));
  assert.ok(shares.every((s: { at: string }) => s.at === row.assignedAt));
  assert.ok(row.history.some((h: { event: string }) => h.event === 'shared'));
});

test("the issuer sees the status of the recipient's handling, never its leader's direction", async (t) => {
  const env = await buildTestEnv(t);
  const x = await district(env);
  const { doc, deliveryId } = await issuedAndAccepted(env, x.issuer, x.clerk);
  const direction = 'Bút phê nội bộ: TCKH rà soát kỹ số liệu, không gửi ra ngoài 7319';
  const r = await env.app.inject({
    method: 'POST', url: `/api/deliveries/${deliveryId}/assign`, headers: x.leader.auth,
    payload: { direction, lead: { unitId: x.dept.id }, cooperating: [{ userId: x.deputy.user.id }] },
  });
  assert.equal(r.statusCode, 201, r.body);
  // A row written before the fix (the direction in the status event): kept as it is, not shown to the issuer.
  const legacyDirection = 'Bút phê cũ 4411';
  await env.db.transaction((tx) => recordEvents(tx, [{
    type: 'delivery.assigned', at: env.clock(), actor: x.leader.actor, documentId: doc.id, deliveryId, unitIds: [x.issuer.unit.id, x.unit.id],
    data: { status: 'assigned', code: '04', unitId: x.unit.id, issuerUnitId: x.issuer.unit.id, direction: legacyDirection, onBehalfOf: null },
  }]));

  const issuerDoc = await env.app.inject({ url: `/api/documents/${doc.id}`, headers: x.issuer.auth });
  assert.equal(issuerDoc.statusCode, 200);
  assert.ok(issuerDoc.json().events.some((e: { type: string }) => e.type === 'delivery.assigned'), 'the issuer sees that it was assigned');
  const tracking = await env.app.inject({ url: `/api/documents/${doc.id}/tracking`, headers: x.issuer.auth });
  assert.equal(tracking.json().deliveries[0].status, 'assigned');
  // What a socket of the issuer's unit gets, live or on sync.
  const pushes = (await listEventsSince(env.db, { unitId: x.issuer.unit.id, userId: x.issuer.user.id, sinceId: 0, limit: 1000 })).flatMap(pushesFor)
    .filter((p) => p.room === `unit:${x.issuer.unit.id}` || p.room === `user:${x.issuer.user.id}`);
  assert.ok(pushes.length > 0);
  for (const [what, body] of [['document', issuerDoc.body], ['tracking', tracking.body], ['pushes', JSON.stringify(pushes)]] as const) {
    assert.ok(!body.includes(direction) && !body.includes('7319'), `no direction in the issuer's ${what}`);
    assert.ok(!body.includes(legacyDirection), `no legacy direction in the issuer's ${what}`);
    assert.ok(!body.includes('"direction"'), `no direction field in the issuer's ${what}`);
  }
  // The receiving unit's leader and officers still read it in their timeline.
  for (const who of [x.leader, x.deputy, x.clerk]) {
    const own = await env.app.inject({ url: `/api/documents/${doc.id}`, headers: who.auth });
    assert.ok(own.body.includes(direction), `${who.user.fullName} sees the direction`);
    assert.ok(own.body.includes(legacyDirection));
  }
  const head = await env.app.inject({ url: '/api/assignments?mine=1', headers: x.head.auth });
  assert.ok(head.body.includes(direction), 'the department assigned reads it');
});
