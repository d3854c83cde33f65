// "The hot read paths": 10 keep-alive HTTP clients hammer /healthz (no auth), /api/me (the trivial
// authenticated route) and /api/inbox (a 20-item page) on the real app, each for BENCH_API_SECONDS
// (default 5) after a 1 s warm-up; req/s and p50/p95/p99 per route, and the inbox's ratio to the
// other two measured in the same run. The inbox belongs to a clerk of a recipient unit that gets
// BENCH_API_DOCS (default 30) issued documents first (through the services, as the issue bench does).
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { Session } from 'node:inspector/promises';
import { Readable } from 'node:stream';
import { createDraft } from '../src/modules/documents/create-draft.js';
import { uploadFiles, type UploadPart } from '../src/modules/documents/upload-files.js';
import { issueDocument } from '../src/workflows/issue-document.js';
import { login } from '../src/modules/auth/service.js';
import { createUser } from '../src/modules/orgs/users.js';
import { makePdf } from '../test/helpers/pdf.js';
import type { BenchEnv } from './env.js';
import { fmt, percentile, type SummaryRow } from './stats.js';
import { intFromEnv } from './issue.js';

const SECONDS = intFromEnv('BENCH_API_SECONDS', 5, 1, 120);
const DOCS = intFromEnv('BENCH_API_DOCS', 30, 20, 1000);
const CLIENTS = 10;
/** BENCH_API_PROFILE=1: a CPU profile (app and clients share this process) of the inbox run, written to /tmp. */
const PROFILE = process.env.BENCH_API_PROFILE === '1';

async function startProfile(): Promise<() => Promise<string>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    const file = `/tmp/lienthong-api-inbox-${Date.now()}.cpuprofile`;
    writeFileSync(file, JSON.stringify(profile));
    return file;
  };
}

function say(msg: string) {
  process.stdout.write(`[api] ${msg}\n`);
}

interface RouteResult {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  n: number;
}

/** GET `path` from CLIENTS keep-alive connections for `ms`; every answer must be 200. */
async function hammer(baseUrl: string, path: string, token: string | null, ms: number): Promise<RouteResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const url = new URL(path, baseUrl);
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const latencies: number[] = [];
  const get = () => new Promise<void>((resolve, reject) => {
    const t = performance.now();
    const req = http.get(url, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${path}: HTTP ${res.statusCode}`));
        else {
          latencies.push(performance.now() - t);
          resolve();
        }
      });
    });
    req.on('error', reject);
  });
  const deadline = performance.now() + ms;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (performance.now() < deadline) await get();
  }));
  const wall = performance.now() - t0;
  agent.destroy();
  return { rps: latencies.length / (wall / 1000), p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), n: latencies.length };
}

/** A clerk of the first recipient unit, with at least DOCS documents in the inbox. */
async function inboxOwner(env: BenchEnv): Promise<string> {
  const unit = env.recipients[0]!;
  const at = new Date();
  const user = await createUser(env.database.db, null, {
    username: `bench-api-clerk-${Date.now()}`, password: 'bench-password-1', fullName: 'Văn thư nhận (bench)', unitId: unit.id, roles: ['clerk'],
  }, at);
  const [row] = await env.database.sql`select count(*)::int as n from deliveries where recipient_unit_id = ${unit.id}`;
  const missing = Math.max(0, DOCS - (row?.n as number));
  if (missing > 0) say(`issuing ${missing} documents to ${unit.name}…`);
  for (let i = 0; i < missing; i++) {
    const doc = await createDraft(env.deps, env.clerk.actor, {
      type: 'CV', subject: `Về việc đo hiệu năng hộp thư đến, văn bản ${i}`, recipients: env.recipients.slice(0, 10).map((u) => u.id),
    });
    async function* parts(): AsyncGenerator<UploadPart> {
      yield { kind: 'file', filename: `api-${i}.pdf`, stream: Readable.from([makePdf(`api bench ${i} ${doc.id}`)]) };
    }
    await uploadFiles(env.deps, env.clerk.actor, doc.id, parts());
    await issueDocument(env.deps, env.clerk.actor, doc.id);
  }
  const { token } = await login({ ...env.deps, secret: new TextEncoder().encode(env.config.appSecret!) }, { username: user.username, password: 'bench-password-1' });
  return token;
}

export async function benchApi(env: BenchEnv): Promise<SummaryRow[]> {
  const token = await inboxOwner(env);
  const routes: Array<[string, string, string | null]> = [
    ['healthz', '/healthz', null],
    ['me', '/api/me', token],
    ['inbox', '/api/inbox?limit=20', token],
  ];
  const results: Record<string, RouteResult> = {};
  for (const [name, path, tok] of routes) {
    await hammer(env.baseUrl, path, tok, 1000);
    const profile = PROFILE && name === 'inbox' ? await startProfile() : null;
    const r = await hammer(env.baseUrl, path, tok, SECONDS * 1000);
    if (profile) say(`CPU profile of the inbox run: ${await profile()}`);
    results[name] = r;
    say(`${path}: ${fmt(r.rps, 0)} req/s with ${CLIENTS} keep-alive clients (n=${r.n}); p50 ${fmt(r.p50, 2)} ms, p95 ${fmt(r.p95, 2)} ms, p99 ${fmt(r.p99, 2)} ms`);
  }
  const { healthz, me, inbox } = results as Record<'healthz' | 'me' | 'inbox', RouteResult>;
  say(`inbox / me = ${fmt(inbox.rps / me.rps, 2)} (target ≥ 0.25); me / healthz = ${fmt(me.rps / healthz.rps, 2)}`);
  const row = (metric: string, r: RouteResult, base: RouteResult, baseName: string): SummaryRow => ({
    bench: 'api ×10 clients', metric, value: fmt(r.rps, 0), baseline: `${fmt(base.rps, 0)} (${baseName})`, ratio: fmt(r.rps / base.rps, 2),
    note: `p50 ${fmt(r.p50, 2)} / p95 ${fmt(r.p95, 2)} / p99 ${fmt(r.p99, 2)} ms`,
  });
  return [
    row('GET /api/me req/s', me, healthz, '/healthz'),
    row('GET /api/inbox (20) req/s', inbox, me, '/api/me'),
  ];
}
