// Diagnosis for the fanout bench, not part of `npm run bench`: where does issuing one document to
// 1,000 units spend its time before the first `delivery:new` can go out? No sockets are connected,
// so this is the server's own work on a quiet machine.
//
//   npx tsx bench/fanout-diag.ts            (BENCH_FANOUT_URGENCY=normal for a non-flash document)
//
// 1. Issues a few documents over HTTP and prints, for the last, every SQL statement the issue
//    transaction sent (postgres.js `debug` hook) with the time until the next one was sent: that
//    statement's round trip plus the JavaScript after it. The last line runs to the NOTIFY.
// 2. Times the costly pieces alone, each in a rolled-back transaction, next to a set-based
//    alternative where there is one (and the events insert without its GIN indexes, dropped inside
//    the rolled-back transaction, to show what they cost).
// 3. Times the worker's read of 1,000 event rows and pushesFor.
import { Readable } from 'node:stream';
import { sql as dsql } from 'drizzle-orm';
import { insertDeliveries, recordDeliveriesCreated } from '../src/modules/dispatch/create-deliveries.js';
import { createDraft } from '../src/modules/documents/create-draft.js';
import { uploadFiles, type UploadPart } from '../src/modules/documents/upload-files.js';
import { EVENTS_CHANNEL, listAllEventsSince } from '../src/modules/events/service.js';
import { findActiveUnits } from '../src/modules/orgs/units.js';
import { scheduleAlarms } from '../src/modules/dispatch/alarms.js';
import { pushesFor } from '../src/modules/realtime/pushes.js';
import { urgentAlarms } from '../src/modules/dispatch/tables.js';
import { makePdf } from '../test/helpers/pdf.js';
import { setupBenchEnv } from './env.js';
import { fmt, median } from './stats.js';

const ISSUES = 6;
const REPS = 8;
const urgency = process.env.BENCH_FANOUT_URGENCY === 'normal' ? 'normal' : 'flash';
const now = () => performance.now();
const out = (s: string) => process.stdout.write(`${s}\n`);

