// npm test runs the test files as JavaScript compiled once per run, not through tsx in every process:
// tsx's loader hooks run on a separate thread and are asked about every module each test process
// loads, which cost ≈ 2.5 s of CPU per process (≈ 70 processes a run). The tree is mirrored into a
// temporary directory: the folders holding TypeScript (src, test, bench, scripts) are made again with
// each file hard-linked (copied across file systems) — real files, so a check that walks the tree sees
// them — and each .ts file gets its compiled .js beside it (esbuild, one file at a time, as tsx does:
// `isolatedModules` and `verbatimModuleSyntax` make that exact); everything else (node_modules,
// drizzle/, docs, package.json, folders without TypeScript) is a symbolic link. So paths relative to a
// test or a module resolve as in the checkout, and a child process a test starts (`npm start`) runs the
// same sources through tsx, as a user's would.
import { buildSync } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const COMPILED_DIRS = ['src', 'test', 'bench', 'scripts'];
const SKIP = new Set(['.git']);
const compiles = (f: string) => f.endsWith('.ts') && !f.endsWith('.d.ts');

function hasTs(dir: string): boolean {
  return fs.readdirSync(dir, { withFileTypes: true }).some((e) =>
    e.isDirectory() ? hasTs(path.join(dir, e.name)) : compiles(e.name));
}

/** A hard link of `src` at `dst`, or a copy where the two are on different file systems. */
function place(src: string, dst: string) {
  try {
    fs.linkSync(src, dst);
  } catch {
    fs.copyFileSync(src, dst);
  }
}

/** Mirrors `from` into `to`: files placed, folders without TypeScript linked; collects the .ts files. */
function mirror(from: string, to: string, out: string[]) {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    const dst = path.join(to, e.name);
    if (e.isDirectory() && hasTs(src)) mirror(src, dst, out);
    else if (e.isFile()) {
      place(src, dst);
      if (compiles(e.name)) out.push(src);
    } else fs.symlinkSync(src, dst);
  }
}

/** Builds the mirror of `root` and returns its path (removed by the caller). */
export function buildTestTree(root: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-test-build-'));
  const sources: string[] = [];
  for (const e of fs.readdirSync(root, { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    if (e.isDirectory() && COMPILED_DIRS.includes(e.name)) mirror(path.join(root, e.name), path.join(dir, e.name), sources);
    else fs.symlinkSync(path.join(root, e.name), path.join(dir, e.name));
  }
  buildSync({
    entryPoints: sources,
    outdir: dir,
    outbase: root,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    tsconfig: path.join(root, 'tsconfig.json'),
    logLevel: 'error',
  });
  return dir;
}
