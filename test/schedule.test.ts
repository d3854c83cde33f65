import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type FileResult, fileFailed, orderFiles, readTapCounts, summarize } from './schedule.js';

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
