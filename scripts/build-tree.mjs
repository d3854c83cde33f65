// A compiled mirror of the checkout: the folders holding TypeScript (`dirs`) are made again with
// every file copied — real files, so a check that walks the tree sees them, and a snapshot, so
// editing the checkout later changes nothing in it — and each .ts file gets its compiled .js beside
// it (esbuild, one file at a time, as tsx does: `isolatedModules` and `verbatimModuleSyntax` make
// that exact); everything else at the top (node_modules, drizzle/, package.json, the other folders)
// is a symbolic link. So paths relative to a module resolve as in the checkout. Used by `npm start`
// (scripts/start.mjs, src only) and by `npm test` (test/build.ts, src, test, bench and scripts).
// Plain JavaScript: it runs before anything is compiled.
import { buildSync } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const SKIP = new Set(['.git']);
const compiles = (f) => f.endsWith('.ts') && !f.endsWith('.d.ts');

function hasTs(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).some((e) => (e.isDirectory() ? hasTs(path.join(dir, e.name)) : compiles(e.name)));
}

/** Mirrors `from` into `to`: files copied, folders without TypeScript linked; collects the .ts files. */
function mirror(from, to, out) {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    const dst = path.join(to, e.name);
    if (e.isDirectory() && hasTs(src)) mirror(src, dst, out);
    else if (e.isFile()) {
      fs.copyFileSync(src, dst, fs.constants.COPYFILE_FICLONE);
      if (compiles(e.name)) out.push(src);
    } else fs.symlinkSync(src, dst);
  }
}

/** Builds the mirror of `root` in the empty or missing directory `out`, compiling the folders `dirs`. */
export function buildTree(root, out, dirs) {
  fs.mkdirSync(out, { recursive: true });
  const sources = [];
  for (const e of fs.readdirSync(root, { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    if (e.isDirectory() && dirs.includes(e.name)) mirror(path.join(root, e.name), path.join(out, e.name), sources);
    else fs.symlinkSync(path.join(root, e.name), path.join(out, e.name));
  }
  buildSync({
    entryPoints: sources,
    outdir: out,
    outbase: root,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    tsconfig: path.join(root, 'tsconfig.json'),
    logLevel: 'error',
  });
  return out;
}
