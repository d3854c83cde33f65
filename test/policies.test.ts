import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, refreshToken, type TestUser } from './helpers/factories.js';

const get = (env: TestEnv, who: TestUser, url: string) => env.app.inject({ url, headers: who.auth });
const post = (env: TestEnv, who: TestUser, url: string, payload?: object) => env.app.inject({ method: 'POST', url, headers: who.auth, ...(payload ? { payload } : {}) });

test('can on a draft: the leader and a deputy with a sign delegation may sign, an officer without one may not; only the clerk issues', async (t) => {
  const env = await buildTestEnv(t);
  env.clock.set('2026-11-30T03:00:00Z');
  const unit = await buildUnit(env);
  const leader = await buildUser(env, { unit, roles: ['leader'] });
  const deputy = await buildUser(env, { unit, roles: ['officer'] });
  const officer = await buildUser(env, { unit, roles: ['officer'] });
  const clerk = await buildUser(env, { unit, roles: ['clerk'] });
  const { doc } = await buildDocument(env, { author: clerk, recipients: [(await buildUnit(env)).id] });
  // An officer does not see a colleague's draft at all (trình ký, issue 12): no `can` to show.
  const canOf = async (who: TestUser) => (await get(env, who, `/api/documents/${doc.id}`)).json().document?.can ?? { sign: false, edit: false, issue: false };

  // The leader signs; editing the clerk's draft is its author's or a clerk's (issue 12).
  assert.deepEqual(await canOf(leader), {
    edit: false, delete: false, submit: false, approve: false, return: false, comment: true, sign: true, issue: false, recall: false,
    acknowledge: false, accept: false, refuse: false, assign: false, report: false,
  });
  assert.equal((await canOf(deputy)).sign, false);
  assert.equal((await get(env, officer, `/api/documents/${doc.id}`)).statusCode, 404);
  assert.equal((await canOf(clerk)).issue, true);
  assert.equal((await canOf(clerk)).sign, false);
  // The same flags on the outbox list.
  const item = (await get(env, clerk, '/api/outbox')).json().items.find((d: { id: string }) => d.id === doc.id);
  assert.equal(item.can.issue, true);
  assert.equal(item.can.edit, true);

  // A delegation for today gives the deputy the Sign action — and the server accepts it, so the button never lies.
  const del = await post(env, leader, '/api/delegations', { toUserId: deputy.user.id, startsOn: '2026-11-30', endsOn: '2026-12-01', scopes: ['sign'] });
  assert.equal(del.statusCode, 201, del.body);
  assert.equal((await canOf(deputy)).sign, true);
  assert.equal((await canOf(officer)).sign, false);
  // Outside the delegation's dates the power is gone.
  env.clock.set('2026-12-05T03:00:00Z');
  const later = await refreshToken(env, deputy);
  assert.equal((await canOf(later)).sign, false);
  // Without the delegation the deputy is an officer again, who does not see a colleague's draft:
  // signing it is the same 404 as reading it.
  assert.equal((await get(env, later, `/api/documents/${doc.id}`)).statusCode, 404);
  const denied = await post(env, later, `/api/documents/${doc.id}/sign`);
  assert.equal(denied.statusCode, 404);
  // An officer who does see the draft (its author) is still refused the signature: 403.
  const own = await buildDocument(env, { author: officer, recipients: [(await buildUnit(env)).id] });
  assert.equal((await post(env, await refreshToken(env, officer), `/api/documents/${own.doc.id}/sign`)).statusCode, 403);

  // After issue: no more editing or signing; the clerk may recall.
  const clerkNow = await refreshToken(env, clerk);
  assert.equal((await post(env, clerkNow, `/api/documents/${doc.id}/issue`)).statusCode, 200);
  const issued = await canOf(clerkNow);
  assert.equal(issued.edit, false);
  assert.equal(issued.issue, false);
  assert.equal(issued.recall, true);
  assert.equal((await canOf(await refreshToken(env, leader))).recall, false);
});

test('can on a delivery: acknowledge once, accept and refuse for the clerk while delivered, assign for the leader once accepted', async (t) => {
  const env = await buildTestEnv(t);
  const issuerClerk = await buildUser(env);
  const unit = await buildUnit(env);
  const clerk = await buildUser(env, { unit, roles: ['clerk'] });
  const leader = await buildUser(env, { unit, roles: ['leader'] });
  const officer = await buildUser(env, { unit, roles: ['officer'] });
  const { doc } = await buildDocument(env, { author: issuerClerk, recipients: [unit.id], urgency: 'flash' });
  assert.equal((await post(env, issuerClerk, `/api/documents/${doc.id}/issue`)).statusCode, 200);
  const inboxCan = async (who: TestUser) => (await get(env, who, '/api/inbox')).json().items[0].can;
  const detail = async (who: TestUser) => (await get(env, who, `/api/documents/${doc.id}`)).json();

  assert.deepEqual(await inboxCan(clerk), { acknowledge: true, accept: true, refuse: true, assign: false, report: false });
  assert.deepEqual(await inboxCan(officer), { acknowledge: true, accept: false, refuse: false, assign: false, report: false });
  assert.equal((await inboxCan(leader)).assign, false, 'not before the clerk registers it');
  // The recipient's view of the document carries its delivery's actions, and none of the issuer's.
  const d = await detail(clerk);
  assert.equal(d.delivery.can.accept, true);
  assert.equal(d.document.can.accept, true);
  assert.equal(d.document.can.recall, false);
  assert.equal(d.document.can.issue, false);

  const deliveryId = (await get(env, clerk, '/api/inbox')).json().items[0].deliveryId;
  assert.equal((await post(env, officer, `/api/deliveries/${deliveryId}/acknowledge`)).statusCode, 200);
  assert.equal((await inboxCan(clerk)).acknowledge, false);
  assert.equal((await post(env, clerk, `/api/deliveries/${deliveryId}/accept`)).statusCode, 200);
  assert.deepEqual(await inboxCan(clerk), { acknowledge: false, accept: false, refuse: false, assign: false, report: false });
  assert.equal((await inboxCan(leader)).assign, true);
  assert.equal((await detail(leader)).delivery.can.assign, true);
  // The issuer's side of the same document shows no recipient actions.
  const mine = (await get(env, issuerClerk, `/api/documents/${doc.id}`)).json();
  assert.equal(mine.document.can.accept, false);
  assert.equal(mine.delivery, null);

  // Assigned work: the assignee may report, others of the unit may not.
  const dept = await buildUnit(env, { kind: 'department', parentId: unit.id });
  const staff = await buildUser(env, { unit: dept, roles: ['officer'] });
  const a = await post(env, leader, `/api/deliveries/${deliveryId}/assign`, { direction: 'Giao phòng xử lý', lead: { userId: staff.user.id } });
  assert.equal(a.statusCode, 201, a.body);
  assert.equal((await inboxCan(leader)).assign, false, 'assigned once');
  const mineWork = (await get(env, staff, '/api/assignments?mine=1')).json().items;
  assert.equal(mineWork.length, 1);
  assert.equal(mineWork[0].can.report, true);
  const unitWork = (await get(env, leader, '/api/assignments')).json().items;
  assert.ok(unitWork.length >= 1);
  assert.equal(unitWork[0].can.report, false);
});
