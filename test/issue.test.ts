import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { buildTestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser } from './helpers/factories.js';
import { makePdf, multipart } from './helpers/pdf.js';

async function storedObjects(env: Awaited<ReturnType<typeof buildTestEnv>>) {
  const out: string[] = [];
  for await (const sha of env.store.list()) out.push(sha);
  return out.sort();
}

test('200 concurrent issue requests in one unit get numbers 01…200 with no gap or duplicate', async (t) => {
  const env = await buildTestEnv(t);
  const clerk = await buildUser(env, { roles: ['clerk'] });
  const recipient = await buildUnit(env);
  const pdf = makePdf('same file for all');
  const docs = [];
  for (let i = 0; i < 200; i++) docs.push((await buildDocument(env, { author: clerk, recipients: [recipient.id], files: [pdf] })).doc);
  const responses = await Promise.all(
    docs.map((d) => env.app.inject({ method: 'POST', url: `/api/documents/${d.id}/issue`, headers: clerk.auth })),
  );
  for (const r of responses) assert.equal(r.statusCode, 200, r.body);
  const numbers = responses.map((r) => r.json().document.number).sort((a, b) => a - b);
  assert.deepEqual(numbers, Array.from({ length: 200 }, (_, i) => i + 1));
  const notations = new Set(responses.map((r) => r.json().document.notation));
  assert.equal(notations.size, 200);
  assert.ok(notations.has('01/UBND') && notations.has('200/UBND'));
  // The same PDF attached to 200 documents is stored once.
  assert.equal((await storedObjects(env)).length, 1);
});

test("two units' series are independent and a new year (Vietnam time) restarts at 01", async (t) => {
  const env = await buildTestEnv(t);
  env.clock.set('2026-12-31T10:00:00Z');
  const a = await buildUser(env, { unit: await buildUnit(env, { shortName: 'UBND' }) });
  const b = await buildUser(env, { unit: await buildUnit(env, { shortName: 'HU', kind: 'party' }) });
  const issue = async (who: typeof a, type = 'QĐ') => {
    const { doc } = await buildDocument(env, { author: who, type });
    const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: who.auth });
    assert.equal(r.statusCode, 200, r.body);
    return r.json().document as { number: number; notation: string };
  };
  env.clock.set('2026-12-31T16:30:00Z'); // 23:30 on 31/12 in Vietnam
  assert.equal((await issue(a)).notation, '01/QĐ-UBND');
  assert.equal((await issue(a)).notation, '02/QĐ-UBND');
  assert.equal((await issue(a, 'CV')).notation, '03/UBND');
  // A Party committee numbers per type through its term: 01-NQ, 01-CV, 02-NQ.
  assert.equal((await issue(b, 'NQ')).notation, '01-NQ/HU');
  assert.equal((await issue(b, 'CV')).notation, '01-CV/HU');
  assert.equal((await issue(b, 'NQ')).notation, '02-NQ/HU');
  env.clock.set('2026-12-31T17:00:00Z'); // 00:00 on 1/1/2027 in Vietnam
  assert.equal((await issue(a)).notation, '01/QĐ-UBND');
  assert.equal((await issue(a)).number, 2);
  // The Party term 2025-2030 goes on across the new year.
  assert.equal((await issue(b, 'NQ')).notation, '03-NQ/HU');
});

test('a công văn names the drafting unit: 123/UBND-VP', async (t) => {
  const env = await buildTestEnv(t);
  const issuer = await buildUnit(env, { shortName: 'UBND' });
  const office = await buildUnit(env, { shortName: 'VP', kind: 'department', parentId: issuer.id });
  const clerk = await buildUser(env, { unit: issuer });
  const { doc } = await buildDocument(env, { author: clerk, type: 'CV', draftingUnitId: office.id });
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: clerk.auth });
  assert.equal(r.json().document.notation, '01/UBND-VP');
});

test('issuing to 130 recipients creates 130 deliveries and stores the file once', async (t) => {
  const env = await buildTestEnv(t);
  const clerk = await buildUser(env);
  const recipients = [];
  for (let i = 0; i < 130; i++) recipients.push((await buildUnit(env)).id);
  const { doc } = await buildDocument(env, { author: clerk, recipients });
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: clerk.auth });
  assert.equal(r.statusCode, 200, r.body);
  const tracking = await env.app.inject({ url: `/api/documents/${doc.id}/tracking`, headers: clerk.auth });
  const ds = tracking.json().deliveries;
  assert.equal(ds.length, 130);
  assert.deepEqual(new Set(ds.map((d: { unit: { id: string } }) => d.unit.id)), new Set(recipients));
  assert.ok(ds.every((d: { status: string }) => d.status === 'delivered'));
  assert.equal((await storedObjects(env)).length, 1);
  const [{ n }] = (await env.db.execute(sql`select count(*)::int as n from events where document_id = ${doc.id} and type = 'delivery.created'`)) as unknown as [{ n: number }];
  assert.equal(n, 130);
});

