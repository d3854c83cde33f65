// npm test: one embedded PostgreSQL for the whole run; every test file makes its own database in it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { runMigrations } from '../src/db/migrate.js';
import { buildTestTree } from './build.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const filter = process.argv.slice(2);
const concurrency = Math.max(1, Number(process.env.TEST_CONCURRENCY) || 2);
const files = fs
  .readdirSync(path.join(root, 'test'))
  .filter((f) => f.endsWith('.test.ts'))
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
  .sort()
  .map((f) => path.join('test', f));
// TEST_TSX=1 runs the sources through tsx in every process instead (slower; see test/build.ts).
const viaTsx = process.env.TEST_TSX === '1';

// The data directory must be reachable by the `postgres` user when tests run as root.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-test-pg-'));
fs.chmodSync(dir, 0o755);
const pg = await startEmbeddedPostgres({ dir: path.join(dir, 'pg') });
let code = 1;
let build: string | null = null;
try {
  // Every test's fresh database is a copy of this one, migrated once (a copy costs a third of migrating).
  const template = 'lienthong_template';
  const admin = postgres(pg.url('postgres'), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${template}`);
  await admin.end();
  await runMigrations(pg.url(template));
  build = viaTsx ? null : buildTestTree(root);
  const runFiles = build ? files.map((f) => f.replace(/\.ts$/, '.js')) : files;
  code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      // Two files at a time on two cores (a third made the run no faster, and the start-up test's
      // 10-second restart slower than it allows). TEST_CONCURRENCY overrides.
      [
        ...(build ? ['--enable-source-maps'] : ['--import', 'tsx']),
        '--test',
        `--test-concurrency=${concurrency}`,
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        // TEST_TAP=file also writes TAP there (each test's duration_ms: where the run's time goes).
        ...(process.env.TEST_TAP ? ['--test-reporter=tap', `--test-reporter-destination=${process.env.TEST_TAP}`] : []),
        ...runFiles,
      ],
      { cwd: build ?? root, stdio: 'inherit', env: { ...process.env, LIENTHONG_TEST_PG: pg.url('postgres'), LIENTHONG_TEST_TEMPLATE: template } },
    );
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
} finally {
  await pg.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  if (build) fs.rmSync(build, { recursive: true, force: true });
}
process.exit(code);
