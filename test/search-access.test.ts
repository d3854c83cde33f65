import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadReadableDocument } from '../src/workflows/access.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, type TestUser } from './helpers/factories.js';
import { ids, issue, search } from './helpers/search.js';

async function acceptedItem(env: TestEnv, clerk: TestUser, docId: string): Promise<string> {
  const item = (await env.app.inject({ url: '/api/inbox', headers: clerk.auth })).json().items.find((i: { document: { id: string } }) => i.document.id === docId);
  assert.ok(item, 'in the inbox');
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${item.deliveryId}/accept`, headers: clerk.auth })).statusCode, 200);
  return item.deliveryId;
}

test('search never returns a document the caller may not read: every role × every document agrees with loadReadableDocument; a recalled copy leaves', async (t) => {
  const env = await buildTestEnv(t);
  env.clock.set('2026-11-23T03:00:00Z');
  const province = await buildUnit(env, { name: 'Ủy ban nhân dân tỉnh', shortName: 'UBND' });
  const issuerUnit = await buildUnit(env, { name: 'Sở Nội vụ', shortName: 'SNV', parentId: province.id });
  const recipientUnit = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Sơn Hà', shortName: 'UBND', parentId: province.id });
  const dept = await buildUnit(env, { name: 'Phòng Tài chính', shortName: 'TC', kind: 'department', parentId: recipientUnit.id });
  const neighbour = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Đông Hà', shortName: 'UBND', parentId: province.id });
  const foreignUnit = await buildUnit(env, { name: 'Sở Y tế tỉnh khác', shortName: 'SYT' });
  const who = {
    admin: await buildUser(env, { roles: ['admin'] }),
    issuerClerk: await buildUser(env, { unit: issuerUnit, roles: ['clerk'] }),
    issuerLeader: await buildUser(env, { unit: issuerUnit, roles: ['leader'] }),
    issuerOfficer: await buildUser(env, { unit: issuerUnit, roles: ['officer'] }),
    recipientClerk: await buildUser(env, { unit: recipientUnit, roles: ['clerk'] }),
    recipientLeader: await buildUser(env, { unit: recipientUnit, roles: ['leader'] }),
    recipientOfficer: await buildUser(env, { unit: recipientUnit, roles: ['officer'] }),
    deptHead: await buildUser(env, { unit: dept, roles: ['leader'] }),
    assignee: await buildUser(env, { unit: dept, roles: ['officer'], fullName: 'Chuyên viên được giao' }),
    deptOfficer: await buildUser(env, { unit: dept, roles: ['officer'] }),
    cooperating: await buildUser(env, { unit: neighbour, roles: ['officer'] }),
    foreignClerk: await buildUser(env, { unit: foreignUnit, roles: ['clerk', 'leader', 'officer'] }),
  };
  const subject = (s: string) => `Ma trận tìm kiếm ${s}`;
  // 1. Issued to the recipient, handled: a person of its department named personally, the neighbour cooperating.
  const { doc: handled } = await buildDocument(env, { author: who.issuerOfficer, recipients: [recipientUnit.id], subject: subject('giao xử lý') });
  await issue(env, who.issuerClerk, handled.id);
  const deliveryId = await acceptedItem(env, who.recipientClerk, handled.id);
  const assigned = await env.app.inject({
    method: 'POST', url: `/api/deliveries/${deliveryId}/assign`, headers: who.recipientLeader.auth,
    payload: { direction: 'Giao chuyên viên', lead: { userId: who.assignee.user.id }, cooperating: [{ unitId: neighbour.id }] },
  });
  assert.equal(assigned.statusCode, 201, assigned.body);
  // 2. Issued to the recipient and recalled; the recipient agrees: its copy is withdrawn.
  const { doc: recalled } = await buildDocument(env, { author: who.issuerClerk, recipients: [recipientUnit.id, neighbour.id], subject: subject('thu hồi') });
  await issue(env, who.issuerClerk, recalled.id);
  // 3. A draft; 4. sent the other way; 5. sent to the foreign unit only.
  const { doc: draft } = await buildDocument(env, { author: who.issuerOfficer, recipients: [recipientUnit.id], subject: subject('dự thảo') });
  const { doc: reverse } = await buildDocument(env, { author: who.recipientClerk, recipients: [issuerUnit.id], subject: subject('chiều ngược') });
  await issue(env, who.recipientClerk, reverse.id);
  const { doc: foreign } = await buildDocument(env, { author: who.issuerClerk, recipients: [foreignUnit.id], subject: subject('nơi khác') });
  await issue(env, who.issuerClerk, foreign.id);
  const docs = { handled, recalled, draft, reverse, foreign };

  async function compare(stage: string) {
    for (const [name, user] of Object.entries(who)) {
      const found = new Set(ids(await search(env, user, { q: 'ma tran tim kiem', limit: 50 })));
      for (const [docName, doc] of Object.entries(docs)) {
        // Drafts are not searched (trình ký has its own lists); every other document exactly when readable.
        const readable = doc !== draft && (await loadReadableDocument(env.db, user.actor, doc.id).then(() => true, () => false));
        assert.equal(found.has(doc.id), readable, `${stage}: ${name} × ${docName}: found ${found.has(doc.id)}, readable ${readable}`);
      }
    }
  }
  await compare('before the recall');
  // Sanity: the matrix is not trivially empty or full.
  const count = async (u: TestUser) => (await search(env, u, { q: 'ma tran tim kiem' })).items.length;
  assert.equal(await count(who.admin), 0);
  assert.equal(await count(who.foreignClerk), 1);
  assert.equal(await count(who.issuerOfficer), 4);
  assert.equal(await count(who.assignee), 1);
  assert.equal(await count(who.cooperating), 2);
  assert.equal(await count(who.deptOfficer), 0);

  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${recalled.id}/recall`, headers: who.issuerClerk.auth, payload: { reason: 'Sai sót' } });
  assert.equal(r.statusCode, 200, r.body);
  const copy = (await env.app.inject({ url: '/api/inbox', headers: who.recipientClerk.auth })).json().items.find((i: { document: { id: string } }) => i.document.id === recalled.id);
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/deliveries/${copy.deliveryId}/recall/agree`, headers: who.recipientClerk.auth })).statusCode, 200);
  await compare('after the recall');
  assert.ok(!ids(await search(env, who.recipientOfficer, { q: 'thu hoi' })).includes(recalled.id), 'the recipient that agreed no longer finds it');
  assert.ok(ids(await search(env, who.cooperating, { q: 'thu hoi' })).includes(recalled.id), 'a recipient that did not answer yet still does');
  assert.deepEqual(ids(await search(env, who.issuerLeader, { q: 'thu hoi', status: 'recalled' })), [recalled.id]);
});
