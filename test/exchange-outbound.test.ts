import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { syncDirectoryUnits } from '../src/modules/orgs/units.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser } from './helpers/factories.js';

const directory = (systemId: string, systemName: string, units: Array<[string, string, string | null]>) =>
  units.map(([organId, name, parentOrganId]) => ({ organId, name, parentOrganId, systemId, systemName }));

async function outbox(env: TestEnv, documentId: string) {
  return (await env.db.execute(sql`select kind, to_organ_ids, business_doc_type, status_code, transport, data from exchange_outbox
    where document_id = ${documentId} order by created_at, kind`)) as unknown as Array<{ kind: string; to_organ_ids: string[]; business_doc_type: number; status_code: string | null; transport: string; data: Record<string, unknown> }>;
}

test('units of other systems come from the directory: stable ids across refreshes, listed only with external=1, never taking over a local code', async (t) => {
  const env = await buildTestEnv(t);
  const clerk = await buildUser(env);
  const local = await buildUnit(env, { code: '000.00.09.H41' });
  const first = await syncDirectoryUnits(env.db, directory('he-thong-b', 'iOffice huyện B', [
    ['000.00.20.H41', 'UBND huyện B', null], ['000.01.20.H41', 'UBND xã B1', '000.00.20.H41'], ['000.00.09.H41', 'Trùng mã', null],
  ]), env.clock());
  assert.deepEqual([first.added, first.removed, first.skipped], [2, 0, ['000.00.09.H41']]);
  const all = (await env.app.inject({ url: '/api/units?external=1', headers: clerk.auth })).json().units;
  const b1 = all.find((u: { code: string }) => u.code === '000.01.20.H41');
  const parent = all.find((u: { code: string }) => u.code === '000.00.20.H41');
  assert.deepEqual([b1.external, b1.systemId, b1.systemName, b1.parentId], [true, 'he-thong-b', 'iOffice huyện B', parent.id]);
  assert.equal(all.find((u: { code: string }) => u.code === local.code).external, false);
  const mine = (await env.app.inject({ url: '/api/units', headers: clerk.auth })).json().units;
  assert.ok(!mine.some((u: { external: boolean }) => u.external), 'remote units only when asked for');

  // A refresh keeps the id; a unit that left the directory is no longer offered.
  const again = await syncDirectoryUnits(env.db, directory('he-thong-b', 'iOffice huyện B', [['000.01.20.H41', 'UBND xã B1 (mới)', null]]), env.clock());
  assert.deepEqual([again.updated, again.removed], [1, 1]);
  const after = (await env.app.inject({ url: '/api/units?external=1', headers: clerk.auth })).json().units;
  const b1Again = after.find((u: { code: string }) => u.code === '000.01.20.H41');
  assert.equal(b1Again.id, b1.id);
  assert.equal(b1Again.name, 'UBND xã B1 (mới)');
  assert.ok(!after.some((u: { code: string }) => u.code === '000.00.20.H41'));
});

test('issuing to a unit of another system: a delivery and one document package queued in the same transaction, transport shown in tracking; a recall asks them with BussinessDocType 1', async (t) => {
  const env = await buildTestEnv(t);
  const clerk = await buildUser(env);
  const localCommune = await buildUnit(env);
  await syncDirectoryUnits(env.db, directory('he-thong-b', 'iOffice huyện B', [['000.01.20.H41', 'UBND xã B1', null], ['000.02.20.H41', 'UBND xã B2', null]]), env.clock());
  const remote = (await env.app.inject({ url: '/api/units?external=1', headers: clerk.auth })).json().units.filter((u: { external: boolean }) => u.external);
  const { doc } = await buildDocument(env, { author: clerk, recipients: [localCommune.id, ...remote.map((u: { id: string }) => u.id)], urgency: 'flash' });
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: clerk.auth });
  assert.equal(r.statusCode, 200, r.body);

  const rows = await outbox(env, doc.id);
  assert.equal(rows.length, 1);
  assert.deepEqual([rows[0]!.kind, rows[0]!.to_organ_ids, rows[0]!.business_doc_type, rows[0]!.transport], ['edoc', ['000.01.20.H41', '000.02.20.H41'], 0, 'queued']);
  // The local commune rings; the remote ones ring on their own system.
  const [{ alarms }] = (await env.db.execute(sql`select count(*)::int as alarms from urgent_alarms a join deliveries d on d.id = a.delivery_id where d.document_id = ${doc.id}`)) as unknown as [{ alarms: number }];
  assert.equal(alarms, 1);
  const tracking = (await env.app.inject({ url: `/api/documents/${doc.id}/tracking`, headers: clerk.auth })).json().deliveries;
  assert.equal(tracking.length, 3);
  const b1 = tracking.find((d: { unit: { code: string } }) => d.unit.code === '000.01.20.H41');
  assert.deepEqual([b1.status, b1.transport, b1.unit.external, b1.unit.systemName], ['delivered', 'queued', true, 'iOffice huyện B']);
  assert.equal(tracking.find((d: { unit: { id: string } }) => d.unit.id === localCommune.id).transport, undefined);

  const recall = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/recall`, headers: clerk.auth, payload: { reason: 'Sai nơi nhận' } });
  assert.equal(recall.statusCode, 200, recall.body);
  // The remote recipients are asked with the document package again, BussinessDocType 1 and the reason.
  const after = await outbox(env, doc.id);
  assert.equal(after.length, 2);
  assert.deepEqual([after[1]!.kind, after[1]!.business_doc_type, after[1]!.to_organ_ids, after[1]!.data.reason], ['edoc', 1, ['000.01.20.H41', '000.02.20.H41'], 'Sai nơi nhận']);
});

test('a secret document never produces a package (409 at issue, nothing queued)', async (t) => {
  const env = await buildTestEnv(t);
  const clerk = await buildUser(env);
  await syncDirectoryUnits(env.db, directory('he-thong-b', 'iOffice huyện B', [['000.01.20.H41', 'UBND xã B1', null]]), env.clock());
  const remote = (await env.app.inject({ url: '/api/units?external=1', headers: clerk.auth })).json().units.find((u: { external: boolean }) => u.external);
  const { doc } = await buildDocument(env, { author: clerk, recipients: [remote.id], secrecy: 'secret', files: [] });
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: clerk.auth });
  assert.equal(r.statusCode, 409);
  assert.equal((await outbox(env, doc.id)).length, 0);
});
