// The scale bench end to end at a tiny size, in a child process (`npm run bench -- scale` as an
// operator runs it; compiled when npm test runs the compiled tree): the province is generated with the expected counts, every figure is printed,
// and a second open of the same size reuses the cached cluster. Correctness only — never time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { openScaleDatabase, migrationTag } from '../bench/scale-gen.js';
import { SCALE_UNITS, USERS_PER_UNIT } from '../bench/scale-org.js';
import { entryArgs } from './helpers/processes.js';

const DOCS = 2_000;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function runBench(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...entryArgs('bench/run.ts'), 'scale'], {
      cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), 170_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

test('scale bench: generates the province, prints every figure, reuses the cache', { timeout: 240_000 }, async (t) => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lienthong-scale-test-'));
  // The cluster runs as `postgres` under root: it must be able to traverse the folder.
  await fs.chmod(dataDir, 0o755);
  t.after(() => fs.rm(dataDir, { recursive: true, force: true }));

  const { code, out } = await runBench({ BENCH_SCALE_DOCS: String(DOCS), BENCH_SCALE_ITER: '5', BENCH_SCALE_ISSUES: '2', DATA_DIR: dataDir });
  assert.equal(code, 0, out.slice(-3000));
  t.diagnostic(out.split('\n').filter((l) => /generated in|bench total/.test(l)).join(' | '));

  const counts = JSON.parse(/\[scale\] counts: (\{.*\})/.exec(out)?.[1] ?? 'null') as
    { units: number; users: number; documents: number; deliveries: number; texts: number; indexed: number } | null;
  assert.ok(counts, out.slice(-3000));
  assert.equal(counts.units, SCALE_UNITS);
  assert.equal(counts.users, SCALE_UNITS * USERS_PER_UNIT);
  // The generated documents, the one to 2,000 units, and the two live issues to 2,000 units (the first after start is timed with the other).
  assert.equal(counts.documents, DOCS + 3);
  assert.ok(counts.deliveries >= DOCS * 4 + 3 * 2_000 && counts.deliveries <= DOCS * 17 + 3 * 2_000, `deliveries ${counts.deliveries}`);
  assert.match(out, /issue to 2000 units \(the first after start\): \d+ ms/);
  assert.ok(counts.texts > DOCS * 0.2 && counts.texts < DOCS * 0.4, `texts ${counts.texts}`);
  assert.ok(counts.indexed >= DOCS + 1, `indexed ${counts.indexed}`);

  for (const figure of [
    'GET /api/me p50/p95/p99', 'PK lookup (SQL) p50/p95/p99', 'search (10 queries) p50/p95/p99', 'search while typing (6 prefixes) p50/p95/p99', 'inbox page 1 p50/p95/p99',
    'inbox req/s, 10 clients', 'tracking, 2000 recipients p50/p95/p99', 'dashboard p50/p95/p99', 'issue to 2000 units p50/p95/p99',
    'generation s',
  ]) {
    assert.ok(out.includes(figure), `figure "${figure}" missing from:\n${out.slice(-3000)}`);
  }
  assert.match(out, /inbox page \d+ \(cursor\) p50\/p95\/p99/);
  assert.match(out, /register incoming \d{4} p50\/p95\/p99/);
  assert.match(out, /register outgoing \d{4} p50\/p95\/p99/);

  const dir = path.join(dataDir, 'bench-scale', `${DOCS}-${migrationTag()}`);
  assert.ok(existsSync(path.join(dir, 'ready.json')), 'the marker is written once generation finished');
  const again = await openScaleDatabase(DOCS, dataDir);
  try {
    assert.equal(again.generated, false, 'the second open reuses the cached province');
    const sql = postgres(again.url, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql`
        select (select count(*)::int from documents) as documents,
          (select count(*)::int from deliveries dl where not exists (select 1 from documents d where d.id = dl.document_id)) as orphans,
          (select count(*)::int from deliveries dl where not exists (select 1 from units u where u.id = dl.recipient_unit_id)) as lost_units,
          (select count(*)::int from events e where e.document_id = ${again.info.bigDocumentId}::uuid and e.type = 'delivery.created') as tracked,
          (select last_event_id from search_state where id = 1) >= (select max(id) from events where document_id = ${again.info.bigDocumentId}::uuid) as cursor_ok`;
      assert.equal(row!.documents, DOCS + 3);
      // Copied without foreign-key triggers: the rows must be consistent by construction.
      assert.equal(row!.orphans, 0);
      assert.equal(row!.lost_units, 0);
      assert.equal(row!.tracked, 2_000);
      assert.equal(row!.cursor_ok, true);
    } finally {
      await sql.end({ timeout: 5 });
    }
  } finally {
    await again.pg.stop();
  }
});
