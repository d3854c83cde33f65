// scripts/check-deps.ts on small fixture trees: each rule fails where it should, a clean tree passes. No database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { entryArgs } from './helpers/processes.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

type Files = Record<string, string>;

/** A tree that follows every rule: a read-only join on another module's table, db/schema.ts re-exporting tables,
 *  a workflow and the cli calling module functions, and a Map.delete() that is not a table write. */
const CLEAN: Files = {
  'src/config.ts': `export const config = { port: 3000 };\n`,
  'src/lib/time.ts': `export const now = () => new Date();\n`,
  'src/db/client.ts': `export type Db = any;\n`,
  'src/db/schema.ts': [
    `export * from '../modules/orgs/tables.js';`,
    `export * from '../modules/documents/tables.js';`,
    ``,
  ].join('\n'),
  'src/modules/orgs/tables.ts': [
    `import { pgTable, text, uuid } from 'drizzle-orm/pg-core';`,
    `export const units = pgTable('units', { id: uuid('id').primaryKey(), name: text('name').notNull() });`,
    `export const users = pgTable('users', { id: uuid('id').primaryKey(), unitId: uuid('unit_id').notNull() });`,
    ``,
  ].join('\n'),
  'src/modules/orgs/units.ts': [
    `import { sql } from 'drizzle-orm';`,
    `import type { Db } from '../../db/client.js';`,
    `import { units } from './tables.js';`,
    `export async function renameUnit(db: Db, id: string, name: string) {`,
    `  await db.update(units).set({ name });`,
    `  await db.execute(sql\`insert into units (id, name) values (\${id}, \${name})\`);`,
    `}`,
    ``,
  ].join('\n'),
  'src/modules/documents/tables.ts': [
    `import { pgTable, uuid } from 'drizzle-orm/pg-core';`,
    `import { units } from '../orgs/tables.js';`,
    `export const documents = pgTable('documents', { id: uuid('id').primaryKey(), unitId: uuid('unit_id').references(() => units.id) });`,
    ``,
  ].join('\n'),
  'src/modules/documents/service.ts': [
    `import { eq, sql } from 'drizzle-orm';`,
    `import type { Db } from '../../db/client.js';`,
    `import { units } from '../orgs/tables.js';`,
    `import { documents } from './tables.js';`,
    `export type DocumentRow = { id: string };`,
    `export async function listWithUnits(db: Db) {`,
    `  await db.execute(sql\`select * from units join documents on documents.unit_id = units.id\`);`,
    `  return db.select().from(documents).innerJoin(units, eq(units.id, documents.unitId));`,
    `}`,
    `export async function createDocument(db: Db, id: string) {`,
    `  await db.insert(documents).values({ id });`,
    `}`,
    `const seen = new Map<string, boolean>();`,
    `export function forget(users: string) { seen.delete(users); }`,
    ``,
  ].join('\n'),
  'src/workflows/publish.ts': [
    `import type { Db } from '../db/client.js';`,
    `import { createDocument } from '../modules/documents/service.js';`,
    `import { renameUnit } from '../modules/orgs/units.js';`,
    `export async function publish(db: Db) { await createDocument(db, 'd'); await renameUnit(db, 'u', 'n'); }`,
    ``,
  ].join('\n'),
  'src/cli/seed.ts': [
    `import { createDocument } from '../modules/documents/service.js';`,
    `export const seed = (db: any) => createDocument(db, 'seed');`,
    ``,
  ].join('\n'),
  'src/server.ts': [
    `import { config } from './config.js';`,
    `import { publish } from './workflows/publish.js';`,
    `export const start = () => [config, publish];`,
    ``,
  ].join('\n'),
  'src/main.ts': [`const { seed } = await import('./cli/seed.js');`, `const { start } = await import('./server.js');`, `void seed; void start;`, ``].join('\n'),
};

async function fixture(t: { after(fn: () => Promise<void>): void }, extra: Files = {}): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lienthong-check-deps-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  for (const [rel, text] of Object.entries({ ...CLEAN, ...extra })) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), text);
  }
  return dir;
}

function checkDeps(tree: string, ...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...entryArgs('scripts/check-deps.ts'), '--root', tree, ...args], { cwd: root });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? 1, out }));
  });
}

/** The lines reporting `rule`, as `file:line` strings. */
function sites(out: string, rule: string): string[] {
  return out
    .split('\n')
    .filter((l) => l.split(/\s{2,}/)[1] === rule)
    .map((l) => l.split(/\s{2,}/)[0]!);
}

test('a clean tree passes (read-only join, db/schema.ts re-exports, workflow and cli call module functions)', async (t) => {
  const { code, out } = await checkDeps(await fixture(t));
  assert.equal(code, 0, out);
  assert.match(out, /check:deps: OK, no violations/);
});

test('a module writing another module\u2019s table with drizzle fails: cross-module-write', async (t) => {
  const tree = await fixture(t, {
    'src/modules/documents/rename.ts': [
      `import type { Db } from '../../db/client.js';`,
      `import {`,
      `  units,`,
      `} from '../orgs/tables.js';`,
      `import * as schema from '../../db/schema.js';`,
      `export async function rename(db: Db) {`,
      `  await db`,
      `    .update(units)`,
      `    .set({ name: 'x' });`,
      `  await db.transaction(async (tx: any) => tx.delete(schema.users));`,
      `}`,
      ``,
    ].join('\n'),
  });
  const { code, out } = await checkDeps(tree);
  assert.equal(code, 1, out);
  assert.deepEqual(sites(out, 'cross-module-write'), ['src/modules/documents/rename.ts:8', 'src/modules/documents/rename.ts:10'], out);
  assert.match(out, /modules\/documents writes units \(owned by modules\/orgs\)/);
  assert.match(out, /modules\/documents writes users \(owned by modules\/orgs\)/);
});

