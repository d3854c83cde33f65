// npm test: one embedded PostgreSQL for the whole run; every test file makes its own database in it.
// Files run two at a time, each in its own node process, longest first (test/durations.json, the
// seconds each file took when last recorded), so the run does not end on one long file alone. A file's
// output is printed whole when it ends, with its time; the run ends with the summary of every file.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { runMigrations } from '../src/db/migrate.js';
import { startCacheBase } from '../scripts/build-tree.mjs';
import { buildTestTree } from './build.js';
import { type FileResult, orderFiles, pickNext, readTapCounts, summarize } from './schedule.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const filter = process.argv.slice(2);
const concurrency = Math.max(1, Number(process.env.TEST_CONCURRENCY) || 2);
const durationsFile = path.join(root, 'test', 'durations.json');
const known = fs.existsSync(durationsFile) ? (JSON.parse(fs.readFileSync(durationsFile, 'utf8')) as Record<string, number>) : {};
const files = orderFiles(
  fs
    .readdirSync(path.join(root, 'test'))
    .filter((f) => f.endsWith('.test.ts'))
    .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
    .map((f) => `test/${f}`),
  known,
);
// TEST_TSX=1 runs the sources through tsx in every process instead (slower; see test/build.ts).
const viaTsx = process.env.TEST_TSX === '1';

/** Runs one test file in its own process; its spec output is kept and printed when it ends. */
function runFile(file: string, cwd: string, env: NodeJS.ProcessEnv, tapDir: string): Promise<FileResult> {
  const tap = path.join(tapDir, `${path.basename(file)}.tap`);
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        ...(viaTsx ? ['--import', 'tsx'] : ['--enable-source-maps']),
        '--import', `./test/helpers/preload.${viaTsx ? 'ts' : 'js'}`,
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=tap',
        `--test-reporter-destination=${tap}`,
        viaTsx ? file : file.replace(/\.ts$/, '.js'),
      ],
      { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const out: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => out.push(d));
    child.on('close', (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      const text = fs.existsSync(tap) ? fs.readFileSync(tap, 'utf8') : '';
      const cpuFile = path.join(tapDir, `${path.basename(file).replace(/\.ts$/, '.js')}.cpu`);
      const cpu = fs.existsSync(cpuFile) ? Number(fs.readFileSync(cpuFile, 'utf8')) : undefined;
      resolve({ file, seconds, cpu, code: code ?? (signal ? 1 : 0), output: Buffer.concat(out).toString('utf8'), tap: text, counts: readTapCounts(text) });
    });
  });
}

// The data directory must be reachable by the `postgres` user when tests run as root.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-test-pg-'));
fs.chmodSync(dir, 0o755);
const pg = await startEmbeddedPostgres({ dir: path.join(dir, 'pg') });
let code = 1;
let build: string | null = null;
const started = performance.now();
try {
  // Every test's fresh database is a copy of this one, migrated once (a copy costs a third of migrating).
  const template = 'lienthong_template';
  const admin = postgres(pg.url('postgres'), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${template}`);
  await admin.end();
  await runMigrations(pg.url(template));
  build = viaTsx ? null : buildTestTree(root);
  const cwd = build ?? root;
  const tapDir = path.join(dir, 'tap');
  const env = { ...process.env, LIENTHONG_TEST_PG: pg.url('postgres'), LIENTHONG_TEST_TEMPLATE: template, LIENTHONG_TEST_CPU_DIR: tapDir };
  fs.mkdirSync(tapDir);
  const results: FileResult[] = [];
  const queue = [...files];
  const running = new Set<string>();
  let ended: () => void = () => {};
  let someEnd = new Promise<void>((r) => (ended = r));
  // Two files at a time on two cores (a third made the run no faster, and the start-up test's
  // 10-second restart slower than it allows). TEST_CONCURRENCY overrides. Timing-sensitive files
  // start only beside light ones (pickNext); a worker with nothing it may start waits for an end.
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      while (queue.length > 0) {
        const file = pickNext(queue, running, known);
        if (!file) {
          await someEnd;
          continue;
        }
        queue.splice(queue.indexOf(file), 1);
        running.add(file);
        const r = await runFile(file, cwd, env, tapDir);
        running.delete(file);
        const wake = ended;
        someEnd = new Promise<void>((res) => (ended = res));
        wake();
        results.push(r);
        process.stdout.write(`\n━━ ${r.file} (${r.seconds.toFixed(1)} s${r.cpu !== undefined ? `, CPU ${r.cpu.toFixed(1)} s` : ''}${r.code ? `, exit ${r.code}` : ''})\n${r.output}`);
      }
    }),
  );
  const summary = summarize(results, (performance.now() - started) / 1000);
  process.stdout.write(`\n${summary.text}\n`);
  // TEST_TAP=file also writes every file's TAP there (each test's duration_ms: where the run's time goes).
  if (process.env.TEST_TAP) fs.writeFileSync(process.env.TEST_TAP, results.map((r) => `# file: ${r.file}\n${r.tap}`).join('\n'));
  // TEST_RECORD=1 keeps this run's time per file for the next run's order.
  if (process.env.TEST_RECORD === '1') {
    const next = { ...known, ...Object.fromEntries(results.map((r) => [r.file, Math.round(r.seconds)])) };
    const sorted = Object.fromEntries(Object.entries(next).sort(([a], [b]) => a.localeCompare(b)));
    fs.writeFileSync(durationsFile, `${JSON.stringify(sorted, null, 2)}\n`);
  }
  code = summary.ok ? 0 : 1;
} finally {
  await pg.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  if (build) {
    // `npm start` in the copy compiled into the checkout's node_modules (linked): that goes with the copy.
    fs.rmSync(startCacheBase(build), { recursive: true, force: true });
    fs.rmSync(build, { recursive: true, force: true });
  }
}
process.exit(code);
