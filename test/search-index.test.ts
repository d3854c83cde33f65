import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { catchUpIndex, rebuildIndex, refreshDocuments } from '../src/modules/search/indexer.js';
import { buildTestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser } from './helpers/factories.js';

type Row = { readers: string[]; status: string; meta: string; textState: string | null };

async function row(env: Awaited<ReturnType<typeof buildTestEnv>>, id: string): Promise<Row | undefined> {
  const [r] = await env.db.execute<Row>(sql`
    select readers, status, meta_tsv::text as meta, text_state as "textState" from search_documents where document_id = ${id}`);
  return r;
}

test('indexer: issued documents are indexed from events (readers, folded vectors, files queued); drafts are not; a recall takes the recipients out', async (t) => {
  const env = await buildTestEnv(t);
  const issuer = await buildUser(env, { roles: ['clerk'] });
  const a = await buildUnit(env);
  const b = await buildUnit(env);
  const { doc } = await buildDocument(env, { author: issuer, recipients: [a.id, b.id], subject: 'Về việc Hỏa tốc phòng chống bão' });
  const { doc: draft } = await buildDocument(env, { author: issuer, recipients: [a.id] });
  await catchUpIndex(env.db);
  assert.equal(await row(env, draft.id), undefined);
  assert.equal(await row(env, doc.id), undefined);
  const issued = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: issuer.auth });
  assert.equal(issued.statusCode, 200, issued.body);
  await catchUpIndex(env.db);
  const r = (await row(env, doc.id))!;
  assert.ok(r, 'indexed');
  assert.deepEqual(new Set(r.readers), new Set([issuer.unit.id, issuer.user.id, a.id, b.id]));
  assert.match(r.meta, /'hoa':\d+A/);
  assert.match(r.meta, /'ubnd':\d+[BC]/);
  assert.equal(r.textState, 'pending');
  const [queued] = await env.db.execute<{ n: number }>(sql`select count(*)::int as n from file_texts`);
  assert.equal(queued!.n, 1);
  const [state] = await env.db.execute<{ last: string; head: string }>(
    sql`select last_event_id as last, (select max(id) from events) as head from search_state`,
  );
  assert.equal(state!.last, state!.head);

  const recalled = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/recall`, headers: issuer.auth, payload: { reason: 'Sai sót' } });
  assert.equal(recalled.statusCode, 200, recalled.body);
  await catchUpIndex(env.db);
  assert.equal((await row(env, doc.id))!.status, 'recalled');
  // A recipient keeps its copy until its clerk agrees (15); then it leaves the readers.
  const clerkA = await buildUser(env, { unit: a, roles: ['clerk'] });
  const [itemA] = (await env.app.inject({ url: '/api/inbox', headers: clerkA.auth })).json().items;
  const agreed = await env.app.inject({ method: 'POST', url: `/api/deliveries/${itemA.deliveryId}/recall/agree`, headers: clerkA.auth });
  assert.equal(agreed.statusCode, 200, agreed.body);
  await catchUpIndex(env.db);
  const after = (await row(env, doc.id))!;
  assert.deepEqual(new Set(after.readers), new Set([issuer.unit.id, issuer.user.id, b.id]));

  // A rebuild gives the same rows; refreshing a draft's id writes nothing.
  await env.db.execute(sql`delete from search_documents`);
  const progress: number[] = [];
  assert.deepEqual(await rebuildIndex(env.db, (done) => progress.push(done)), { documents: 1 });
  assert.deepEqual(progress, [1]);
  assert.deepEqual((await row(env, doc.id))!.readers.sort(), after.readers.sort());
  await refreshDocuments(env.db, [draft.id]);
  assert.equal(await row(env, draft.id), undefined);
});
