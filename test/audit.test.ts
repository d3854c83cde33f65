import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { checkTimestampToken, checkpointStatement, createCheckpoint, verifyAudit } from '../src/modules/audit/checkpoints.js';
import { createCa, issueCertificate } from '../src/modules/signing/crypto/dev-ca.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser } from './helpers/factories.js';
import { runCli } from './helpers/cli.js';
import { runAuditCheckpoint } from '../src/jobs/audit.js';
import { startTestTsa } from './helpers/tsa.js';

/** Events made the way the app makes them: documents issued (one INSERT of several rows each), some at once. */
async function someEvents(env: TestEnv, docs = 3) {
  const clerk = await buildUser(env);
  const recipients = [(await buildUnit(env)).id, (await buildUnit(env)).id, (await buildUnit(env)).id];
  const ids: string[] = [];
  for (let i = 0; i < docs; i++) ids.push((await buildDocument(env, { author: clerk, recipients })).doc.id);
  const results = await Promise.all(ids.map((id) => env.app.inject({ method: 'POST', url: `/api/documents/${id}/issue`, headers: clerk.auth })));
  for (const r of results) assert.equal(r.statusCode, 200, r.body);
  return { clerk };
}

const cli = (env: TestEnv, args: string[], extra: Record<string, string> = {}) =>
  runCli(args, { DATABASE_URL: env.dbUrl, DATA_DIR: env.dataDir, ...extra });

async function eventIds(env: TestEnv): Promise<number[]> {
  const rows = await env.db.execute<{ id: string }>(sql`select id::text as id from events order by events.id`);
  return rows.map((r) => Number(r.id));
}

test('a fresh chain verifies: every row linked in id order, also rows of one INSERT and of concurrent issues', async (t) => {
  const env = await buildTestEnv(t);
  await someEvents(env, 4);
  const ids = await eventIds(env);
  assert.ok(ids.length >= 8, `events: ${ids.length}`);
  const links = await env.db.execute<{ n: string }>(sql`
    select count(*)::text as n from events e join events p on p.id = (select max(id) from events where id < e.id)
    where e.prev_hash = p.hash`);
  assert.equal(Number(links[0]!.n), ids.length - 1);
  const r = await cli(env, ['audit', 'verify']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`intact\\): ${ids.length} sự kiện`));
});

test('audit verify: a row whose data was edited with SQL is reported at its id (exit 1); put back, the chain verifies again', async (t) => {
  const env = await buildTestEnv(t);
  await someEvents(env);
  const ids = await eventIds(env);
  const victim = ids[Math.floor(ids.length / 2)]!;
  const [before] = await env.db.execute<{ data: string }>(sql`select data::text as data from events where id = ${victim}`);
  await env.db.execute(sql`update events set data = data || '{"note":"sửa lén"}'::jsonb where id = ${victim}`);
  const r = await cli(env, ['audit', 'verify']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`event ${victim} was changed`));
  assert.match(r.stderr, new RegExp(`sự kiện ${victim}`));

  await env.db.execute(sql`update events set data = ${before!.data}::jsonb where id = ${victim}`);
  assert.equal((await cli(env, ['audit', 'verify'])).code, 0);

  // Another column: the type of an event.
  await env.db.execute(sql`update events set type = 'document.read' where id = ${ids[1]!}`);
  const r2 = await cli(env, ['audit', 'verify']);
  assert.equal(r2.code, 1);
  assert.match(r2.stderr, new RegExp(`event ${ids[1]} was changed`));
});

test('audit verify: a deleted row is reported (gap in the links), also the first row', async (t) => {
  const env = await buildTestEnv(t);
  await someEvents(env);
  const ids = await eventIds(env);
  const victim = ids[3]!;
  await env.db.execute(sql`delete from events where id = ${victim}`);
  const r = await cli(env, ['audit', 'verify']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`chain broken at event ${ids[4]}: event\\(s\\) between ${ids[2]} and ${ids[4]} were deleted`));
  assert.match(r.stderr, new RegExp(`TAMPERED at event ${ids[4]}`));

  const env2 = await buildTestEnv(t);
  await someEvents(env2, 1);
  const ids2 = await eventIds(env2);
  await env2.db.execute(sql`delete from events where id = ${ids2[0]!}`);
  const r2 = await cli(env2, ['audit', 'verify']);
  assert.equal(r2.code, 1);
  assert.match(r2.stderr, new RegExp(`chain broken at event ${ids2[1]}: the event\\(s\\) before it were deleted`));
});

