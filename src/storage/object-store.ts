import type { Readable } from 'node:stream';

/** A file that has been streamed in and hashed but is not yet visible under its address. */
export interface StagedObject {
  /** Opaque handle for promote/discard. */
  stagingId: string;
  /** Lower-case hex SHA-256 of the bytes, computed while streaming. */
  sha256: string;
  size: number;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive (HTTP Range semantics). */
  end: number;
}

export interface ObjectStat {
  size: number;
}

/** A stored object as a listing sees it. */
export interface ListedObject {
  sha256: string;
  size: number;
  /** When the bytes were last written (fs: the file's mtime; S3: LastModified). */
  modifiedAt: Date;
}

/** A staged copy: an upload in progress, or one left behind by a process that died. */
export interface StagingEntry {
  stagingId: string;
  modifiedAt: Date;
}

/**
 * Content-addressed file storage. Objects are addressed by their SHA-256, so the same
 * bytes are stored once however many documents refer to them.
 *
 * Writing is two-phase so that the database decides what exists: `stage` streams the
 * bytes somewhere invisible while hashing them, `promote` makes them visible under
 * their hash (a no-op if that address already holds them), `discard` drops a staged
 * copy. Callers that do not need that coordination use `put`.
 */
export interface ObjectStore {
  readonly kind: 'fs' | 's3';
  /** Prepare the store (create directories or the bucket). Idempotent. */
  init(): Promise<void>;
  /** Stream `source` into staging, hashing on the way; never buffers the whole file. */
  stage(source: Readable, opts?: { maxBytes?: number }): Promise<StagedObject>;
  /** Make a staged object visible under its hash. Idempotent; removes the staged copy. */
  promote(staged: StagedObject): Promise<void>;
  /** The bytes of a staged object (a check of the whole file before it is kept). */
  readStaged(staged: StagedObject): Promise<Readable>;
  /** Drop a staged object. Never fails for an unknown handle. */
  discard(staged: StagedObject): Promise<void>;
  /** stage + promote. */
  put(source: Readable, opts?: { maxBytes?: number }): Promise<{ sha256: string; size: number }>;
  /** A stream of the whole object or of an inclusive byte range; `NotFoundInStore` if absent. */
  get(sha256: string, range?: ByteRange): Promise<Readable>;
  stat(sha256: string): Promise<ObjectStat | null>;
  /** Remove an object; no error if it is absent. */
  delete(sha256: string): Promise<void>;
  /** Every stored address (for audits and tests). */
  list(): AsyncIterable<string>;
  /** Every stored object with its size and modification time (for the sweep of unreferenced objects). */
  listDetailed(): AsyncIterable<ListedObject>;
  /** Everything in staging (for the sweep of copies left by a crash). */
  listStaging(): AsyncIterable<StagingEntry>;
  /** Drop a staged copy by its id, as `discard` does; no error if it is gone. */
  discardStaging(stagingId: string): Promise<void>;
}

export class NotFoundInStore extends Error {
  constructor(readonly sha256: string) {
    super(`object ${sha256} not found in store`);
    this.name = 'NotFoundInStore';
  }
}

/** Thrown by `stage` when the source exceeds `maxBytes`; nothing is left behind. */
export class ObjectTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`object exceeds ${maxBytes} bytes`);
    this.name = 'ObjectTooLarge';
  }
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** `put` for any store: stage, then promote, dropping the staged copy if promotion fails. */
export async function putViaStaging(
  store: Pick<ObjectStore, 'stage' | 'promote' | 'discard'>,
  source: Readable,
  opts?: { maxBytes?: number },
): Promise<{ sha256: string; size: number }> {
  const staged = await store.stage(source, opts);
  try {
    await store.promote(staged);
  } catch (err) {
    await store.discard(staged).catch(() => undefined);
    throw err;
  }
  return { sha256: staged.sha256, size: staged.size };
}
