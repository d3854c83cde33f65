import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createRequire } from 'node:module';
import type { Client } from 'minio';
import {
  NotFoundInStore,
  putViaStaging,
  SHA256_HEX,
  type ByteRange,
  type ListedObject,
  type ObjectStat,
  type ObjectStore,
  type StagedObject,
  type StagingEntry,
} from './object-store.js';
import { assertSha256, assertStagingId, createHashCounter, resolveRange, STAGING_ID } from './fs-store.js';

export interface S3StoreOptions {
  endPoint: string;
  port?: number;
  useSSL: boolean;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region?: string;
  /**
   * Bytes held in memory per upload before a multipart part is sent (S3 minimum 5 MiB).
   * Objects are capped at 10,000 parts, i.e. 80 GiB with the default.
   */
  partSize?: number;
}

const OBJECTS = 'objects/';
const STAGING = 'staging/';
const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
const MIN_PART_SIZE = 5 * 1024 * 1024;

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? (err as { code?: string }).code : undefined;
}

function isNotFound(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'NotFound' || code === 'NoSuchKey';
}

/**
 * Uploads what is written to it, one part in memory at a time. minio's own streaming
 * putObject is not used because it first lists incomplete uploads for the key
 * (ListMultipartUploads, which s3rver does not implement), buffers parts of 528 MiB when
 * the size is unknown, completes an empty stream with zero parts (which S3 rejects), and
 * only listens for errors on its internal chunker, so a failing input leaves it pending.
 * Objects that fit in one part are sent with a single PUT.
 */
class MultipartSink extends Writable {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private uploadId: string | undefined;
  private readonly parts: { part: number; etag: string }[] = [];
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly client: Client,
    private readonly bucket: string,
    private readonly key: string,
    private readonly partSize: number,
  ) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered < this.partSize) {
      callback();
      return;
    }
    this.run(this.flush(false), callback);
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.run(this.flush(true), callback);
  }

  /** After a failed pipeline: let any request in flight land, then remove all traces. */
  async cleanUp(): Promise<void> {
    await this.inflight?.catch(() => undefined);
    if (this.uploadId !== undefined) {
      // Best effort: s3rver has no AbortMultipartUpload; real S3 should also have a
      // lifecycle rule expiring incomplete uploads.
      await this.client
        .abortMultipartUpload(this.bucket, this.key, this.uploadId)
        .catch(() => undefined);
    }
    await this.client.removeObject(this.bucket, this.key).catch(() => undefined);
  }

  private run(work: Promise<void>, callback: (err?: Error | null) => void): void {
    this.inflight = work;
    work.then(
      () => callback(),
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
    );
  }

  private async flush(last: boolean): Promise<void> {
    const body = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [];
    this.buffered = 0;
    if (last && this.uploadId === undefined) {
      await this.client.putObject(this.bucket, this.key, body, body.length);
      return;
    }
    this.uploadId ??= await this.client.initiateNewMultipartUpload(this.bucket, this.key, {});
    // A source whose size is an exact multiple of the part size ends with nothing left.
    if (body.length > 0) {
      const part = this.parts.length + 1;
      const { etag } = await this.client.uploadPart(
        { bucketName: this.bucket, objectName: this.key, uploadID: this.uploadId, partNumber: part, headers: {} },
        body,
      );
      this.parts.push({ part, etag });
    }
    if (last) {
      await this.client.completeMultipartUpload(this.bucket, this.key, this.uploadId, this.parts);
    }
  }
}

/** Bytes [skip, skip + take) of `source`; stops reading it once they have been passed on. */
function sliceStream(source: Readable, skip: number, take: number): Readable {
  const stop = skip + take;
  let pos = 0;
  let done = false;
  const out = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (done) {
        callback();
        return;
      }
      const from = Math.max(skip - pos, 0);
      const to = Math.min(stop - pos, chunk.length);
      pos += chunk.length;
      if (to > from) this.push(chunk.subarray(from, to));
      if (pos >= stop) {
        done = true;
        this.push(null);
        source.destroy();
      }
      callback();
    },
  });
  source.on('error', (err) => {
    if (!done) out.destroy(err);
  });
  return source.pipe(out);
}