test('audit verify: rows inserted out of order are reported — in an id gap through the trigger, with a forged link, or copied with their hash', async (t) => {
  const env = await buildTestEnv(t);
  await someEvents(env, 1);
  // A gap in the ids, as a rolled-back transaction leaves one.
  await env.db.execute(sql`select nextval('events_id_seq')`);
  const gap = Number((await env.db.execute<{ v: string }>(sql`select last_value::text as v from events_id_seq`))[0]!.v);
  await someEvents(env, 1);
  const ids = await eventIds(env);
  assert.ok(ids.includes(gap - 1) && ids.includes(gap + 1) && !ids.includes(gap));

  // 1. Inserted with SQL: the trigger links it to the newest row, not to the one before it.
  await env.db.execute(sql`insert into events (id, at, type, unit_ids, data) values (${gap}, now(), 'document.issued', '{}', '{"forged":true}')`);
  let r = await cli(env, ['audit', 'verify']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`event ${gap} was inserted out of order: event ${gap + 1} after it links to event ${gap - 1}`));

  // 2. The same row with its link and hash forged to fit after gap-1: the row after it still links past it.
  await env.db.execute(sql`alter table events disable trigger events_audit_chain`);
  await env.db.execute(sql`update events e set prev_hash = p.hash from events p where e.id = ${gap} and p.id = ${gap - 1}`);
  await env.db.execute(sql`update events e set hash = audit_event_hash(e) where e.id = ${gap}`);
  await env.db.execute(sql`alter table events enable trigger events_audit_chain`);
  r = await cli(env, ['audit', 'verify']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`event ${gap} was inserted out of order: event ${gap + 1} links to event ${gap - 1} before it`));

  // 3. A copy of an existing row, hash and link included.
  await env.db.execute(sql`delete from events where id = ${gap}`);
  assert.equal((await cli(env, ['audit', 'verify'])).code, 0);
  await env.db.execute(sql`alter table events disable trigger events_audit_chain`);
  await env.db.execute(sql`
    insert into events (id, at, type, actor_user_id, actor_unit_id, document_id, delivery_id, unit_ids, user_ids, data, prev_hash, hash)
    select ${gap}, at, type, actor_user_id, actor_unit_id, document_id, delivery_id, unit_ids, user_ids, data, prev_hash, hash from events where id = ${gap - 1}`);
  await env.db.execute(sql`alter table events enable trigger events_audit_chain`);
  r = await cli(env, ['audit', 'verify']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`event ${gap} was inserted out of order`));
});

