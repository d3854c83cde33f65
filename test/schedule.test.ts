import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { type FileResult, fileFailed, LIGHT_SECONDS, NEEDS_QUIET, orderFiles, pickNext, readTapCounts, summarize } from './schedule.js';

const TAP_OK = 'TAP version 13\nok 1 - a\n1..1\n# tests 1\n# suites 0\n# pass 1\n# fail 0\n# cancelled 0\n# skipped 0\n# todo 0\n# duration_ms 5\n';

function result(file: string, code: number, tap: string, seconds = 1): FileResult {
  return { file, code, tap, seconds, output: '', counts: readTapCounts(tap) };
}

test('npm test order: longest recorded first, unknown files as 60 s, ties by name', () => {
  const order = orderFiles(['test/a.test.ts', 'test/b.test.ts', 'test/c.test.ts', 'test/new.test.ts'], {
    'test/a.test.ts': 5, 'test/b.test.ts': 90, 'test/c.test.ts': 5,
  });
  assert.deepEqual(order, ['test/b.test.ts', 'test/new.test.ts', 'test/a.test.ts', 'test/c.test.ts']);
});

test('npm test summary: a file fails on a failed or cancelled test, a non-zero exit, or a TAP without its counts', () => {
  assert.deepEqual(readTapCounts(TAP_OK), { tests: 1, pass: 1, fail: 0, cancelled: 0, skipped: 0, todo: 0 });
  assert.equal(readTapCounts('TAP version 13\nok 1 - a\n'), null);
  assert.equal(fileFailed(result('test/a.test.ts', 0, TAP_OK)), false);
  assert.equal(fileFailed(result('test/a.test.ts', 1, TAP_OK)), true);
  assert.equal(fileFailed(result('test/a.test.ts', 0, TAP_OK.replace('# fail 0', '# fail 1'))), true);
  assert.equal(fileFailed(result('test/a.test.ts', 0, TAP_OK.replace('# cancelled 0', '# cancelled 2'))), true);
  assert.equal(fileFailed(result('test/a.test.ts', 0, 'TAP version 13\n')), true);

  const good = summarize([result('test/a.test.ts', 0, TAP_OK, 3), result('test/b.test.ts', 0, TAP_OK, 7)], 8);
  assert.equal(good.ok, true);
  assert.match(good.text, /files 2 \(10 s of file time in 8 s\)/);
  assert.match(good.text, /ℹ pass 2/);
  assert.match(good.text, /slowest: b\.test\.ts 7 s, a\.test\.ts 3 s/);
  const bad = summarize([result('test/a.test.ts', 0, TAP_OK), result('test/b.test.ts', 1, 'TAP version 13\n')], 2);
  assert.equal(bad.ok, false);
  assert.match(bad.text, /✖ test\/b\.test\.ts: ended without a summary/);
  assert.equal(summarize([], 0).ok, false, 'a run of no files is not a pass');
});

test('npm test order: a timing-sensitive file runs only beside light files, and the run stays balanced', () => {
  const known: Record<string, number> = JSON.parse(fs.readFileSync(new URL('./durations.json', import.meta.url), 'utf8'));
  const files = orderFiles(Object.keys(known), known);
  // Two workers, simulated with the recorded seconds.
  const queue = [...files];
  const running = new Map<string, number>(); // file → end time
  const spans: Array<{ file: string; start: number; end: number }> = [];
  let now = 0;
  while (queue.length > 0 || running.size > 0) {
    let file: string | null;
    while (running.size < 2 && (file = pickNext(queue, running.keys(), known))) {
      queue.splice(queue.indexOf(file), 1);
      running.set(file, now + Math.max(known[file]!, 0.1));
      spans.push({ file, start: now, end: now + Math.max(known[file]!, 0.1) });
    }
    const [next, end] = [...running].sort((a, b) => a[1] - b[1])[0]!;
    running.delete(next);
    now = end;
  }
  const total = files.reduce((s, f) => s + known[f]!, 0);
  assert.ok(now <= total / 2 + 60, `wall ${now.toFixed(0)} s for ${total} s of files`);
  for (const q of NEEDS_QUIET) {
    const span = spans.find((s) => s.file === q);
    if (!span) continue;
    const beside = spans.filter((s) => s.file !== q && s.start < span.end && s.end > span.start);
    assert.ok(beside.every((s) => known[s.file]! <= LIGHT_SECONDS), `${q} beside ${beside.map((s) => s.file).join(', ')}`);
  }
  assert.equal(spans.length, files.length);
});

test('pickNext: waits (null) rather than start a heavy file beside a quiet one or a quiet one beside a heavy one', () => {
  const known = { 'test/startup.test.ts': 100, 'test/crash.test.ts': 90, 'test/a.test.ts': 5 };
  assert.equal(pickNext(['test/startup.test.ts', 'test/crash.test.ts'], ['test/a.test.ts'], known), 'test/startup.test.ts');
  assert.equal(pickNext(['test/startup.test.ts', 'test/a.test.ts'], ['test/crash.test.ts'], known), 'test/a.test.ts');
  assert.equal(pickNext(['test/startup.test.ts'], ['test/crash.test.ts'], known), null);
  assert.equal(pickNext(['test/crash.test.ts'], ['test/startup.test.ts'], known), null);
  assert.equal(pickNext(['test/crash.test.ts'], [], known), 'test/crash.test.ts');
});
