// "Issue a document to 100 recipients": issueDocument() throughput against a bare postgres.js
// transaction doing the same row writes (UPDATE 1 + INSERT 100 + INSERT 101) into scratch tables.
import { Readable } from 'node:stream';
import { createDraft } from '../src/modules/documents/create-draft.js';
import { issueDocument } from '../src/workflows/issue-document.js';
import { uploadFiles, type UploadPart } from '../src/modules/documents/upload-files.js';
import { makePdf } from '../test/helpers/pdf.js';
import type { BenchEnv } from './env.js';
import { fmt, median, percentile, timedPool, type SummaryRow } from './stats.js';
import { fourIssuers, wideIssue } from './issue-modes.js';

export function intFromEnv(name: string, def: number, min: number, max: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v >= min && v <= max ? v : def;
}

/** Documents per timed pass (each pass: sequential, then concurrency 4). */
const N = intFromEnv('BENCH_ISSUE_N', 150, 1, 2000);
/** Recipient units of the wide issue (BENCH_ISSUE_WIDE=0 skips it), issued 3 times. */
const WIDE = intFromEnv('BENCH_ISSUE_WIDE', 2000, 0, 20_000);
const WARMUP = 5;
const CONCURRENCY = 4;
const ROUNDS = 3;

function say(msg: string) {
  process.stdout.write(`[issue] ${msg}\n`);
}

/** A draft to all recipient units with a main PDF, made through the services as test factories do. */
async function prepareDraft(env: BenchEnv, i: number): Promise<string> {
  const { actor } = env.clerk;
  const doc = await createDraft(env.deps, actor, {
    type: 'CV',
    subject: `Về việc kiểm tra hiệu năng ban hành, văn bản số ${i}`,
    recipients: env.recipients.map((u) => u.id),
  });
  async function* parts(): AsyncGenerator<UploadPart> {
    yield { kind: 'file', filename: `bench-${i}.pdf`, stream: Readable.from([makePdf(`bench document ${i} ${doc.id}`)]) };
  }
  await uploadFiles(env.deps, actor, doc.id, parts());
  return doc.id;
}

async function createScratchTables(env: BenchEnv) {
  const sql = env.database.sql;
  await sql.unsafe(`
    drop table if exists bench_events, bench_deliveries, bench_documents;
    create table bench_documents (
      id uuid primary key default gen_random_uuid(),
      issuer_unit_id uuid not null,
      subject text not null,
      status text not null default 'draft',
      series text,
      number integer,
      notation text,
      issued_at timestamptz,
      issued_by uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create table bench_deliveries (
      id uuid primary key default gen_random_uuid(),
      document_id uuid not null,
      recipient_unit_id uuid not null,
      status text not null default 'delivered',
      delivered_at timestamptz not null
    );
    create table bench_events (
      id bigserial primary key,
      at timestamptz not null,
      type text not null,
      actor_user_id uuid,
      actor_unit_id uuid,
      document_id uuid,
      delivery_id uuid,
      unit_ids uuid[] not null,
      data jsonb not null default '{}'
    );
  `);
}

async function dropScratchTables(env: BenchEnv) {
  await env.database.sql.unsafe('drop table if exists bench_events, bench_deliveries, bench_documents');
}

/** The bare baseline for one document: same rows, plain SQL, one transaction, no checks. */
function makeBaselineIssue(env: BenchEnv) {
  const sql = env.database.sql;
  const { actor } = env.clerk;
  const issuerId = env.issuer.id;
  const recipientIds = env.recipients.map((u) => u.id);
  let number = 0;
  return async (docId: string) => {
    // ISO text, as drizzle sends it: connectDatabase's drizzle turns off postgres.js's own Date
    // serializer on this shared pool.
    const at = new Date().toISOString();
    const n = ++number;
    const notation = `${n}/UBND-VP`;
    await sql.begin(async (tx) => {
      await tx`
        update bench_documents
        set status = 'issued', series = 'state:bench', number = ${n}, notation = ${notation},
            issued_at = ${at}, issued_by = ${actor.userId}, updated_at = ${at}
        where id = ${docId}`;
      const deliveryRows = recipientIds.map((unitId) => ({ document_id: docId, recipient_unit_id: unitId, delivered_at: at }));
      const delivered = await tx`
        insert into bench_deliveries ${tx(deliveryRows, 'document_id', 'recipient_unit_id', 'delivered_at')}
        returning id, recipient_unit_id`;
      const eventRows = [
        {
          at, type: 'document.issued', actor_user_id: actor.userId, actor_unit_id: actor.unitId, document_id: docId,
          delivery_id: null, unit_ids: [issuerId], data: JSON.stringify({ number: n, notation, recipients: recipientIds.length }),
        },
        ...delivered.map((d) => ({
          at, type: 'delivery.created', actor_user_id: actor.userId, actor_unit_id: actor.unitId, document_id: docId,
          delivery_id: d.id as string, unit_ids: [issuerId, d.recipient_unit_id as string],
          data: JSON.stringify({ status: 'delivered', unitId: d.recipient_unit_id }),
        })),
      ];
      await tx`
        insert into bench_events ${tx(eventRows, 'at', 'type', 'actor_user_id', 'actor_unit_id', 'document_id', 'delivery_id', 'unit_ids', 'data')}`;
    });
  };
}