test('if one recipient no longer exists, issuing changes nothing: no number, no delivery, no orphan file', async (t) => {
  const env = await buildTestEnv(t);
  const clerk = await buildUser(env);
  const recipients = [];
  for (let i = 0; i < 130; i++) recipients.push((await buildUnit(env)).id);
  const { doc } = await buildDocument(env, { author: clerk, recipients });
  // A unit disappears between drafting and issuing (a reorganisation, or a bad id from an import).
  await env.db.execute(sql`update documents set recipients = recipients || ${'00000000-0000-4000-8000-000000000000'}::uuid where id = ${doc.id}`);
  const eventsBefore = await env.db.execute(sql`select count(*)::int as n from events`);
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: clerk.auth });
  assert.equal(r.statusCode, 400);
  assert.equal(r.json().error.code, 'bad_request');
  assert.match(r.json().error.message, /00000000-0000-4000-8000-000000000000/);
  const [state] = (await env.db.execute(sql`
    select (select count(*)::int from deliveries) as deliveries,
           (select count(*)::int from number_series) as series,
           (select status from documents where id = ${doc.id}) as status,
           (select number from documents where id = ${doc.id}) as number`)) as unknown as [Record<string, unknown>];
  assert.deepEqual(state, { deliveries: 0, series: 0, status: 'draft', number: null });
  assert.deepEqual(await env.db.execute(sql`select count(*)::int as n from events`), eventsBefore);
  // Every stored object is referenced, and the draft's file is still there.
  const [{ shas }] = (await env.db.execute(sql`select coalesce(array_agg(sha256 order by sha256), '{}') as shas from blobs`)) as unknown as [{ shas: string[] }];
  assert.deepEqual(await storedObjects(env), shas);
  assert.equal(shas.length, 1);
  // Fixing the recipients, the next issue takes number 01: nothing was consumed.
  await env.db.execute(sql`update documents set recipients = ${`{${recipients.join(',')}}`}::uuid[] where id = ${doc.id}`);
  const ok = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: clerk.auth });
  assert.equal(ok.json().document.number, 1);
});

test('a multi-file upload with one bad part stores nothing at all', async (t) => {
  const env = await buildTestEnv(t);
  const clerk = await buildUser(env);
  const { doc } = await buildDocument(env, { author: clerk, files: [] });
  const body = multipart([
    { name: 'file', filename: 'a.pdf', data: makePdf('first good file') },
    { name: 'file', filename: 'b.pdf', data: 'this is not a pdf at all' },
  ]);
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/files`, headers: { ...clerk.auth, ...body.headers }, payload: body.payload });
  assert.equal(r.statusCode, 415);
  assert.equal(r.json().error.code, 'unsupported_media_type');
  assert.deepEqual(await storedObjects(env), []);
  // Nor is anything left half-written in the staging area.
  assert.deepEqual(await fs.readdir(path.join(env.dataDir, 'objects', '.staging')).catch(() => []), []);
  const [{ n }] = (await env.db.execute(sql`select count(*)::int as n from document_files`)) as unknown as [{ n: number }];
  assert.equal(n, 0);
});

test('issuing twice is a 409 and the number is not taken again', async (t) => {
  const env = await buildTestEnv(t);
  const clerk = await buildUser(env);
  const { doc } = await buildDocument(env, { author: clerk });
  const first = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: clerk.auth });
  assert.equal(first.statusCode, 200);
  const again = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: clerk.auth });
  assert.equal(again.statusCode, 409);
  assert.equal(again.json().error.code, 'conflict');
  const [{ last }] = (await env.db.execute(sql`select last_number as last from number_series`)) as unknown as [{ last: number }];
  assert.equal(last, 1);
});

test('a secret document can be drafted but never dispatched electronically (409)', async (t) => {
  const env = await buildTestEnv(t);
  const clerk = await buildUser(env);
  const { doc } = await buildDocument(env, { author: clerk, secrecy: 'secret', files: [] });
  const up = multipart([{ name: 'file', filename: 'mat.pdf', data: makePdf('mật') }]);
  const u = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/files`, headers: { ...clerk.auth, ...up.headers }, payload: up.payload });
  assert.equal(u.statusCode, 409);
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: clerk.auth });
  assert.equal(r.statusCode, 409);
  assert.match(r.json().error.message, /mật/);
  const [{ n }] = (await env.db.execute(sql`select count(*)::int as n from deliveries`)) as unknown as [{ n: number }];
  assert.equal(n, 0);
});
