// "Liên thông through the province's axis": an axis app (AXIS=1) and two connected systems A and B,
// each its own database on the shared embedded PostgreSQL and its own file store, all listening on
// 127.0.0.1 in this process (as test/exchange-axis-flow.test.ts does). Two measurements:
//
// 1. Throughput and latency. A issues DOCS documents one after another (POST /api/documents/:id/issue)
//    to UNITS communes of B; one socket.io client per B commune notes each `delivery:new`. Printed:
//    packages/s (documents whose UNITS deliveries all reached B's sockets, per second of wall time
//    from the first issue call to the last arrival) and p50/p99 of issue call start → delivery:new.
//    Baseline in the same run: the same DOCS issues on one app without the axis, to UNITS local
//    units with a socket each (run first, so the status packages that B sends back to A — one 01
//    per delivery — do not slow it down). Before timing, WARMUP documents per side go one at a time
//    (each awaited on every socket): the last of them give the unloaded latency, with no queue
//    ahead. The timed loop starts no new document after ISSUE_BUDGET_MS, and what has not reached
//    B's sockets WINDOW_MS after the first issue call counts as not delivered (its latency is
//    "> window" in the percentiles), so the bench stays bounded when B falls behind. A breakdown
//    (A's sender → axis → B's import → B's sockets, from the apps' own timestamps) and PostgreSQL
//    commits per document on each database are printed beside the result.
// 2. Memory while a clerk of B registers by hand (importPackage) an edXML package carrying one
//    50 MB PDF-like attachment, read from a temp file: peak RSS growth of this process (sampled every
//    20 ms, after a gc) and its ratio to the attachment size (target < 3×). Run before part 1, in
//    the youngest process we have: an allocator that already holds freed memory would hide growth.
//
// Knobs: BENCH_EXCHANGE_DOCS (default 200), BENCH_EXCHANGE_UNITS (default 10),
// BENCH_EXCHANGE_MB (attachment size, default 50).
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pino from 'pino';
import postgres from 'postgres';
import { io, type Socket } from 'socket.io-client';
import { buildApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { connectDatabase, type Database } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import type { App } from '../src/http/types.js';
import type { Actor } from '../src/lib/actor.js';
import { systemClock } from '../src/lib/time.js';
import type { Deps } from '../src/lib/deps.js';
import { issueToken } from '../src/modules/auth/service.js';
import { createDraft } from '../src/modules/documents/create-draft.js';
import { uploadFiles, type UploadPart } from '../src/modules/documents/upload-files.js';
import { writeDocumentPackage } from '../src/modules/exchange/edxml/index.js';
import { createUnit, type Unit } from '../src/modules/orgs/units.js';
import { createUser, hashPassword } from '../src/modules/orgs/users.js';
import { createKeyStore } from '../src/modules/signing/keystore.js';
import { createFsStore } from '../src/storage/fs-store.js';
import { importPackage } from '../src/workflows/import-package.js';
import { makePdf } from '../test/helpers/pdf.js';
import type { BenchEnv } from './env.js';
import { fmt, median, percentile, timedPool, type SummaryRow } from './stats.js';
import { gcFunction } from './gc.js';

function intFromEnv(name: string, def: number, min: number, max: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v >= min && v <= max ? v : def;
}

const DOCS = intFromEnv('BENCH_EXCHANGE_DOCS', 200, 1, 2000);
const UNITS = intFromEnv('BENCH_EXCHANGE_UNITS', 10, 1, 99);
const ATTACHMENT_MB = intFromEnv('BENCH_EXCHANGE_MB', 50, 1, 200);
/**
 * From the first timed issue call: how long issuing plus delivery may take in all. What has not
 * reached B's sockets by then counts as not delivered (the bench stays < ~3 min).
 */
const WINDOW_MS = 100_000;
/** After the last expected arrival: how long duplicates may still arrive and be counted. */
const GRACE_MS = 500;
const SAMPLE_MS = 20;
const TARGET_MEMORY_RATIO = 3;
const PASSWORD = 'bench-exchange-1';
const APP_SECRET = 'e'.repeat(40);

/** Warm-up documents issued (and awaited) on each side before timing: first seals, JIT, pools. */
const WARMUP = 6;
/** Of the warm-up documents, the last this many give the unloaded latency. */
const UNLOADED = 3;
/** The timed issue loop on each side starts no new document after this long (the bench stays < ~3 min). */
const ISSUE_BUDGET_MS = 50_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Wall-clock ms with sub-ms resolution, comparable with the timestamps the apps write to their databases. */
const now = () => performance.timeOrigin + performance.now();
/** A latency percentile; an undelivered one (Infinity) reads "> window". */
const ms = (v: number) => (v === Number.POSITIVE_INFINITY ? `>${WINDOW_MS}` : fmt(v));

function say(msg: string) {
  process.stdout.write(`[exchange] ${msg}\n`);
}


/** The embedded server's URL for another database, from the shared pool's own options. */
function serverUrl(env: BenchEnv, database: string): string {
  const o = env.database.sql.options as unknown as { host: string[]; port: number[]; user: string; pass: unknown };
  const pass = typeof o.pass === 'string' ? o.pass : '';
  const u = new URL('postgres://x');
  u.hostname = o.host[0] ?? '127.0.0.1';
  u.port = String(o.port[0] ?? 5432);
  u.username = encodeURIComponent(o.user);
  u.password = encodeURIComponent(pass);
  u.pathname = `/${database}`;
  return u.toString();
}

interface Node {
  name: string;
  app: App;
  deps: Deps;
  database: Database;
  config: Config;
  url: string;
  dataDir: string;
}

interface Person {
  unit: Unit;
  actor: Actor;
  token: string;
  auth: { authorization: string };
}

interface Recorder {
  /** Arrival times (now()) per subject, one per `delivery:new` received. */
  arrivals: Map<string, number[]>;
  count: number;
  sockets: Socket[];
}

export async function benchExchange(env: BenchEnv): Promise<SummaryRow[]> {
  const started = performance.now();
  const cleanups: Array<() => Promise<unknown>> = [];
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'lienthong-bench-exchange-'));
  cleanups.push(() => fs.rm(scratch, { recursive: true, force: true }));
  const passwordHash = await hashPassword(PASSWORD);
  const secret = new TextEncoder().encode(APP_SECRET);
  let n = 0;
  // The apps' warnings are shown while measuring; at shutdown their loops' "cannot reach the axis"
  // retries are expected, and muted.
  let muted = false;
  const appLog = pino({ level: 'warn' }, { write: (line: string) => void (muted || process.stderr.write(line)) });
  const apps: Array<{ name: string; app: App }> = [];
  let appsClosed = false;
  async function closeApps() {
    if (appsClosed) return;
    appsClosed = true;
    muted = true;
    const order = [...apps.filter((x) => x.name === 'axis'), ...apps.filter((x) => x.name !== 'axis')];
    for (const x of order) {
      await x.app.close().catch((err: unknown) => process.stderr.write(`[exchange cleanup] closing ${x.name}: ${err instanceof Error ? err.message : String(err)}\n`));
    }
  }

  async function startNode(name: string, overrides: Partial<Config>): Promise<Node> {
    const dbName = `lienthong_bench_x_${name}`;
    const admin = postgres(serverUrl(env, 'postgres'), { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`drop database if exists ${dbName} with (force)`);
      await admin.unsafe(`create database ${dbName}`);
    } finally {
      await admin.end({ timeout: 5 });
    }
    cleanups.push(async () => {
      const a = postgres(serverUrl(env, 'postgres'), { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists ${dbName} with (force)`);
      } finally {
        await a.end({ timeout: 5 });
      }
    });
    const url = serverUrl(env, dbName);
    await runMigrations(url);
    const database = connectDatabase(url, { max: 10 });
    cleanups.push(() => database.close());
    const dataDir = path.join(scratch, name);
    await fs.mkdir(dataDir);
    const config = loadConfig(
      { DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      { appSecret: APP_SECRET, maxUploadBytes: 300 * 1024 * 1024, host: '127.0.0.1', port: 0, ...overrides },
    );
    const store = createFsStore(path.join(dataDir, 'objects'));
    await store.init();
    const deps: Deps = {
      db: database.db, sql: database.sql, store, config, clock: systemClock,
      log: appLog.child({ node: name }), keys: createKeyStore(APP_SECRET),
    };
    const app = await buildApp({ ...deps, secret });
    // The axis closes first (it answers the systems' long-polls at shutdown, so their exchange
    // loops stop at once instead of waiting out a 25 s poll); then the others.
    cleanups.push(() => closeApps());
    apps.push({ name, app });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    if (!addr || typeof addr !== 'object') throw new Error(`${name} is not listening on a TCP port`);
    return { name, app, deps, database, config, url: `http://127.0.0.1:${addr.port}`, dataDir };
  }

  async function person(node: Node, unit: Unit, roles: Array<'clerk' | 'admin'>): Promise<Person> {
    const user = await createUser(node.database.db, null, {
      username: `bx${++n}`, password: PASSWORD, passwordHash, fullName: `Văn thư ${n}`, unitId: unit.id, roles, title: '',
    }, new Date());
    const token = await issueToken({ ...node.deps, secret }, user);
    return { unit, actor: { userId: user.id, unitId: unit.id, roles: user.roles }, token, auth: { authorization: `Bearer ${token}` } };
  }

  const unit = (node: Node, code: string, name: string) =>
    createUnit(node.database.db, null, { code, name, shortName: 'UBND', kind: 'government' }, new Date());

  async function http(method: string, url: string, auth: { authorization: string }, body?: unknown): Promise<any> {
    const res = await fetch(url, {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  }

  /** A draft from `author` to `recipients` with a small main PDF, through the services (as bench/issue.ts). */
  async function draft(node: Node, author: Person, recipients: string[], subject: string): Promise<string> {
    const doc = await createDraft(node.deps, author.actor, { type: 'CV', subject, recipients });
    async function* parts(): AsyncGenerator<UploadPart> {
      yield { kind: 'file', filename: 'van-ban.pdf', stream: Readable.from([makePdf(`${subject} ${doc.id}`)]) };
    }
    await uploadFiles(node.deps, author.actor, doc.id, parts());
    return doc.id;
  }

  async function listen(url: string, people: Person[]): Promise<Recorder> {
    const rec: Recorder = { arrivals: new Map(), count: 0, sockets: [] };
    cleanups.push(async () => rec.sockets.forEach((s) => s.close()));
    for (const p of people) {
      const socket = io(url, { auth: { token: p.token }, transports: ['websocket'], reconnection: false, forceNew: true });
      rec.sockets.push(socket);
      socket.on('delivery:new', (payload: { subject: string }) => {
        const t = now();
        rec.count++;
        const list = rec.arrivals.get(payload.subject);
        if (list) list.push(t);
        else rec.arrivals.set(payload.subject, [t]);
      });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`socket to ${url} did not connect in 10 s`)), 10_000);
        socket.once('connect', () => { clearTimeout(timer); resolve(); });
        socket.once('connect_error', (err) => { clearTimeout(timer); reject(err); });
      });
    }
    return rec;
  }

  interface Run {
    issued: number;
    /** Issue call start per subject (now()). */
    startOf: Map<string, number>;
    /** First delivery:new per subject (now()). */
    firstArrival: Map<string, number>;
    docsPerSec: number;
    issueCallsPerSec: number;
    p50: number;
    p99: number;
    complete: number;
    arrived: number;
    duplicates: number;
    wallMs: number;
  }

  /**
   * Issues `ids` one after another over HTTP (no new one after `budgetMs`) and waits, bounded, for
   * every recipient socket's delivery:new of those issued. Counts only what was issued.
   */
  async function issueAndWait(node: Node, clerk: Person, ids: Array<{ id: string; subject: string }>, rec: Recorder, perDoc: number, budgetMs = WINDOW_MS / 2): Promise<Run> {
    const startOf = new Map<string, number>();
    const count0 = rec.count;
    const t0 = now();
    const issuedIds: typeof ids = [];
    for (const d of ids) {
      if (now() - t0 > budgetMs) break;
      startOf.set(d.subject, now());
      await http('POST', `${node.url}/api/documents/${d.id}/issue`, clerk.auth);
      issuedIds.push(d);
    }
    const issuedMs = now() - t0;
    const expected = count0 + issuedIds.length * perDoc;
    const deadline = t0 + Math.max(WINDOW_MS, issuedMs + 10_000);
    while (rec.count < expected && now() < deadline) await sleep(20);
    await sleep(GRACE_MS);
    const latencies: number[] = [];
    const firstArrival = new Map<string, number>();
    let complete = 0;
    let lastComplete = t0;
    let arrived = 0;
    let duplicates = 0;
    for (const { subject } of issuedIds) {
      const times = (rec.arrivals.get(subject) ?? []).slice().sort((a, b) => a - b);
      arrived += Math.min(times.length, perDoc);
      duplicates += Math.max(0, times.length - perDoc);
      const s = startOf.get(subject)!;
      for (const t of times.slice(0, perDoc)) latencies.push(t - s);
      // Not delivered within the window: slower than anything delivered (percentiles show "> window").
      for (let k = times.length; k < perDoc; k++) latencies.push(Number.POSITIVE_INFINITY);
      if (times.length) firstArrival.set(subject, times[0]!);
      if (times.length >= perDoc) {
        complete++;
        lastComplete = Math.max(lastComplete, times[perDoc - 1]!);
      }
    }
    const wallMs = lastComplete - t0;
    return {
      issued: issuedIds.length, startOf, firstArrival,
      docsPerSec: complete / (wallMs / 1000), issueCallsPerSec: issuedIds.length / (issuedMs / 1000),
      p50: percentile(latencies, 50), p99: percentile(latencies, 99), complete, arrived, duplicates, wallMs,
    };
  }

  try {
    // --- the three systems and the baseline app ----------------------------------------------------
    say(`starting an axis, systems A and B, and a local baseline app (each its own database)…`);
    const hub = await startNode('axis', { axis: true });
    const axisAdminUnit = await unit(hub, '000.00.00.H41', 'Sở Thông tin và Truyền thông (trục)');
    const axisAdmin = await person(hub, axisAdminUnit, ['admin']);
    const addSystem = async (systemId: string, name: string) =>
      (await http('POST', `${hub.url}/api/axis/systems`, axisAdmin.auth, { systemId, name })).secret as string;
    const secretA = await addSystem('bench-a', 'Hệ thống A (bench)');
    const secretB = await addSystem('bench-b', 'Hệ thống B (bench)');
    const a = await startNode('a', { axisClient: { url: hub.url, systemId: 'bench-a', secret: secretA } });
    const b = await startNode('b', { axisClient: { url: hub.url, systemId: 'bench-b', secret: secretB } });
    const local = await startNode('local', {});

    const clerkA = await person(a, await unit(a, '000.00.10.H41', 'UBND huyện A (bench)'), ['clerk']);
    const clerksB: Person[] = [];
    for (let i = 0; i < UNITS; i++) {
      clerksB.push(await person(b, await unit(b, `000.${String(i + 1).padStart(2, '0')}.20.H41`, `UBND xã B${i + 1} (bench)`), ['clerk']));
    }
    const clerkL = await person(local, await unit(local, '000.00.30.H41', 'UBND huyện L (bench)'), ['clerk']);
    const clerksL: Person[] = [];
    for (let i = 0; i < UNITS; i++) {
      clerksL.push(await person(local, await unit(local, `000.${String(i + 1).padStart(2, '0')}.30.H41`, `UBND xã L${i + 1} (bench)`), ['clerk']));
    }
    await a.app.exchange!.refreshDirectory();
    await b.app.exchange!.refreshDirectory();
    await a.app.exchange!.refreshDirectory();
    const listed = (await http('GET', `${a.url}/api/units?external=1`, clerkA.auth)).units as Array<{ id: string; code: string; external: boolean; systemId: string | null }>;
    const bCodes = new Set(clerksB.map((c) => c.unit.code));
    const remote = listed.filter((u) => u.external && u.systemId === 'bench-b' && bCodes.has(u.code));
    if (remote.length !== UNITS) throw new Error(`A lists ${remote.length} of B's ${UNITS} units in GET /api/units?external=1`);
    say(`  up in ${fmt((performance.now() - started) / 1000)} s; A lists B's ${remote.length} units`);

    // --- 2. memory while importing a large package (first: youngest process) -------------------
    const attachmentBytes = ATTACHMENT_MB * 1024 * 1024;
    const pdfFile = path.join(scratch, 'big.pdf');
    const pkgFile = path.join(scratch, 'big.edxml');
    say(`writing a ${ATTACHMENT_MB} MB PDF-like file and its edXML package…`);
    {
      const out = createWriteStream(pdfFile);
      await pipeline(
        (async function* () {
          yield Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');
          let left = attachmentBytes - 15;
          while (left > 0) {
            const c = randomBytes(Math.min(left, 1024 * 1024));
            left -= c.length;
            yield c;
          }
        })(),
        out,
      );
      const sender = '000.00.99.H41';
      const pkg = writeDocumentPackage(
        {
          from: { organId: sender, organName: 'UBND tỉnh (gửi qua USB, bench)' },
          to: [{ organId: clerksB[0]!.unit.code, organName: clerksB[0]!.unit.name }],
          documentId: `${sender},2026/11/30,99/UBND`,
          code: { codeNumber: '99', codeNotation: 'UBND-VP' },
          promulgationInfo: { place: 'Sơn Hà', promulgationDate: '2026/11/30' },
          documentType: { type: '1', typeName: 'Công văn' },
          subject: 'Gói tin lớn (bench): một tệp đính kèm',
          otherInfo: { priority: 3 },
          traceHeaders: [{ organId: sender, timestamp: '2026/11/30 08:00:00' }],
        },
        [{ contentId: 'file1', name: 'tai-lieu-lon.pdf', contentType: 'application/pdf', open: () => createReadStream(pdfFile) }],
      );
      await pipeline(pkg, createWriteStream(pkgFile));
    }
    const pkgBytes = (await fs.stat(pkgFile)).size;
    const gc = gcFunction();
    gc();
    gc();
    await sleep(200);
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, SAMPLE_MS);
    const tImport = performance.now();
    let imported;
    try {
      imported = await importPackage(b.deps, createReadStream(pkgFile), { clerk: clerksB[0]!.actor });
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    const importMs = performance.now() - tImport;
    if (imported.kind !== 'edoc' || imported.result !== 'imported') throw new Error(`large package: ${JSON.stringify(imported)}`);
    const growth = peak - rss0;
    const memRatio = growth / attachmentBytes;
    const MB = 1024 * 1024;
    process.stdout.write(
      `exchange import: ${ATTACHMENT_MB} MB attachment (package ${fmt(pkgBytes / MB)} MB) registered by hand on B in ${fmt(importMs / 1000, 2)} s; ` +
        `peak RSS growth ${fmt(growth / MB)} MB = ${fmt(memRatio, 2)}× the attachment (target < ${TARGET_MEMORY_RATIO}×: ${memRatio < TARGET_MEMORY_RATIO ? 'met' : 'NOT met'}) ` +
        `[RSS before ${fmt(rss0 / MB)} MB]\n`,
    );
    await fs.rm(pdfFile, { force: true });
    await fs.rm(pkgFile, { force: true });

    // --- 1. throughput and latency ------------------------------------------------------------
    say(`preparing ${DOCS} drafts on A (to ${UNITS} units of B) and ${DOCS} on the baseline app (to ${UNITS} local units)…`);
    const tPrep = performance.now();
    const total = WARMUP + DOCS;
    const idx = Array.from({ length: total }, (_, i) => i);
    const docsA: Array<{ id: string; subject: string }> = new Array(total);
    const docsL: Array<{ id: string; subject: string }> = new Array(total);
    await timedPool(idx, 4, async (i) => {
      const subject = `Về việc thử liên thông qua trục, văn bản số ${i}`;
      docsA[i] = { id: await draft(a, clerkA, remote.map((u) => u.id), subject), subject };
    });
    await timedPool(idx, 4, async (i) => {
      const subject = `Về việc thử ban hành nội bộ, văn bản số ${i}`;
      docsL[i] = { id: await draft(local, clerkL, clerksL.map((c) => c.unit.id), subject), subject };
    });
    say(`  ${2 * total} drafts (${WARMUP} warm-up each side) ready in ${fmt((performance.now() - tPrep) / 1000)} s; connecting ${UNITS} sockets on B and ${UNITS} on the baseline app`);
    const recB = await listen(b.url, clerksB);
    const recL = await listen(local.url, clerksL);

    // Warm-up, closed loop: one document at a time, each awaited on every socket before the next;
    // the last UNLOADED of them give the latency with no queue ahead (the first ones pay first seals, JIT).
    say(`warm-up: ${WARMUP} documents on each side, one at a time`);
    const unloaded = { local: [] as number[], exchange: [] as number[] };
    for (let i = 0; i < WARMUP; i++) {
      const l = await issueAndWait(local, clerkL, docsL.slice(i, i + 1), recL, UNITS);
      if (i >= WARMUP - UNLOADED) unloaded.local.push(l.p50);
    }
    for (let i = 0; i < WARMUP; i++) {
      const x = await issueAndWait(a, clerkA, docsA.slice(i, i + 1), recB, UNITS);
      if (i >= WARMUP - UNLOADED) unloaded.exchange.push(x.p50);
      // B's UNITS status packages (01, arrived) travel back to A: let them pass before the next one.
      await sleep(1500);
    }

    say(`baseline: issuing ${DOCS} documents to ${UNITS} local units, sequentially…`);
    let cpu0 = process.cpuUsage();
    const base = await issueAndWait(local, clerkL, docsL.slice(WARMUP), recL, UNITS, ISSUE_BUDGET_MS);
    let cpu = process.cpuUsage(cpu0);
    say(`  ${base.complete}/${base.issued} fully delivered in ${fmt(base.wallMs / 1000)} s (process CPU ${fmt((cpu.user + cpu.system) / 1e6)} s)`);
    say(`through the axis: issuing ${DOCS} documents on A to ${UNITS} units of B, sequentially…`);
    const pgStats = () => env.database.sql`
      select datname, xact_commit::bigint as commits from pg_stat_database where datname like 'lienthong_bench_x_%' order by datname`;
    const stats0 = await pgStats();
    cpu0 = process.cpuUsage();
    const ex = await issueAndWait(a, clerkA, docsA.slice(WARMUP), recB, UNITS, ISSUE_BUDGET_MS);
    cpu = process.cpuUsage(cpu0);
    const stats1 = await pgStats();
    const commits = stats1.map((r) => {
      const before = Number(stats0.find((x) => x.datname === r.datname)?.commits ?? 0);
      return `${String(r.datname).replace('lienthong_bench_x_', '')} ${fmt((Number(r.commits) - before) / Math.max(1, ex.issued), 0)}`;
    }).join(', ');
    say(`  ${ex.complete}/${ex.issued} fully delivered in ${fmt(ex.wallMs / 1000)} s (process CPU ${fmt((cpu.user + cpu.system) / 1e6)} s of ${fmt(ex.wallMs / 1000)} s wall, 2 cores)`);

    // Where the time goes, per document (medians): A's issue call start → A's sender handed the
    // package to the axis (outbox sent_at) → B imported it (exchange_inbox received_at) → first
    // delivery:new on B's sockets.
    const subjectOfA = new Map(docsA.map((d) => [d.id, d.subject]));
    const sentRows = await a.database.sql`select document_id, sent_at from exchange_outbox where kind = 'edoc' and sent_at is not null`;
    const sentAt = new Map(sentRows.map((r) => [subjectOfA.get(r.document_id as string)!, new Date(r.sent_at as string).getTime()]));
    const recvRows = await b.database.sql`select d.subject, i.received_at from exchange_inbox i join documents d on d.id = i.document_id where i.kind = 'edoc'`;
    const receivedAt = new Map(recvRows.map((r) => [r.subject as string, new Date(r.received_at as string).getTime()]));
    const legs = { toAxis: [] as number[], toB: [] as number[], toSocket: [] as number[] };
    for (const [subject, s] of ex.startOf) {
      const sent = sentAt.get(subject);
      const recv = receivedAt.get(subject);
      const first = ex.firstArrival.get(subject);
      if (sent === undefined || recv === undefined || first === undefined) continue;
      legs.toAxis.push(sent - s);
      legs.toB.push(recv - sent);
      legs.toSocket.push(first - recv);
    }
    const breakdown = `PostgreSQL commits per document: ${commits}; ` +
      `unloaded (one at a time): exchange p50 ${fmt(median(unloaded.exchange))} ms, local ${fmt(median(unloaded.local))} ms\n          issue → sent to axis ${fmt(median(legs.toAxis))} ms, → imported on B ${fmt(median(legs.toB))} ms, → delivery:new ${fmt(median(legs.toSocket))} ms (medians)`;

    // What B holds: one document per package (plus the large one), UNITS deliveries each.
    const [counts] = await b.database.sql`
      select (select count(*)::int from documents) as documents, (select count(*)::int from deliveries) as deliveries`;
    const [outA] = await a.database.sql`select count(*)::int as n, count(*) filter (where transport = 'delivered')::int as delivered from exchange_outbox`;

    const ratio = ex.docsPerSec / base.docsPerSec;
    const p50Ratio = ex.p50 / base.p50;
    const p99Ratio = ex.p99 / base.p99;
    const flag = (r: Run) =>
      (r.issued < DOCS ? ` — ${r.issued}/${DOCS} issued within ${ISSUE_BUDGET_MS / 1000} s` : '') +
      (r.complete < r.issued || r.duplicates ? ` — ${r.complete}/${r.issued} complete, ${r.arrived}/${r.issued * UNITS} arrived, ${r.duplicates} duplicate(s)` : '');
    process.stdout.write(
      `exchange: ${fmt(ex.docsPerSec, 2)} packages/s fully delivered (${UNITS} deliveries each), baseline local issue ${fmt(base.docsPerSec, 2)} docs/s, ratio X/Y = ${fmt(ratio, 2)}${flag(ex)}\n` +
        `          issue → delivery:new p50 ${ms(ex.p50)} ms, p99 ${ms(ex.p99)} ms; baseline p50 ${ms(base.p50)} ms, p99 ${ms(base.p99)} ms (ratios ${fmt(p50Ratio, 1)}× / ${fmt(p99Ratio, 1)}×)${flag(base)}\n` +
        `          ${breakdown}\n` +
        `          issue calls alone: A ${fmt(ex.issueCallsPerSec)}/s, baseline ${fmt(base.issueCallsPerSec)}/s; ` +
        `B holds ${counts?.documents} documents, ${counts?.deliveries} deliveries; A's outbox ${outA?.delivered}/${outA?.n} delivered by now [N=${ex.issued}, units=${UNITS}]\n`,
    );
    say(`done in ${fmt((performance.now() - started) / 1000)} s`);

    return [
      {
        bench: `exchange ×${UNITS} units`, metric: 'packages/s (A → axis → B)', value: fmt(ex.docsPerSec, 2), baseline: fmt(base.docsPerSec, 2),
        ratio: fmt(ratio, 2), note: `baseline: local issue, same app${flag(ex)}`,
      },
      {
        bench: `exchange ×${UNITS} units`, metric: 'issue → delivery:new p50 ms', value: ms(ex.p50), baseline: ms(base.p50),
        ratio: fmt(p50Ratio, 1), note: `p99 ${ms(ex.p99)} ms vs ${ms(base.p99)} ms (${fmt(p99Ratio, 1)}×); unloaded p50 ${fmt(median(unloaded.exchange))} vs ${fmt(median(unloaded.local))} ms`,
      },
      {
        bench: 'exchange import', metric: `peak RSS growth MB (${ATTACHMENT_MB} MB attachment)`, value: fmt(growth / MB), baseline: fmt(attachmentBytes / MB),
        ratio: fmt(memRatio, 2), note: `target < ${TARGET_MEMORY_RATIO}× the attachment; ${fmt(importMs / 1000, 2)} s`,
      },
    ];
  } finally {
    for (const fn of cleanups.reverse()) {
      await fn().catch((err: unknown) => process.stderr.write(`[exchange cleanup] ${err instanceof Error ? err.message : String(err)}\n`));
    }
  }
}
