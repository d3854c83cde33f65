import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { compiledTree, sourceFingerprint, startCacheBase } from '../scripts/build-tree.mjs';

/** A checkout in miniature: src/ with a module and a non-TypeScript file, tsconfig.json, package.json, node_modules/. */
function miniCheckout(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-start-build-'));
  fs.mkdirSync(path.join(root, 'src', 'lib'), { recursive: true });
  fs.mkdirSync(path.join(root, 'node_modules'));
  fs.mkdirSync(path.join(root, 'drizzle'));
  fs.writeFileSync(path.join(root, 'src', 'lib', 'value.ts'), 'export const value: number = 1;\n');
  fs.writeFileSync(path.join(root, 'src', 'lib', 'page.html'), '<p>static</p>\n');
  fs.writeFileSync(path.join(root, 'src', 'main.ts'), [
    "import fs from 'node:fs';",
    "import { value } from './lib/value.js';",
    "const html = fs.readFileSync(new URL('./lib/page.html', import.meta.url), 'utf8').trim();",
    "const migrations = fs.existsSync(new URL('../drizzle', import.meta.url));",
    'process.stdout.write(JSON.stringify({ value, html, migrations }));',
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', verbatimModuleSyntax: true } }));
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'mini', type: 'module' }));
  return root;
}

const run = (dir: string) => JSON.parse(spawnSync(process.execPath, [path.join(dir, 'src', 'main.js')], { encoding: 'utf8' }).stdout);

test('npm start\'s compiled tree: built once, reused while src/ is unchanged, rebuilt (old build removed) after a change; paths resolve as in the checkout', (t) => {
  const root = miniCheckout();
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));

  const first = compiledTree(root);
  assert.equal(path.dirname(first), startCacheBase(root), first);
  assert.ok(first.startsWith(path.join(root, 'node_modules', '.cache', 'lienthong')), first);
  assert.deepEqual(run(first), { value: 1, html: '<p>static</p>', migrations: true });
  const builtAt = fs.statSync(path.join(first, 'src', 'main.js')).mtimeMs;

  assert.equal(compiledTree(root), first, 'the same sources reuse the build');
  assert.equal(fs.statSync(path.join(first, 'src', 'main.js')).mtimeMs, builtAt, 'and do not compile again');

  const before = sourceFingerprint(root);
  fs.writeFileSync(path.join(root, 'src', 'lib', 'value.ts'), 'export const value: number = 2;\n');
  const later = new Date(Date.now() + 5_000);
  fs.utimesSync(path.join(root, 'src', 'lib', 'value.ts'), later, later);
  assert.notEqual(sourceFingerprint(root), before, 'a changed file changes the fingerprint');
  const second = compiledTree(root);
  assert.notEqual(second, first);
  assert.deepEqual(run(second), { value: 2, html: '<p>static</p>', migrations: true });
  assert.equal(fs.existsSync(first), false, 'the build of the older sources is removed');
  assert.deepEqual(fs.readdirSync(path.dirname(second)).filter((f) => f.includes('.tmp-')), [], 'no half-built folder left');

  // A file added under src/ (not only a changed one) also counts.
  fs.writeFileSync(path.join(root, 'src', 'lib', 'extra.ts'), 'export {};\n');
  assert.notEqual(compiledTree(root), second);
});