test('checkpoints: the head is signed (Ed25519), a rewritten chain that re-hashes every row is caught by it, and a tampered checkpoint is detected', async (t) => {
  const env = await buildTestEnv(t);
  await someEvents(env);
  const c = await cli(env, ['audit', 'checkpoint']);
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stdout, /checkpoint signed/);
  assert.match(c.stdout, /no timestamp/);
  const ids = await eventIds(env);
  const [cp] = await env.db.execute<{ id: string; event_id: string; algorithm: string }>(sql`select id::text, event_id::text, algorithm from audit_checkpoints`);
  assert.equal(Number(cp!.event_id), ids.at(-1));
  assert.equal(cp!.algorithm, 'Ed25519');
  let v = await cli(env, ['audit', 'verify']);
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /checkpoints\): 1/);

  // More events, then a rewrite of history that recomputes every hash after the edited row: the
  // links all hold, only the checkpoint (and the key it needs) shows it.
  await someEvents(env, 1);
  const victim = ids[2]!;
  await env.db.execute(sql`alter table events disable trigger events_audit_chain`);
  await env.db.execute(sql`update events set data = data || '{"rewritten":1}'::jsonb where id = ${victim}`);
  await env.db.execute(sql`
    do $$ declare r events; prev text; begin
      for r in select * from events where id >= ${sql.raw(String(victim))} order by id loop
        select hash into prev from events where id < r.id order by id desc limit 1;
        r.prev_hash := coalesce(prev, repeat('0', 64));
        update events set prev_hash = r.prev_hash, hash = audit_event_hash(r) where id = r.id;
      end loop; end $$`);
  await env.db.execute(sql`alter table events enable trigger events_audit_chain`);
  v = await cli(env, ['audit', 'verify']);
  assert.equal(v.code, 1, v.stdout + v.stderr);
  assert.match(v.stderr, new RegExp(`checkpoint ${cp!.id} \\(event ${cp!.event_id}\\): the event's hash does not match the checkpoint`));
  // Nor will the server sign such a chain.
  const refused = await cli(env, ['audit', 'checkpoint']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /refused: audit trail tampered/);

  // A checkpoint edited to fit (its hash replaced by the rewritten one): the signature no longer holds.
  await env.db.execute(sql`update audit_checkpoints c set hash = e.hash from events e where e.id = c.event_id`);
  v = await cli(env, ['audit', 'verify']);
  assert.equal(v.code, 1);
  assert.match(v.stderr, /the signature is invalid \(the checkpoint was altered\)/);

  // Re-signed with another key (KEY_SECRET of an attacker): not this server's key.
  const other = await buildTestEnv(t);
  await someEvents(other, 1);
  assert.equal((await cli(other, ['audit', 'checkpoint'], { KEY_SECRET: 'a'.repeat(40) })).code, 0);
  assert.equal((await cli(other, ['audit', 'verify'], { KEY_SECRET: 'a'.repeat(40) })).code, 0);
  const forged = await cli(other, ['audit', 'verify'], { KEY_SECRET: 'b'.repeat(40) });
  assert.equal(forged.code, 1);
  assert.match(forged.stderr, /signed with a key that is not this server's audit key/);
});

test('checkpoints with TSA_URL carry an RFC 3161 token over the statement that verifies; a changed token does not', async (t) => {
  const tsaCa = createCa({ commonName: 'Test TSA Root' });
  const tsaCert = issueCertificate(tsaCa, { commonName: 'Test TSA', extendedKeyUsage: ['1.3.6.1.5.5.7.3.8'] });
  const tsa = await startTestTsa({ certificate: tsaCert.certificate, privateKeyPem: tsaCert.privateKeyPem });
  t.after(() => tsa.close());
  const env = await buildTestEnv(t);
  await someEvents(env, 1);
  const c = await cli(env, ['audit', 'checkpoint'], { TSA_URL: tsa.url });
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stdout, /timestamped/);
  assert.equal(tsa.requests, 1);

  const [row] = await env.db.execute<{ event_id: string; hash: string; ms: number; timestamp_token: string }>(
    sql`select event_id::text, hash, (extract(epoch from signed_at) * 1000)::float8 as ms, timestamp_token from audit_checkpoints`);
  const signedAt = new Date(Number(row!.ms));
  const token = Buffer.from(row!.timestamp_token, 'base64');
  const statement = checkpointStatement({ eventId: row!.event_id, hash: row!.hash, signedAt });
  const check = await checkTimestampToken(token, statement);
  assert.equal(check.ok, true, check.problem ?? '');
  assert.match(check.tsaName ?? '', /Test TSA/);
  assert.ok(Math.abs(check.genTime!.getTime() - signedAt.getTime()) < 5000);
  assert.equal((await checkTimestampToken(token, Buffer.from('another statement'))).ok, false);

  const v = await cli(env, ['audit', 'verify']);
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /timestamped\): 1/);

  // One byte of the TSA's signature changed.
  const bad = Buffer.from(token);
  bad[bad.length - 5] = bad[bad.length - 5]! ^ 0xff;
  await env.db.execute(sql`update audit_checkpoints set timestamp_token = ${bad.toString('base64')}`);
  const v2 = await cli(env, ['audit', 'verify']);
  assert.equal(v2.code, 1);
  assert.match(v2.stderr, /timestamp token is invalid/);
});

