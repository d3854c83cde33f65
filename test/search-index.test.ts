import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { advanceAges, ageBoundaries, catchUpIndex, rebuildIndex, RECENT_DAYS, refreshDocuments, YEAR_DAYS } from '../src/modules/search/indexer.js';
import { buildTestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser, refreshToken } from './helpers/factories.js';
import { ids, issue, search } from './helpers/search.js';

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

test('ages of the index: the newest months, the rest of the year, older — kept by boundaries that move on; results newest first across them, in pages', async (t) => {
  const env = await buildTestEnv(t);
  const b = await buildUnit(env);
  let clerk = await buildUser(env, { roles: ['clerk'] });
  const day = 86_400_000;
  // Days before now, on both sides of each boundary (RECENT_DAYS, YEAR_DAYS back), over two years.
  const ago = [800, 400, 366, 364, 200, 100, 93, 91, 60, 10, 1];
  const made: string[] = [];
  for (const [i, d] of ago.entries()) {
    env.clock.set(new Date(Date.now() - d * day).toISOString());
    clerk = await refreshToken(env, clerk);
    const { doc } = await buildDocument(env, { author: clerk, recipients: [b.id], subject: `Kế hoạch phân kỳ số ${i + 1} về chuyển đổi số` });
    await issue(env, clerk, doc.id);
    made.push(doc.id);
  }
  env.clock.set(new Date().toISOString());
  clerk = await refreshToken(env, clerk);
  const newestFirst = [...made].reverse();
  const q = 'ke hoach phan ky';
  // Each row's age, and the age its date gives by the stored boundaries.
  const ages = async () => (await env.db.execute<{ age: number; due: number; from: string | null }>(sql`
    select s.age, case when s.sort_at >= st.recent_from then 0 when s.sort_at >= st.year_from then 1 else 2 end as due,
      st.recent_from as from
    from search_documents s, search_state st where st.id = 1 and s.document_id = any(${`{${made.join(',')}}`}::uuid[])`));
  const count = (rows: Array<{ age: number }>, age: number) => rows.filter((r) => r.age === age).length;
  const pages = async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page = await search(env, clerk, { q, limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...ids(page));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    return seen;
  };
  await catchUpIndex(env.db);
  // The boundaries as of now (the indexer moves them daily; here by hand).
  await advanceAges(env.db, new Date());
  let rows = await ages();
  assert.equal(new Date(rows[0]!.from!).toISOString(), ageBoundaries(new Date()).recentFrom);
  assert.equal(count(rows, 0), ago.filter((d) => d < RECENT_DAYS).length);
  assert.equal(count(rows, 1), ago.filter((d) => d >= RECENT_DAYS && d < YEAR_DAYS).length);
  assert.ok(rows.every((r) => r.age === r.due));
  assert.deepEqual(ids(await search(env, clerk, { q })), newestFirst);
  assert.deepEqual(await pages(), newestFirst);
  // A document issued now is written with age 0.
  const { doc: fresh } = await buildDocument(env, { author: clerk, recipients: [b.id], subject: 'Kế hoạch phân kỳ bổ sung' });
  await issue(env, clerk, fresh.id);
  made.push(fresh.id);
  newestFirst.unshift(fresh.id);
  assert.deepEqual(ids(await search(env, clerk, { q })), newestFirst);
  rows = await ages();
  assert.ok(rows.every((r) => r.age === r.due));
  assert.equal(count(rows, 0), ago.filter((d) => d < RECENT_DAYS).length + 1);
  // Sixty days on: the boundaries move, rows change age; nothing is lost or reordered.
  const later = new Date(Date.now() + 60 * day);
  assert.equal(await advanceAges(env.db, later), true);
  assert.equal(await advanceAges(env.db, later), false, 'once a day');
  rows = await ages();
  assert.ok(rows.every((r) => r.age === r.due));
  assert.equal(count(rows, 0), ago.filter((d) => d < RECENT_DAYS - 60).length + 1);
  assert.equal(count(rows, 2), ago.filter((d) => d >= YEAR_DAYS - 60).length);
  assert.deepEqual(await pages(), newestFirst);
});