test('a module writing another module\u2019s table in raw SQL fails: cross-module-write', async (t) => {
  const tree = await fixture(t, {
    'src/modules/documents/touch.ts': [
      `import { sql } from 'drizzle-orm';`,
      `import type { Db } from '../../db/client.js';`,
      `export async function touch(db: Db, id: string) {`,
      `  await db.execute(sql\`select 1 from units; insert into units_archive select * from units\`);`,
      `  await db.execute(sql\``,
      `    UPDATE "units" SET name = \${'x'}`,
      `    WHERE id = \${id}\`);`,
      `  await db.execute(sql\`delete from users where id = \${id}\`);`,
      `}`,
      ``,
    ].join('\n'),
  });
  const { code, out } = await checkDeps(tree);
  assert.equal(code, 1, out);
  assert.deepEqual(sites(out, 'cross-module-write'), ['src/modules/documents/touch.ts:6', 'src/modules/documents/touch.ts:8'], out);
  assert.match(out, /raw SQL update units/);
  assert.match(out, /raw SQL delete from users/);
});

const MUTUAL: [string, string][] = [
  ['import type', `import type { DocumentRow } from '../documents/service.js';\nexport type Row = DocumentRow;\n`],
  ['a dynamic import', `export async function later() {\n  const { forget } = await import('../documents/service.js');\n  forget('x');\n}\n`],
  ['a multi-line export … from', `export {\n  forget,\n} from '../documents/service.js';\n`],
];

for (const [how, text] of MUTUAL) {
  test(`two modules importing each other (back edge via ${how}) fail: mutual-import`, async (t) => {
    const tree = await fixture(t, { 'src/modules/orgs/back.ts': text });
    const { code, out } = await checkDeps(tree);
    assert.equal(code, 1, out);
    assert.equal(sites(out, 'mutual-import').length, 1, out);
    assert.match(out, /mutual-import {2}documents ↔ orgs/);
    assert.match(out, /\(e\.g\. src\/modules\/orgs\/back\.ts:\d+\)/);
  });
}

test('--graph prints the count of mutually importing pairs first; --allow-type-imports ignores type-only imports', async (t) => {
  const tree = await fixture(t, { 'src/modules/orgs/back.ts': MUTUAL[0]![1] });
  const graph = await checkDeps(tree, '--graph');
  assert.equal(graph.code, 1, graph.out);
  assert.equal(graph.out.split('\n')[0], 'mutual pairs: 1');
  assert.match(graph.out, /^ {2}documents ↔ orgs/m);
  assert.match(graph.out, /^ {2}documents → orgs \(\d+\)$/m);
  const allowed = await checkDeps(tree, '--allow-type-imports');
  assert.equal(allowed.code, 0, allowed.out);
});

test('a cycle of three modules fails: module-cycle', async (t) => {
  const tree = await fixture(t, {
    // documents → orgs (CLEAN), orgs → events, events → documents
    'src/modules/orgs/notify.ts': `import { record } from '../events/service.js';\nexport const notify = () => record();\n`,
    'src/modules/events/service.ts': `import type { DocumentRow } from '../documents/service.js';\nexport const record = (_?: DocumentRow) => 1;\n`,
  });
  const { code, out } = await checkDeps(tree);
  assert.equal(code, 1, out);
  assert.deepEqual(sites(out, 'mutual-import'), [], out);
  assert.match(out, /module-cycle {2}documents → orgs → events → documents/);
});

test('lib importing a module fails: lower-imports-upper', async (t) => {
  const tree = await fixture(t, {
    'src/lib/deps.ts': `import type { renameUnit } from '../modules/orgs/units.js';\nexport type Deps = { rename: typeof renameUnit };\n`,
  });
  const { code, out } = await checkDeps(tree);
  assert.equal(code, 1, out);
  assert.deepEqual(sites(out, 'lower-imports-upper'), ['src/lib/deps.ts:1'], out);
  assert.match(out, /lib → modules\/orgs/);
});

test('a module importing a workflow fails: module-imports-upper', async (t) => {
  const tree = await fixture(t, {
    'src/modules/documents/notify.ts': `import { publish } from '../../workflows/publish.js';\nexport const again = publish;\n`,
  });
  const { code, out } = await checkDeps(tree);
  assert.equal(code, 1, out);
  assert.deepEqual(sites(out, 'module-imports-upper'), ['src/modules/documents/notify.ts:1'], out);
  assert.match(out, /modules\/documents → workflows/);
});

test('a workflow writing a table directly fails: write-outside-module', async (t) => {
  const tree = await fixture(t, {
    'src/workflows/archive.ts': [
      `import type { Db } from '../db/client.js';`,
      `import { documents } from '../modules/documents/tables.js';`,
      `export async function archive(db: Db) {`,
      `  await db.delete(documents);`,
      `}`,
      ``,
    ].join('\n'),
  });
  const { code, out } = await checkDeps(tree);
  assert.equal(code, 1, out);
  assert.deepEqual(sites(out, 'write-outside-module'), ['src/workflows/archive.ts:4'], out);
  assert.match(out, /workflows writes documents \(owned by modules\/documents\)/);
});

test('the server importing from src/cli fails: imports-entry-point', async (t) => {
  const tree = await fixture(t, {
    'src/server.ts': `import { seed } from './cli/seed.js';\nexport const start = () => seed;\n`,
  });
  const { code, out } = await checkDeps(tree);
  assert.equal(code, 1, out);
  assert.deepEqual(sites(out, 'imports-entry-point'), ['src/server.ts:1'], out);
});