test('createCheckpoint and verifyAudit in process: the daily job\'s path (no events: nothing to sign)', async (t) => {
  const env = await buildTestEnv(t);
  await env.db.execute(sql`delete from events`);
  assert.equal(await createCheckpoint(env.deps), null);
  await someEvents(env, 1);
  const cp = await createCheckpoint(env.deps);
  assert.ok(cp);
  const report = await verifyAudit(env.deps);
  assert.equal(report.problem, null);
  assert.equal(report.checkpoints, 1);
  assert.equal(report.head?.id, String(cp.eventId));
});

test('the daily job signs the head once a day when events came since, and logs (without signing) a tampered chain', async (t) => {
  const env = await buildTestEnv(t);
  await someEvents(env, 1);
  assert.equal(await runAuditCheckpoint(env.deps), true);
  assert.equal(await runAuditCheckpoint(env.deps), false, 'not again the same day');
  assert.equal(await runAuditCheckpoint(env.deps, 0), false, 'no events since: nothing new to sign');
  env.clock.advance(25 * 3600_000);
  await someEvents(env, 1);
  assert.equal(await runAuditCheckpoint(env.deps), true);
  const ids = await eventIds(env);
  await env.db.execute(sql`update events set data = '{}' where id = ${ids.at(-1)!}`);
  await someEvents(env, 1);
  env.clock.advance(25 * 3600_000);
  assert.equal(await runAuditCheckpoint(env.deps), false);
  assert.ok(env.logs.some((l) => l.includes('AUDIT TRAIL TAMPERED') && l.includes(`"eventId":"${ids.at(-1)}"`)));
  const [{ n }] = (await env.db.execute<{ n: string }>(sql`select count(*)::text as n from audit_checkpoints`)) as unknown as [{ n: string }];
  assert.equal(n, '2');
});

test('migration 0009 chains the rows that existed before it, in id order', async (t) => {
  const env = await buildTestEnv(t);
  await someEvents(env, 2);
  // As before the migration: rows without hashes.
  await env.db.execute(sql`alter table events disable trigger events_audit_chain`);
  await env.db.execute(sql`update events set prev_hash = null, hash = null`);
  await env.db.execute(sql`alter table events enable trigger events_audit_chain`);
  assert.equal((await cli(env, ['audit', 'verify'])).code, 1);
  const migration = await fs.readFile(new URL('../drizzle/0009_audit_chain.sql', import.meta.url), 'utf8');
  const statements = migration.split('--> statement-breakpoint').map((x) => x.replace(/^--.*$/gm, '').trim());
  const backfill = statements.filter((x) => x.startsWith('LOCK TABLE') || x.startsWith('DO $$'));
  assert.equal(backfill.length, 2);
  await env.db.transaction(async (tx) => {
    for (const s of backfill) await tx.execute(sql.raw(s));
  });
  const r = await cli(env, ['audit', 'verify']);
  assert.equal(r.code, 0, r.stderr);
  // And rows written afterwards continue the chain.
  await someEvents(env, 1);
  assert.equal((await cli(env, ['audit', 'verify'])).code, 0);
});

test('cli usage: audit, backup and restore answer a wrong call with exit 2 and the usage, and no database with a clear line', async (t) => {
  const os = await import('node:os');
  const path = await import('node:path');
  const empty = await fs.mkdtemp(path.join(os.tmpdir(), 'lienthong-empty-'));
  t.after(() => fs.rm(empty, { recursive: true, force: true }));
  const help = await runCli(['help']);
  for (const c of ['audit verify', 'audit checkpoint', 'backup <thư mục>', 'restore <thư mục>']) assert.ok(help.stdout.includes(c), c);
  const bad = await runCli(['audit', 'fix']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /audit verify \| audit checkpoint/);
  assert.equal((await runCli(['backup'])).code, 2);
  const missing = await runCli(['restore', path.join(empty, 'nope')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /directory not found/);
  const nodb = await runCli(['audit', 'verify'], { DATA_DIR: empty });
  assert.equal(nodb.code, 2);
  assert.match(nodb.stderr, /no database in DATA_DIR/);
});
