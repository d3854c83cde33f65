// Event ids in commit order with the event queue (issue 13): four writers record events — at commit
// (the queue, moved by a deferred trigger) and immediately, mixed in one transaction — with pauses
// in between, while a reader follows `id > cursor` the way sync and the push workers do. It must
// never find an id appear below one it already saw; each transaction's events keep the order they
// were recorded in; a rolled-back transaction leaves nothing; the audit chain still verifies.
import assert from 'node:assert/strict';
import test from 'node:test';
import { sql } from 'drizzle-orm';
import { verifyAudit } from '../src/modules/audit/checkpoints.js';
import { recordEvents, type NewEvent } from '../src/modules/events/service.js';
import { buildTestEnv } from './helpers/app.js';
import { buildUnit } from './helpers/factories.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('four concurrent writers: a reader polling id > cursor never sees an id below one it saw; order within a transaction kept; chain verifies', { timeout: 120_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const unit = await buildUnit(env);
  const WRITERS = 4;
  const TXS = 12;
  const ev = (w: number, i: number, k: number): NewEvent => ({ type: 'test.order', at: new Date(), unitIds: [unit.id], data: { w, i, k } });

  let writing = true;
  const seen: number[] = [];
  const reader = (async () => {
    let cursor = 0;
    // Polls until the writers are done, then once more: everything committed is then seen.
    for (let polls = 0; polls < 100_000; polls++) {
      const last = !writing;
      const rows = await env.db.execute<{ id: string }>(sql`select id::text as id from events where events.id > ${cursor} order by events.id`);
      const [below] = await env.db.execute<{ n: number }>(sql`select count(*)::int as n from events where id <= ${cursor}`);
      // Everything at or below the cursor was seen before: nothing appeared behind it.
      assert.equal(below!.n, seen.length, `an id appeared below ${cursor}`);
      for (const r of rows) seen.push(Number(r.id));
      if (rows.length) cursor = seen[seen.length - 1]!;
      if (last) break;
      await pause(1);
    }
  })();

  const writer = async (w: number) => {
    for (let i = 0; i < TXS; i++) {
      const rollback = i === 5;
      await env.db.transaction(async (tx) => {
        // Queued (ids at commit), then a pause with the transaction open, then more of both kinds.
        await recordEvents(tx, [ev(w, i, 0), ev(w, i, 1)], { atCommit: true });
        await pause(Math.floor(Math.random() * 4));
        if (i % 3 === 0) await recordEvents(tx, [ev(w, i, 2)]);
        else await recordEvents(tx, [ev(w, i, 2)], { atCommit: true });
        await recordEvents(tx, [ev(w, i, 3)], { atCommit: true });
        await pause(Math.floor(Math.random() * 4));
        if (rollback) tx.rollback();
      }).catch((err: unknown) => {
        if (!rollback) throw err;
      });
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
  writing = false;
  await reader;

  const rows = await env.db.execute<{ id: string; data: { w: number; i: number; k: number } }>(
    sql`select id::text as id, data from events where type = 'test.order' order by events.id`);
  assert.equal(rows.length, WRITERS * (TXS - 1) * 4, 'every committed event, none of the rolled-back ones');
  const byTx = new Map<string, number[]>();
  for (const r of rows) byTx.set(`${r.data.w}/${r.data.i}`, [...(byTx.get(`${r.data.w}/${r.data.i}`) ?? []), r.data.k]);
  for (const [key, ks] of byTx) assert.deepEqual(ks, [0, 1, 2, 3], `events of transaction ${key} out of order`);
  // Each transaction's events are contiguous ids: handed out at once, in one move at commit.
  const ids = rows.map((r) => Number(r.id));
  for (let j = 0; j < ids.length; j += 4) assert.equal(ids[j + 3]! - ids[j]!, 3);
  assert.ok(seen.length >= rows.length, 'the reader saw every event');
  const [queued] = await env.db.execute<{ n: number }>(sql`select count(*)::int as n from event_queue`);
  assert.equal(queued!.n, 0, 'the queue is empty once transactions have committed');

  const report = await verifyAudit(env.deps);
  assert.ok(!report.problem, JSON.stringify(report.problem));
  assert.ok(report.events >= rows.length);
});
