// npm test runs the test files as JavaScript compiled once per run, not through tsx in every process:
// tsx's loader hooks run on a separate thread and are asked about every module each test process
// loads, which cost ≈ 2.5 s of CPU per process (≈ 70 processes a run). The mirror is built by
// scripts/build-tree.mjs (the one `npm start` uses for src) into a temporary directory: src, test,
// bench and scripts copied with each .ts compiled beside it, everything else linked. A child process
// a test starts with `npm start` builds its own, as a user's would.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildTree } from '../scripts/build-tree.mjs';

/** Builds the mirror of `root` and returns its path (removed by the caller). */
export function buildTestTree(root: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-test-build-'));
  return buildTree(root, dir, ['src', 'test', 'bench', 'scripts']);
}
