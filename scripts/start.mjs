// `npm start`: the app run from JavaScript that esbuild compiled from src/ (scripts/build-tree.mjs),
// kept under node_modules/.cache/lienthong/ and compiled again only when a file under src/ (or
// tsconfig.json, package.json) changed — ≈ 1 s once after an update. Running through tsx instead
// costs ≈ 1.5–2.5 s of CPU at every start (its loader is asked about every module), which is most of
// a restart. Where that folder cannot be written (a read-only install), the sources run through tsx
// as before. Arguments pass through (`--demo`).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildTree } from './build-tree.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** Changes when any file under src/ (name, size or time), tsconfig.json, package.json or Node changes. */
function fingerprint() {
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

/** The compiled tree for the sources as they are now: reused, or built (beside the others, then renamed in). */
function compiled() {
  // One folder per checkout (a copy of the checkout elsewhere must not share it), one build per fingerprint.
  const base = path.join(root, 'node_modules', '.cache', 'lienthong', `start-${crypto.createHash('sha256').update(root).digest('hex').slice(0, 12)}`);
  const fp = fingerprint();
  const dir = path.join(base, fp);
  if (fs.existsSync(path.join(dir, 'src', 'main.js'))) return dir;
  fs.mkdirSync(base, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(base, `${fp}.tmp-`));
  try {
    buildTree(root, tmp, ['src']);
    fs.renameSync(tmp, dir);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    // Another start built the same sources at the same moment: use its build.
    if (!fs.existsSync(path.join(dir, 'src', 'main.js'))) throw err;
  }
  // Builds of older sources are of no further use.
  for (const old of fs.readdirSync(base)) {
    if (old !== fp && !old.includes('.tmp-')) fs.rmSync(path.join(base, old), { recursive: true, force: true });
  }
  return dir;
}

let dir = null;
try {
  dir = compiled();
} catch (err) {
  if (!['EACCES', 'EPERM', 'EROFS'].includes(err?.code)) throw err;
  process.stderr.write(`(not compiled: ${err.code} under node_modules/.cache; running the sources through tsx)\n`);
}
if (dir) {
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(path.join(dir, 'src', 'main.js')).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(path.join(root, 'src', 'main.ts')).href);
}