async function insertBaselineDocuments(env: BenchEnv, count: number): Promise<string[]> {
  const sql = env.database.sql;
  const rows = Array.from({ length: count }, (_, i) => ({ issuer_unit_id: env.issuer.id, subject: `bench baseline ${i}` }));
  const ids: string[] = [];
  // Bounded chunks keep the statement's parameter count well under the protocol's 65535.
  for (let i = 0; i < rows.length; i += 500) {
    const got = await sql`insert into bench_documents ${sql(rows.slice(i, i + 500), 'issuer_unit_id', 'subject')} returning id`;
    ids.push(...got.map((r) => r.id as string));
  }
  return ids;
}

interface Measured {
  docsPerSec: number;
  medianMs: number;
  p95Ms: number;
  /** CPU time of this (bench + app) process per document, ms: JS work as opposed to waiting on PostgreSQL. */
  cpuMsPerDoc: number;
}

/**
 * Times app and baseline over the same ids in ROUNDS alternating chunks, so drift during the run
 * (checkpoints, autovacuum, table growth) hits both sides alike. Bounded by ids.length.
 */
async function compare(
  appIds: string[],
  baseIds: string[],
  concurrency: number,
  app: (id: string) => Promise<unknown>,
  base: (id: string) => Promise<unknown>,
): Promise<{ app: Measured; base: Measured }> {
  const acc = { app: { wallMs: 0, cpuUs: 0, latencies: [] as number[] }, base: { wallMs: 0, cpuUs: 0, latencies: [] as number[] } };
  const chunk = Math.ceil(appIds.length / ROUNDS);
  for (let r = 0; r < ROUNDS; r++) {
    const sides: Array<['app' | 'base', string[], (id: string) => Promise<unknown>]> = [
      ['base', baseIds.slice(r * chunk, (r + 1) * chunk), base],
      ['app', appIds.slice(r * chunk, (r + 1) * chunk), app],
    ];
    if (r % 2) sides.reverse();
    for (const [side, ids, fn] of sides) {
      const cpu0 = process.cpuUsage();
      const t = await timedPool(ids, concurrency, fn);
      const cpu = process.cpuUsage(cpu0);
      acc[side].wallMs += t.wallMs;
      acc[side].cpuUs += cpu.user + cpu.system;
      acc[side].latencies.push(...t.latencies);
    }
  }
  const done = (a: typeof acc.app): Measured => ({
    docsPerSec: a.latencies.length / (a.wallMs / 1000),
    medianMs: median(a.latencies),
    p95Ms: percentile(a.latencies, 95),
    cpuMsPerDoc: a.cpuUs / 1000 / a.latencies.length,
  });
  return { app: done(acc.app), base: done(acc.base) };
}

