// npm run bench [-- upload|issue|fanout|signing ...]: runs the benches, prints ratios to baselines
// measured in the same run, and a summary table. Benches that need it share one embedded
// PostgreSQL and the real app, started only if a selected bench needs them and stopped as soon as
// the last of those is done; each bench's module is loaded only when it runs, so `-- signing`
// loads neither the database nor the app. Results never fail the run; only errors do (exit code
// 1). BENCH_ISSUE_N (default 150) sets documents per timed issue pass; BENCH_SIGNING_RUNS
// (default 30), BENCH_SIGNING_WARMUP (default 10) and BENCH_SIGNING_PROFILE=1 tune the signing
// bench. The fanout bench (10,000 socket.io clients in child processes) takes BENCH_FANOUT_USERS
// (default 10000), BENCH_FANOUT_PROCS (default 4) and BENCH_FANOUT_ROUNDS (default 3). The exchange
// bench (an axis and two connected systems, each its own database on the shared PostgreSQL) takes
// BENCH_EXCHANGE_DOCS (default 200) and BENCH_EXCHANGE_UNITS (default 10). The api bench (10
// keep-alive clients on /healthz, /api/me and /api/inbox) takes BENCH_API_SECONDS (default 5).
// The web bench (chromium on a throttled 3G profile reading a 5 MB scan; see bench/web.ts) needs
// Debian chromium. The scale bench (a generated province, BENCH_SCALE_DOCS documents, default 1,000,000, cached
// under DATA_DIR/bench-scale; see bench/scale.ts) runs only when named (`-- scale`): generating 1M
// documents takes far longer than the others together. It has its own watchdog limit,
// BENCH_SCALE_LIMIT_MIN (default 360), instead of the 10 minutes.
import type { BenchEnv } from './env.js';
import { printTable, type SummaryRow } from './stats.js';

type Bench = (
  | { needsEnv: true; load: () => Promise<(env: BenchEnv) => Promise<SummaryRow[]>> }
  | { needsEnv: false; load: () => Promise<() => Promise<SummaryRow[]>> }
) & { onlyWhenNamed?: true; limitMs?: number };

/**
 * Run order when none is named: upload first, because its RSS-growth figure is only meaningful
 * in a young process; after the issue bench the allocator holds freed memory that the upload then
 * reuses, which would hide growth. Fanout after issue: it adds 1,000 units and 10,000 users to the
 * shared database, which the issue bench should not see, and its 10,000 sockets are closed before
 * anything else runs. Exchange after fanout: its four apps use their own databases (dropped at its
 * end), so it cannot disturb the shared one; its import-memory figure is cleanest on its own
 * (`-- exchange`), in a young process. Signing last: it is CPU-bound and needs no database, so it runs
 * once PostgreSQL has been stopped, and checkpoints or autovacuum cannot take CPU from it.
 */
const BENCHES: Record<string, Bench> = {
  upload: { needsEnv: true, load: async () => (await import('./upload.js')).benchUpload },
  issue: { needsEnv: true, load: async () => (await import('./issue.js')).benchIssue },
  api: { needsEnv: true, load: async () => (await import('./api.js')).benchApi },
  fanout: { needsEnv: true, load: async () => (await import('./fanout.js')).benchFanout },
  exchange: { needsEnv: true, load: async () => (await import('./exchange.js')).benchExchange },
  signing: { needsEnv: false, load: async () => (await import('./signing.js')).benchSigning },
  text: { needsEnv: false, load: async () => (await import('./text.js')).benchText },
  web: { needsEnv: true, load: async () => (await import('./web.js')).benchWeb },
  scale: { needsEnv: false, onlyWhenNamed: true, limitMs: (Number(process.env.BENCH_SCALE_LIMIT_MIN) || 360) * 60_000, load: async () => (await import('./scale.js')).benchScale },
};
/** A hung step (a stuck query, a stalled socket) must not keep the run alive forever. */
const DEFAULT_WATCHDOG_MS = 10 * 60_000;

const args = process.argv.slice(2).filter((a) => a !== '--');
const unknown = args.filter((a) => !(a in BENCHES));
if (unknown.length) {
  process.stderr.write(`unknown bench: ${unknown.join(', ')} (choose from: ${Object.keys(BENCHES).join(', ')})\n`);
  process.exit(2);
}
const selected = args.length ? Object.keys(BENCHES).filter((b) => args.includes(b)) : Object.keys(BENCHES).filter((b) => !BENCHES[b]!.onlyWhenNamed);
const WATCHDOG_MS = Math.max(DEFAULT_WATCHDOG_MS, ...selected.map((b) => BENCHES[b]!.limitMs ?? 0));

let env: BenchEnv | null = null;
let exiting = false;
async function abort(reason: string, code: number) {
  if (exiting) return;
  exiting = true;
  process.stderr.write(`\nbench aborted: ${reason}\n`);
  await env?.close().catch(() => undefined);
  process.exit(code);
}
const watchdog = setTimeout(() => void abort(`still running after ${WATCHDOG_MS / 60_000} min`, 1), WATCHDOG_MS);
process.once('SIGINT', () => void abort('SIGINT', 130));
process.once('SIGTERM', () => void abort('SIGTERM', 143));

const t0 = performance.now();
const rows: SummaryRow[] = [];
let code = 0;
try {
  process.stdout.write(`lienthong bench: ${selected.join(', ')} (node ${process.version}, ${process.platform}/${process.arch})\n`);
  // The env is closed right after the last bench that uses it (findLastIndex is ES2023, not in our lib).
  const lastEnvBench = selected.reduce((last, name, i) => (BENCHES[name]!.needsEnv ? i : last), -1);
  for (const [i, name] of selected.entries()) {
    const bench = BENCHES[name]!;
    process.stdout.write(`\n== ${name} ==\n`);
    if (bench.needsEnv) {
      env ??= await (await import('./env.js')).setupBenchEnv();
      rows.push(...(await (await bench.load())(env)));
    } else {
      rows.push(...(await (await bench.load())()));
    }
    if (i === lastEnvBench && env) {
      await env.close();
      env = null;
    }
  }
} catch (err) {
  code = 1;
  process.stderr.write(`\nbench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
} finally {
  await env?.close();
  clearTimeout(watchdog);
}
if (rows.length) {
  process.stdout.write(`\n== summary (ratio = value / baseline measured in this run) ==\n${printTable(rows)}\n`);
}
process.stdout.write(`\ntotal ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
process.exit(code);
