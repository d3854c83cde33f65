import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  NotFoundInStore,
  putViaStaging,
  ObjectTooLarge,
  SHA256_HEX,
  type ByteRange,
  type ListedObject,
  type ObjectStat,
  type ObjectStore,
  type StagedObject,
  type StagingEntry,
} from './object-store.js';

const STAGING = '.staging';
export const STAGING_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HEX_PAIR = /^[0-9a-f]{2}$/;

export interface HashCounter {
  /** Pass-through stream that hashes and counts; errors with ObjectTooLarge past maxBytes. */
  stream: Transform;
  /** Only meaningful once the stream has finished. */
  result(): { sha256: string; size: number };
}

/** Shared by both stores so they agree on what a byte count and a hash mean. */
export function createHashCounter(maxBytes?: number): HashCounter {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      // Fail on the chunk that crosses the limit so the caller stops reading the source
      // instead of swallowing an arbitrarily large upload.
      if (maxBytes !== undefined && size > maxBytes) {
        callback(new ObjectTooLarge(maxBytes));
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  return { stream, result: () => ({ sha256: hash.digest('hex'), size }) };
}

/** Rejects anything that could escape the store's directory or key prefix. */
export function assertSha256(sha256: string): void {
  if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) {
    throw new Error(`invalid sha256: ${JSON.stringify(sha256)}`);
  }
}

export function assertStagingId(id: string): void {
  if (typeof id !== 'string' || !STAGING_ID.test(id)) {
    throw new Error(`invalid staging id: ${JSON.stringify(id)}`);
  }
}

/**
 * Validates an inclusive range against the object size. An end past the object is clamped
 * (as HTTP does); a start past it cannot be served, so both stores reject it the same way.
 */
export function resolveRange(range: ByteRange, size: number): ByteRange {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`invalid byte range ${start}-${end}`);
  }
  if (start >= size) {
    throw new RangeError(`byte range ${start}-${end} starts beyond object size ${size}`);
  }
  return { start, end: Math.min(end, size - 1) };
}

function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}

export function createFsStore(root: string): ObjectStore {
  const stagingDir = join(root, STAGING);
  const objectPath = (sha256: string): string => {
    assertSha256(sha256);
    return join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  };
  const stagedPath = (id: string): string => {
    assertStagingId(id);
    return join(stagingDir, id);
  };

  async function syncFile(path: string, flags: string): Promise<void> {
    const handle = await open(path, flags);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  const store: ObjectStore = {
    kind: 'fs',

    async init() {
      await mkdir(stagingDir, { recursive: true });
    },

    async stage(source: Readable, opts?: { maxBytes?: number }): Promise<StagedObject> {
      await mkdir(stagingDir, { recursive: true });
      const stagingId = randomUUID();
      const tmp = join(stagingDir, stagingId);
      const counter = createHashCounter(opts?.maxBytes);
      const out = createWriteStream(tmp, { flags: 'wx' });
      try {
        await pipeline(source, counter.stream, out);
      } catch (err) {
        // pipeline answers as soon as it has destroyed the write stream, but a stream destroyed
        // before its file was opened still opens (creating it) and then closes: wait for that, or
        // the file would appear after it was removed (a source that fails at once — a PDF refused
        // by its structure check).
        if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
        await rm(tmp, { force: true });
        throw err;
      }
      return { stagingId, ...counter.result() };
    },

    async promote(staged: StagedObject): Promise<void> {
      const tmp = stagedPath(staged.stagingId);
      const final = objectPath(staged.sha256);
      if (await exists(final)) {
        await rm(tmp, { force: true });
        return;
      }
      const dir = join(final, '..');
      await mkdir(dir, { recursive: true });
      // Without the fsync a crash after rename could leave a correctly named but empty file.
      await syncFile(tmp, 'r');
      await rename(tmp, final);
      // Persist the directory entry too; some platforms cannot open directories, and the
      // object is already correct on disk, so this is best effort.
      await syncFile(dir, 'r').catch(() => undefined);
    },

    async readStaged(staged: StagedObject): Promise<Readable> {
      const handle = await open(stagedPath(staged.stagingId), 'r');
      return handle.createReadStream();
    },

    async discard(staged: StagedObject): Promise<void> {
      await rm(stagedPath(staged.stagingId), { force: true });
    },

    put: (source: Readable, opts?: { maxBytes?: number }) => putViaStaging(store, source, opts),

    async get(sha256: string, range?: ByteRange): Promise<Readable> {
      const path = objectPath(sha256);
      // Opening (rather than stat + createReadStream) turns a missing object into a
      // rejection here instead of a later 'error' event, and cannot race a delete.
      let handle;
      try {
        handle = await open(path, 'r');
      } catch (err) {
        if (isErrno(err, 'ENOENT')) throw new NotFoundInStore(sha256);
        throw err;
      }
      try {
        if (!range) return handle.createReadStream();
        const { size } = await handle.stat();
        return handle.createReadStream(resolveRange(range, size));
      } catch (err) {
        await handle.close();
        throw err;
      }
    },

    async stat(sha256: string): Promise<ObjectStat | null> {
      try {
        const s = await stat(objectPath(sha256));
        return { size: s.size };
      } catch (err) {
        if (isErrno(err, 'ENOENT')) return null;
        throw err;
      }
    },

    async delete(sha256: string): Promise<void> {
      await rm(objectPath(sha256), { force: true });
    },

    async *list(): AsyncIterable<string> {
      for await (const name of objectNames(root)) yield name;
    },

    async *listDetailed(): AsyncIterable<ListedObject> {
      for await (const sha256 of objectNames(root)) {
        const s = await stat(objectPath(sha256)).catch((err: unknown) => {
          if (isErrno(err, 'ENOENT')) return null; // deleted since it was listed
          throw err;
        });
        if (s) yield { sha256, size: s.size, modifiedAt: s.mtime };
      }
    },

    async *listStaging(): AsyncIterable<StagingEntry> {
      let names: string[];
      try {
        names = await readdir(stagingDir);
      } catch (err) {
        if (isErrno(err, 'ENOENT')) return;
        throw err;
      }
      for (const name of names) {
        if (!STAGING_ID.test(name)) continue;
        const s = await stat(join(stagingDir, name)).catch(() => null);
        if (s?.isFile()) yield { stagingId: name, modifiedAt: s.mtime };
      }
    },

    async discardStaging(stagingId: string): Promise<void> {
      await rm(stagedPath(stagingId), { force: true });
    },
  };
  return store;
}

/** Object files under <root>/<aa>/<bb>/, one directory at a time. */
async function* objectNames(root: string): AsyncIterable<string> {
  for (const a of await subdirs(root)) {
    for (const b of await subdirs(join(root, a))) {
      const entries = await readdir(join(root, a, b), { withFileTypes: true }).catch((err: unknown) => {
        if (isErrno(err, 'ENOENT')) return [];
        throw err;
      });
      for (const entry of entries) {
        if (entry.isFile() && SHA256_HEX.test(entry.name) && entry.name.startsWith(a + b)) yield entry.name;
      }
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

/** Two-hex-digit subdirectories only, which also skips .staging and stray files. */
async function subdirs(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && HEX_PAIR.test(e.name)).map((e) => e.name);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
}