export async function benchIssue(env: BenchEnv): Promise<SummaryRow[]> {
  const started = performance.now();
  const total = WARMUP + 2 * N;
  say(`preparing ${total} drafts × ${env.recipients.length} recipients with a main PDF (createDraft + uploadFiles)…`);
  const indices = Array.from({ length: total }, (_, i) => i);
  const draftIds: string[] = new Array(total);
  const prep = await timedPool(indices, 4, async (i) => {
    draftIds[i] = await prepareDraft(env, i);
  });
  say(`  ${total} drafts ready in ${fmt(prep.wallMs / 1000)} s`);

  await createScratchTables(env);
  try {
    const baseIds = await insertBaselineDocuments(env, total);
    const baseline = makeBaselineIssue(env);
    const issue = (id: string) => issueDocument(env.deps, env.clerk.actor, id);

    const appWarm = draftIds.slice(0, WARMUP);
    const appSeq = draftIds.slice(WARMUP, WARMUP + N);
    const appConc = draftIds.slice(WARMUP + N);
    const baseWarm = baseIds.slice(0, WARMUP);
    const baseSeq = baseIds.slice(WARMUP, WARMUP + N);
    const baseConc = baseIds.slice(WARMUP + N);

    say(`warm-up: ${WARMUP} issues + ${WARMUP} baseline transactions`);
    await timedPool(appWarm, 1, issue);
    await timedPool(baseWarm, 1, baseline);

    say(`timing sequential (N=${N}, ${ROUNDS} alternating rounds)…`);
    const { app: aSeq, base: bSeq } = await compare(appSeq, baseSeq, 1, issue, baseline);
    say(`timing concurrency ${CONCURRENCY} (N=${N}, ${ROUNDS} alternating rounds)…`);
    const { app: aConc, base: bConc } = await compare(appConc, baseConc, CONCURRENCY, issue, baseline);

    // Sanity: everything the timed issues should have written is there.
    const sql = env.database.sql;
    const [check] = await sql`
      select
        (select count(*)::int from documents where status = 'issued') as issued,
        (select count(*)::int from deliveries) as deliveries,
        (select count(*)::int from events where type = 'delivery.created') as delivery_events,
        (select count(*)::int from bench_deliveries) as base_deliveries,
        (select count(*)::int from bench_events) as base_events`;
    const expectDocs = total;
    const r = env.recipients.length;
    const ok =
      check?.issued === expectDocs && check.deliveries === expectDocs * r && check.delivery_events === expectDocs * r &&
      check.base_deliveries === expectDocs * r && check.base_events === expectDocs * (r + 1);
    if (!ok) throw new Error(`issue bench wrote unexpected row counts: ${JSON.stringify(check)}`);

    const line = (label: string, a: Measured, b: Measured) => {
      const ratio = a.docsPerSec / b.docsPerSec;
      process.stdout.write(
        `issue: ${fmt(a.docsPerSec)} docs/s, baseline ${fmt(b.docsPerSec)} docs/s, ratio X/Y = ${fmt(ratio, 2)} (1.0 = as fast as bare INSERT) [${label}, N=${N}]\n` +
          `       median latency ${fmt(a.medianMs)} ms (p95 ${fmt(a.p95Ms)}), baseline median ${fmt(b.medianMs)} ms (p95 ${fmt(b.p95Ms)}); ` +
          `rows/s ${fmt(a.docsPerSec * (1 + 2 * r + 1), 0)} vs ${fmt(b.docsPerSec * (1 + 2 * r + 1), 0)}; ` +
          `node CPU ${fmt(a.cpuMsPerDoc)} ms/doc vs ${fmt(b.cpuMsPerDoc)} ms/doc\n`,
      );
      return ratio;
    };
    const rSeq = line('sequential', aSeq, bSeq);
    const rConc = line(`concurrency ${CONCURRENCY}`, aConc, bConc);

    // Four clerks of four units at once: they share no series lock, only the event-order lock.
    const four = await fourIssuers(env, Math.max(10, Math.ceil(N / 4)));
    const rFour = four.docsPerSec / aSeq.docsPerSec;
    process.stdout.write(`issue: 4 issuing units at once ${fmt(four.docsPerSec)} docs/s = ${fmt(rFour, 2)} × sequential (target ≥ 1.5); median ${fmt(four.medianMs)} ms (p95 ${fmt(four.p95Ms)})\n`);
    const wide = WIDE > 0 ? await wideIssue(env, WIDE, 3) : null;
    if (wide) process.stdout.write(`issue: to ${WIDE} units median ${fmt(wide.medianMs)} ms, max ${fmt(wide.maxMs)} ms (target < 1000 ms)\n`);
    say(`done in ${fmt((performance.now() - started) / 1000)} s`);

    return [
      {
        bench: 'issue ×100 recipients', metric: 'docs/s (sequential)', value: fmt(aSeq.docsPerSec), baseline: fmt(bSeq.docsPerSec),
        ratio: fmt(rSeq, 2), note: `median ${fmt(aSeq.medianMs)} ms vs ${fmt(bSeq.medianMs)} ms`,
      },
      {
        bench: 'issue ×100 recipients', metric: `docs/s (concurrency ${CONCURRENCY})`, value: fmt(aConc.docsPerSec), baseline: fmt(bConc.docsPerSec),
        ratio: fmt(rConc, 2), note: `median ${fmt(aConc.medianMs)} ms vs ${fmt(bConc.medianMs)} ms`,
      },
      {
        bench: 'issue ×100 recipients', metric: 'docs/s (4 issuing units)', value: fmt(four.docsPerSec), baseline: `${fmt(aSeq.docsPerSec)} (app sequential)`,
        ratio: fmt(rFour, 2), note: `median ${fmt(four.medianMs)} ms, target ratio ≥ 1.5`,
      },
      ...(wide ? [{
        bench: `issue ×${WIDE} recipients`, metric: 'ms per document', value: fmt(wide.medianMs), baseline: '1000 (target)',
        ratio: fmt(wide.medianMs / 1000, 2), note: `max ${fmt(wide.maxMs)} ms of 3`,
      }] : []),
    ];
  } finally {
    await dropScratchTables(env).catch(() => undefined);
  }
}
