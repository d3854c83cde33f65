// npm run bench [-- issue|upload ...]: runs the benches against one embedded PostgreSQL and the
// real app, prints ratios to baselines measured in the same run, and a summary table. Results
// never fail the run; only errors do (exit code 1). BENCH_ISSUE_N (default 150) sets documents per
// timed issue pass.
import { setupBenchEnv, type BenchEnv } from './env.js';
import { benchIssue } from './issue.js';
import { printTable, type SummaryRow } from './stats.js';
import { benchUpload } from './upload.js';

/**
 * Run order when none is named: upload first, because its RSS-growth figure is only meaningful
 * in a young process; after the issue bench the allocator holds freed memory that the upload then
 * reuses, which would hide growth.
 */
const BENCHES: Record<string, (env: BenchEnv) => Promise<SummaryRow[]>> = {
  upload: benchUpload,
  issue: benchIssue,
};
/** A hung step (a stuck query, a stalled socket) must not keep the run alive forever. */
const WATCHDOG_MS = 10 * 60_000;

const args = process.argv.slice(2).filter((a) => a !== '--');
const unknown = args.filter((a) => !(a in BENCHES));
if (unknown.length) {
  process.stderr.write(`unknown bench: ${unknown.join(', ')} (choose from: ${Object.keys(BENCHES).join(', ')})\n`);
  process.exit(2);
}
const selected = args.length ? Object.keys(BENCHES).filter((b) => args.includes(b)) : Object.keys(BENCHES);

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
  env = await setupBenchEnv();
  for (const name of selected) {
    process.stdout.write(`\n== ${name} ==\n`);
    rows.push(...(await BENCHES[name]!(env)));
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
