/** Builds the compiled mirror of `root` in `out` (see build-tree.mjs); returns `out`. */
export function buildTree(root: string, out: string, dirs: string[]): string;
