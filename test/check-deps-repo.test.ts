// The architecture rules (docs/architecture.md) hold for this repository: `npm run check:deps` finds nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { entryArgs } from './helpers/processes.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

test('check:deps passes on this repository', async () => {
  const { code, out } = await new Promise<{ code: number; out: string }>((resolve, reject) => {
    const child = spawn(process.execPath, entryArgs('scripts/check-deps.ts'), { cwd: root });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (c) => resolve({ code: c ?? 1, out }));
  });
  assert.equal(code, 0, `npm run check:deps reports violations:\n${out}`);
});
