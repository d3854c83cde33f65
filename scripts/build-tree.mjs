// A compiled mirror of the checkout: the folders holding TypeScript (`dirs`) are made again with
// every file copied — real files, so a check that walks the tree sees them, and a snapshot, so
// editing the checkout later changes nothing in it — and each .ts file gets its compiled .js beside
// it (esbuild, one file at a time, as tsx does: `isolatedModules` and `verbatimModuleSyntax` make
// that exact); everything else at the top (node_modules, drizzle/, package.json, the other folders)
// is a symbolic link. So paths relative to a module resolve as in the checkout. Used by `npm start`
// (scripts/start.mjs, src only) and by `npm test` (test/build.ts, src, test, bench and scripts).
// Plain JavaScript: it runs before anything is compiled.
import { buildSync } from 'esbuild';
import crypto from 'node:crypto';
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

/** Changes when any file under src/ (name, size or time), tsconfig.json, package.json or Node changes. */
export function sourceFingerprint(root) {
  const h = crypto.createHash('sha256').update(`${process.version}\n`);
  const add = (p) => {
    const st = fs.statSync(p);
    h.update(`${path.relative(root, p)}\0${st.size}\0${st.mtimeMs}\n`);
  };
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else add(p);
    }
  };
  walk(path.join(root, 'src'));
  for (const f of ['tsconfig.json', 'package.json']) add(path.join(root, f));
  return h.digest('hex').slice(0, 20);
}

/**
 * `npm start`'s compiled tree of `root` (src only) for the sources as they are now: reused, or built
 * beside the others and renamed in (two starts at once: the second uses the first's). One folder per
 * checkout under node_modules/.cache/lienthong, one build per fingerprint; older builds are removed.
 */
/** Where `npm start` keeps the compiled trees of the checkout at `root` (removed with a test run's copy). */
export function startCacheBase(root) {
  return path.join(root, 'node_modules', '.cache', 'lienthong', `start-${crypto.createHash('sha256').update(root).digest('hex').slice(0, 12)}`);
}

export function compiledTree(root) {
  const base = startCacheBase(root);
  const fp = sourceFingerprint(root);
  const dir = path.join(base, fp);
  if (fs.existsSync(path.join(dir, 'src', 'main.js'))) return dir;
  fs.mkdirSync(base, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(base, `${fp}.tmp-`));
  try {
    buildTree(root, tmp, ['src']);
    fs.renameSync(tmp, dir);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!fs.existsSync(path.join(dir, 'src', 'main.js'))) throw err;
  }
  for (const old of fs.readdirSync(base)) {
    if (old !== fp && !old.includes('.tmp-')) fs.rmSync(path.join(base, old), { recursive: true, force: true });
  }
  return dir;
}
