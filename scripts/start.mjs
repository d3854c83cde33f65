// `npm start`: the app run from JavaScript that esbuild compiled from src/ (scripts/build-tree.mjs),
// kept under node_modules/.cache/lienthong/ and compiled again only when a file under src/ (or
// tsconfig.json, package.json) changed — ≈ 1 s once after an update. Running through tsx instead
// costs ≈ 1.5–2.5 s of CPU at every start (its loader is asked about every module), which is most of
// a restart. Where that folder cannot be written (a read-only install), the sources run through tsx
// as before. Arguments pass through (`--demo`).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compiledTree } from './build-tree.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

let dir = null;
try {
  dir = compiledTree(root);
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