export function createS3Store(opts: S3StoreOptions): ObjectStore {
  const { bucket } = opts;
  const partSize = opts.partSize ?? DEFAULT_PART_SIZE;
  if (partSize < MIN_PART_SIZE) throw new RangeError(`partSize must be at least ${MIN_PART_SIZE}`);
  const client = new (createRequire(import.meta.url)('minio') as typeof import('minio')).Client({ // minio loads here (≈ 0.7 s of CPU)
    endPoint: opts.endPoint,
    port: opts.port,
    useSSL: opts.useSSL,
    accessKey: opts.accessKey,
    secretKey: opts.secretKey,
    region: opts.region,
  });
  const objectKey = (sha256: string): string => {
    assertSha256(sha256);
    return OBJECTS + sha256;
  };
  const stagingKey = (id: string): string => {
    assertStagingId(id);
    return STAGING + id;
  };

  async function statKey(key: string): Promise<ObjectStat | null> {
    try {
      const s = await client.statObject(bucket, key);
      return { size: s.size };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  const store: ObjectStore = {
    kind: 's3',

    async init() {
      if (await client.bucketExists(bucket)) return;
      try {
        await client.makeBucket(bucket, opts.region ?? 'us-east-1');
      } catch (err) {
        // Another process may have created it between the check and the create.
        const code = errorCode(err);
        if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw err;
      }
    },

    async stage(source: Readable, stageOpts?: { maxBytes?: number }): Promise<StagedObject> {
      const stagingId = randomUUID();
      const key = stagingKey(stagingId);
      const counter = createHashCounter(stageOpts?.maxBytes);
      const sink = new MultipartSink(client, bucket, key, partSize);
      try {
        await pipeline(source, counter.stream, sink);
      } catch (err) {
        await sink.cleanUp();
        throw err;
      }
      return { stagingId, ...counter.result() };
    },

    async promote(staged: StagedObject): Promise<void> {
      const src = stagingKey(staged.stagingId);
      const dest = objectKey(staged.sha256);
      if ((await statKey(dest)) === null) {
        // Single-request server-side copy; S3 limits this to 5 GiB per object.
        await client.copyObject(bucket, dest, `/${bucket}/${src}`);
      }
      await client.removeObject(bucket, src);
    },

    readStaged: (staged: StagedObject): Promise<Readable> => client.getObject(bucket, stagingKey(staged.stagingId)),

    async discard(staged: StagedObject): Promise<void> {
      // S3 DELETE succeeds for absent keys, which gives the "never fails" contract for free.
      await client.removeObject(bucket, stagingKey(staged.stagingId));
    },

    put: (source: Readable, putOpts?: { maxBytes?: number }) => putViaStaging(store, source, putOpts),

    async get(sha256: string, range?: ByteRange): Promise<Readable> {
      const key = objectKey(sha256);
      const found = await statKey(key);
      if (found === null) throw new NotFoundInStore(sha256);
      if (!range) return client.getObject(bucket, key);
      const { start, end } = resolveRange(range, found.size);
      const length = end - start + 1;
      // minio treats a length of 0 as "to the end"; resolveRange keeps it >= 1.
      const res = (await client.getPartialObject(bucket, key, start, length)) as IncomingMessage;
      if (Number(res.headers['content-length']) === length) return res;
      // Some servers answer with more than was asked (s3rver reads `bytes=0-0` as "all"),
      // and callers promise their own clients exactly `length` bytes, so trim here.
      const served = /^bytes (\d+)-/.exec(res.headers['content-range'] ?? '');
      const skip = start - (served ? Number(served[1]) : 0);
      if (skip < 0) {
        res.destroy();
        throw new Error(`server answered range ${start}-${end} from byte ${served?.[1]}`);
      }
      return sliceStream(res, skip, length);
    },

    async stat(sha256: string): Promise<ObjectStat | null> {
      return statKey(objectKey(sha256));
    },

    async delete(sha256: string): Promise<void> {
      await client.removeObject(bucket, objectKey(sha256));
    },

    async *list(): AsyncIterable<string> {
      for await (const item of listed(OBJECTS)) {
        if (SHA256_HEX.test(item.id)) yield item.id;
      }
    },

    async *listDetailed(): AsyncIterable<ListedObject> {
      for await (const item of listed(OBJECTS)) {
        if (SHA256_HEX.test(item.id)) yield { sha256: item.id, size: item.size, modifiedAt: item.modifiedAt };
      }
    },

    async *listStaging(): AsyncIterable<StagingEntry> {
      for await (const item of listed(STAGING)) {
        if (STAGING_ID.test(item.id)) yield { stagingId: item.id, modifiedAt: item.modifiedAt };
      }
    },

    async discardStaging(stagingId: string): Promise<void> {
      await client.removeObject(bucket, stagingKey(stagingId));
    },
  };

  /** Keys under `prefix`, with the prefix cut off. (Incomplete multipart uploads are not listed: expire them with a lifecycle rule.) */
  async function* listed(prefix: string): AsyncIterable<{ id: string; size: number; modifiedAt: Date }> {
    for await (const raw of client.listObjectsV2(bucket, prefix, true)) {
      const item = raw as { name?: string; size?: number; lastModified?: Date };
      if (!item.name?.startsWith(prefix)) continue;
      yield { id: item.name.slice(prefix.length), size: item.size ?? 0, modifiedAt: new Date(item.lastModified ?? 0) };
    }
  }
  return store;
}