const env = await setupBenchEnv();
const sql = env.database.sql;
const options = sql.options as unknown as { debug?: (conn: number, query: string) => void };
try {
  const ids = (await sql`
    insert into units (code, name, short_name, kind)
    select 'BENCH.D' || lpad(g::text, 4, '0'), 'Đơn vị nhận (diag) ' || g, 'UBND', 'government' from generate_series(0, 999) g
    returning id`).map((u) => u.id as string);
  const drafts: string[] = [];
  for (let i = 0; i < ISSUES; i++) {
    const doc = await createDraft(env.deps, env.clerk.actor, { type: 'CV', subject: `Chẩn đoán phát tin ${i}`, recipients: ids, urgency });
    async function* parts(): AsyncGenerator<UploadPart> {
      yield { kind: 'file', filename: `diag-${i}.pdf`, stream: Readable.from([makePdf(`diag ${i} ${doc.id}`)]) };
    }
    await uploadFiles(env.deps, env.clerk.actor, doc.id, parts());
    drafts.push(doc.id);
  }

  // --- 1. whole issues, and the statement timeline of the last one.
  out(`\n1. POST /issue of a ${urgency} document to ${ids.length} units (no sockets connected)`);
  let notifyAt = 0;
  const listener = await sql.listen(EVENTS_CHANNEL, () => void (notifyAt ||= now()));
  let firstEmit = 0;
  const io = env.app.io;
  const origTo = io.to;
  io.to = function (this: typeof io, room: Parameters<typeof origTo>[0]) {
    const op = origTo.call(this, room);
    const emit = op.emit;
    op.emit = function (this: typeof op, ev: Parameters<typeof emit>[0], ...args: unknown[]) {
      if (ev === 'delivery:new') firstEmit ||= now();
      return (emit as (...a: unknown[]) => boolean).call(this, ev, ...args);
    } as typeof emit;
    return op;
  } as typeof origTo;
  let log: Array<{ t: number; conn: number; q: string }> = [];
  options.debug = (conn, q) => void log.push({ t: now(), conn, q: q.replace(/\s+/g, ' ').trim().slice(0, 100) });
  let t0 = 0;
  for (const [i, id] of drafts.entries()) {
    log = [];
    notifyAt = 0;
    firstEmit = 0;
    const cpu0 = process.cpuUsage();
    t0 = now();
    const res = await fetch(`${env.baseUrl}/api/documents/${id}/issue`, { method: 'POST', headers: { authorization: `Bearer ${env.clerk.token}` } });
    await res.text();
    const t1 = now();
    const cpu = process.cpuUsage(cpu0);
    await new Promise((r) => setTimeout(r, 1000));
    out(`  #${i} HTTP ${res.status}: response ${fmt(t1 - t0)} ms, commit (NOTIFY) +${fmt(notifyAt - t0)}, first delivery:new emit +${fmt(firstEmit - t0)}; ` +
      `node CPU until response ${fmt((cpu.user + cpu.system) / 1000)} ms`);
  }
  options.debug = undefined;
  io.to = origTo;
  await listener.unlisten();
  const begin = log.find((l) => l.q.startsWith('begin'));
  const tx = log.filter((l) => l.conn === begin?.conn && l.t >= begin.t);
  const end = tx.findIndex((l) => l.q.startsWith('commit'));
  out(`  statements of the last issue transaction (ms until the next statement was sent; commit: until NOTIFY):`);
  out(`    ${fmt(begin!.t - t0).padStart(6)}  (request parsing and authentication before 'begin')`);
  for (let i = 0; i <= end; i++) {
    const next = i < end ? tx[i + 1]!.t : notifyAt;
    out(`    ${fmt(next - tx[i]!.t).padStart(6)}  ${tx[i]!.q}`);
  }

  // --- 2. pieces alone, against alternatives.
  out(`\n2. pieces of the transaction alone (median of ${REPS - 2} after 2 warm-ups, rolled back)`);
  const rollback = new Error('rollback');
  const at = new Date();
  const stats = new Map<string, number[]>();
  const note = (k: string, ms: number) => void stats.set(k, [...(stats.get(k) ?? []), ms]);
  for (let rep = 0; rep < REPS; rep++) {
    const docId = drafts[rep % drafts.length]!;
    await env.deps.db.transaction(async (tx) => {
      await tx.execute(dsql`delete from urgent_alarms where delivery_id in (select id from deliveries where document_id = ${docId})`);
      await tx.execute(dsql`delete from deliveries where document_id = ${docId}`);
      let t = now();
      await findActiveUnits(tx, ids);
      note('findActiveUnits (drizzle inArray, 1,000 bind parameters)', now() - t);
      t = now();
      await tx.execute(dsql`select * from units where id = any(${`{${ids.join(',')}}`}::uuid[]) and dissolved_at is null and not internal`);
      note('  alternative: id = any($1::uuid[])', now() - t);
      t = now();
      const delivered = await insertDeliveries(tx, { documentId: docId, recipientUnitIds: ids, at });
      note('insertDeliveries', now() - t);
      t = now();
      await recordDeliveriesCreated(tx, {
        documentId: docId, issuerUnitId: env.issuer.id, at, actor: env.clerk.actor, deliveries: delivered,
        document: { subject: 'diag', urgency, issuerName: env.issuer.name },
      });
      note('recordDeliveriesCreated (lock, 1,000 events, NOTIFY)', now() - t);
      // The same again without the GIN index on user_ids (empty for these events); DDL is
      // transactional, so the rollback below restores it.
      await tx.execute(dsql`savepoint e`);
      await tx.execute(dsql`drop index events_users_idx`);
      t = now();
      await recordDeliveriesCreated(tx, {
        documentId: docId, issuerUnitId: env.issuer.id, at, actor: env.clerk.actor, deliveries: delivered,
        document: { subject: 'diag', urgency, issuerName: env.issuer.name },
      });
      note('  experiment: the same without the GIN index events_users_idx', now() - t);
      await tx.execute(dsql`drop index events_units_idx`);
      t = now();
      await recordDeliveriesCreated(tx, {
        documentId: docId, issuerUnitId: env.issuer.id, at, actor: env.clerk.actor, deliveries: delivered,
        document: { subject: 'diag', urgency, issuerName: env.issuer.name },
      });
      note('  experiment: the same without either GIN index', now() - t);
      await tx.execute(dsql`rollback to savepoint e`);
      t = now();
      tx.insert(urgentAlarms).values(delivered.map((d) => ({ deliveryId: d.id, nextAlarmAt: at, escalateAt: at }))).onConflictDoNothing().toSQL();
      note('  of scheduleAlarms: building the drizzle VALUES statement only', now() - t);
      await tx.execute(dsql`savepoint a`);
      t = now();
      await scheduleAlarms(env.deps, tx, delivered.map((d) => d.id), at);
      note('scheduleAlarms (drizzle .values() of 1,000 rows)', now() - t);
      await tx.execute(dsql`rollback to savepoint a`);
      t = now();
      await tx.execute(dsql`
        insert into urgent_alarms (delivery_id, next_alarm_at, escalate_at)
        select id, ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz from deliveries where document_id = ${docId}
        on conflict do nothing`);
      note('  alternative: insert … select from deliveries', now() - t);
      throw rollback;
    }).catch((err: unknown) => {
      if (err !== rollback) throw err;
    });
  }
  for (const [k, v] of stats) out(`  ${k.padEnd(66)} ${fmt(median(v.slice(2))).padStart(6)} ms`);

  // --- 3. the worker's side.
  out(`\n3. the realtime worker's read (listAllEventsSince, 1,000 rows) and pushesFor`);
  const [last] = await sql`select max(id)::int as id from events where type = 'delivery.created'`;
  const reads: number[] = [];
  const maps: number[] = [];
  for (let k = 0; k < 5; k++) {
    let t = now();
    const rows = await listAllEventsSince(env.deps.db, (last?.id as number) - 1000, 1000);
    reads.push(now() - t);
    t = now();
    rows.flatMap(pushesFor);
    maps.push(now() - t);
  }
  out(`  read ${fmt(median(reads))} ms, pushesFor ${fmt(median(maps), 2)} ms (medians of 5)`);
} finally {
  await env.close();
}
process.exit(0);
