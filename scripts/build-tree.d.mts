/** Builds the compiled mirror of `root` in `out` (see build-tree.mjs); returns `out`. */
export function buildTree(root: string, out: string, dirs: string[]): string;
/** Changes when any file under src/, tsconfig.json, package.json or Node's version changes. */
export function sourceFingerprint(root: string): string;
/** npm start's compiled tree of `root` for the sources as they are now (reused or built); returns its folder. */
export function compiledTree(root: string): string;
/** Where npm start keeps the compiled trees of the checkout at `root`. */
export function startCacheBase(root: string): string;
