// GET /api/documents/:id/handling: the recipient unit and the people/units named see the direction,
// who gave it, the assignees by name, deadlines and the progress reports; the issuer and anyone else
// get a 404. GET /api/assignments carries the same names and reports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser } from './helpers/factories.js';

test('the handling of a delivery: direction, names, deadlines and reports for the unit and the assignees only', async (t) => {
  const env = await buildTestEnv(t);
  const issuerUnit = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Thử', shortName: 'UBND' });
  const issuer = await buildUser(env, { unit: issuerUnit, roles: ['clerk'] });
  // A commune: no departments, people only.
  const commune = await buildUnit(env, { name: 'Ủy ban nhân dân xã Hà Thanh', shortName: 'UBND', parentId: issuerUnit.id });
  const chairman = await buildUser(env, { unit: commune, roles: ['leader'], fullName: 'Lê Văn Chủ' });
  const clerk = await buildUser(env, { unit: commune, roles: ['clerk'] });
  const officer = await buildUser(env, { unit: commune, roles: ['officer'], fullName: 'Đỗ Thị Hương' });
  const other = await buildUser(env, { unit: commune, roles: ['officer'], fullName: 'Ngô Văn Bình' });
  const sibling = await buildUnit(env, { name: 'Ủy ban nhân dân xã Sơn Hà', shortName: 'UBND', parentId: issuerUnit.id });
  const siblingOfficer = await buildUser(env, { unit: sibling, roles: ['officer'] });
  const stranger = await buildUser(env, { unit: await buildUnit(env, { name: 'Sở Y tế' }), roles: ['leader', 'clerk'] });

  const { doc } = await buildDocument(env, { author: issuer, recipients: [commune.id], subject: 'Về việc rà soát hộ nghèo' });
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: issuer.auth })).statusCode, 200);
  const deliveryId = (await env.app.inject({ url: '/api/inbox', headers: clerk.auth })).json().items[0].deliveryId as string;
  const handling = (who: { auth: Record<string, string> }) => env.app.inject({ url: `/api/documents/${doc.id}/handling`, headers: who.auth });

  // Before any assignment the unit sees its copy with no assignments.
  const before = await handling(officer);
  assert.equal(before.statusCode, 200, before.body);
  assert.deepEqual(before.json().items.map((i: { deliveryId: string; assignments: unknown[] }) => [i.deliveryId, i.assignments.length]), [[deliveryId, 0]]);

  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${deliveryId}/accept`, headers: clerk.auth })).statusCode, 200);
  const assigned = await env.app.inject({
    method: 'POST', url: `/api/deliveries/${deliveryId}/assign`, headers: chairman.auth,
    payload: { direction: 'Giao đồng chí Hương chủ trì, xã Sơn Hà phối hợp.', lead: { userId: officer.user.id, dueDate: '2030-05-20' }, cooperating: [{ unitId: sibling.id, dueDate: '2030-05-25' }, { userId: other.user.id }] },
  });
  assert.equal(assigned.statusCode, 201, assigned.body);
  const leadId = assigned.json().assignments[0].id as string;
  for (const note of ['Đã làm việc với các thôn', 'Đã gửi báo cáo tổng hợp']) {
    const r = await env.app.inject({ method: 'POST', url: `/api/assignments/${leadId}/progress`, headers: officer.auth, payload: { note, done: note.startsWith('Đã gửi') } });
    assert.equal(r.statusCode, 200, r.body);
  }

  for (const who of [chairman, clerk, officer, other, siblingOfficer]) {
    const r = await handling(who);
    assert.equal(r.statusCode, 200, r.body);
    const [item] = r.json().items;
    assert.equal(item.deliveryId, deliveryId);
    assert.equal(item.unit.name, 'Ủy ban nhân dân xã Hà Thanh');
    const rows = item.assignments.map((a: Record<string, unknown>) => [a.role, a.assigneeName, a.dueDate, a.assignedByName, a.direction]);
    assert.equal(rows[0][0], 'lead', 'the lead first');
    assert.deepEqual([rows[0], ...rows.slice(1).sort((a: string[], b: string[]) => a[1]!.localeCompare(b[1]!))], [
      ['lead', 'Đỗ Thị Hương', '2030-05-20', 'Lê Văn Chủ', 'Giao đồng chí Hương chủ trì, xã Sơn Hà phối hợp.'],
      ['cooperate', 'Ngô Văn Bình', null, 'Lê Văn Chủ', 'Giao đồng chí Hương chủ trì, xã Sơn Hà phối hợp.'],
      ['cooperate', 'Ủy ban nhân dân xã Sơn Hà', '2030-05-25', 'Lê Văn Chủ', 'Giao đồng chí Hương chủ trì, xã Sơn Hà phối hợp.'],
    ]);
    const lead = item.assignments.find((a: { role: string }) => a.role === 'lead');
    assert.equal(lead.status, 'done');
    assert.deepEqual(lead.reports.map((p: Record<string, unknown>) => [p.note, p.userName, p.done]), [
      ['Đã làm việc với các thôn', 'Đỗ Thị Hương', false],
      ['Đã gửi báo cáo tổng hợp', 'Đỗ Thị Hương', true],
    ]);
    assert.ok(lead.reports.every((p: { at: string }) => !Number.isNaN(Date.parse(p.at))));
  }
  // The issuer (its tracking has the status, never the direction), a stranger, an unknown id: 404.
  for (const who of [issuer, stranger]) {
    const r = await handling(who);
    assert.equal(r.statusCode, 404, r.body);
    assert.equal(r.json().error.message, 'Không tìm thấy văn bản');
  }
  assert.equal((await env.app.inject({ url: '/api/documents/6f1c1f0e-1111-4111-8111-111111111111/handling', headers: chairman.auth })).statusCode, 404);

  // "Công việc": the assignee's name, the director's name and the reports under each assignment.
  const mine = (await env.app.inject({ url: '/api/assignments?mine=1', headers: officer.auth })).json().items;
  assert.equal(mine.length, 1);
  assert.equal(mine[0].assigneeName, 'Đỗ Thị Hương');
  assert.equal(mine[0].assignedByName, 'Lê Văn Chủ');
  assert.deepEqual(mine[0].reports.map((p: { note: string }) => p.note), ['Đã làm việc với các thôn', 'Đã gửi báo cáo tổng hợp']);
  const unitWork = (await env.app.inject({ url: '/api/assignments', headers: chairman.auth })).json().items;
  assert.deepEqual(unitWork.map((a: { assigneeName: string }) => a.assigneeName).sort(), ['Ngô Văn Bình', 'Đỗ Thị Hương', 'Ủy ban nhân dân xã Sơn Hà'].sort());
});
