import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Client } from 'minio';
import {
  NotFoundInStore,
  ObjectTooLarge,
  createFsStore,
  createS3Store,
  type ObjectStore,
} from '../src/storage/index.js';
import { startS3rver } from './helpers/s3.js';

const MiB = 1024 * 1024;

interface Opened {
  store: ObjectStore;
  /** Whatever init() is supposed to create exists. */
  isReady(): Promise<boolean>;
  /** Staged copies still lying around. */
  stagingLeftovers(): Promise<string[]>;
}

interface Harness {
  name: string;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  /** A new, empty, not yet initialised store, so tests cannot see each other's objects. */
  open(): Promise<Opened>;
}

const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const readAll = async (stream: Readable): Promise<Buffer> => Buffer.concat(await collect<Buffer>(stream));
const listAll = async (store: ObjectStore): Promise<string[]> => (await collect(store.list())).sort();

/**
 * A source produced chunk by chunk (never held whole) that hashes what it emits; with
 * `failWith` it errors once `total` bytes have gone out instead of ending.
 */
function generatedSource(total: number, failWith?: Error): { source: Readable; digest(): string } {
  const hash = createHash('sha256');
  let sent = 0;
  const source = new Readable({
    read() {
      if (sent >= total) {
        if (failWith) this.destroy(failWith);
        else this.push(null);
        return;
      }
      const chunk = Buffer.alloc(Math.min(64 * 1024, total - sent));
      // A period of 251 (prime) keeps parts and chunks from lining up with the pattern.
      for (let i = 0; i < chunk.length; i++) chunk[i] = (sent + i) % 251;
      sent += chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { source, digest: () => hash.digest('hex') };
}

const isPlainValidationError = (err: unknown): boolean =>
  err instanceof Error && !(err instanceof NotFoundInStore) && /invalid sha256/.test(err.message);

function contract(h: Harness): void {
  describe(`${h.name} object store`, () => {
    before(() => h.setUp());
    after(() => h.tearDown());

    async function ready(): Promise<Opened> {
      const opened = await h.open();
      await opened.store.init();
      return opened;
    }

    async function assertNothingLeft({ store, stagingLeftovers }: Opened): Promise<void> {
      assert.deepEqual(await listAll(store), []);
      assert.deepEqual(await stagingLeftovers(), []);
    }

    test('init creates the storage location and is idempotent', async () => {
      const opened = await h.open();
      assert.equal(await opened.isReady(), false);
      await opened.store.init();
      assert.equal(await opened.isReady(), true);
      await opened.store.init();
      await assertNothingLeft(opened);
    });

    test('put returns the sha256 and size of the bytes', async () => {
      const { store } = await ready();
      const bytes = Buffer.from('Công văn số 123/UBND-VP — liên thông');
      assert.deepEqual(await store.put(Readable.from([bytes])), { sha256: sha256Of(bytes), size: bytes.length });
    });

    test('the same bytes put twice are stored once', async () => {
      const { store } = await ready();
      const bytes = Buffer.from('duplicate attachment');
      const first = await store.put(Readable.from([bytes]));
      const second = await store.put(Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]));
      assert.deepEqual(second, first);
      assert.deepEqual(await listAll(store), [first.sha256]);
    });

    test('an empty source is stored and read back', async () => {
      const { store } = await ready();
      const { sha256, size } = await store.put(Readable.from([]));
      assert.equal(sha256, sha256Of(Buffer.alloc(0)));
      assert.equal(size, 0);
      assert.equal((await readAll(await store.get(sha256))).length, 0);
    });

    test('get returns the whole object and exact inclusive ranges', async () => {
      const { store } = await ready();
      const bytes = Buffer.from('0123456789abcdefghij');
      const { sha256 } = await store.put(Readable.from([bytes]));
      assert.deepEqual(await readAll(await store.get(sha256)), bytes);
      const ranges: [number, number][] = [[0, 0], [3, 7], [0, 19], [19, 19], [15, 19]];
      for (const [start, end] of ranges) {
        const got = await readAll(await store.get(sha256, { start, end }));
        assert.deepEqual(got, bytes.subarray(start, end + 1), `range ${start}-${end}`);
      }
      // An end past the object is clamped, as HTTP Range does.
      assert.deepEqual(await readAll(await store.get(sha256, { start: 18, end: 100 })), bytes.subarray(18));
    });

    test('a range that starts past the end or is inverted rejects with RangeError', async () => {
      const { store } = await ready();
      const { sha256 } = await store.put(Readable.from([Buffer.from('short')]));
      await assert.rejects(store.get(sha256, { start: 5, end: 9 }), RangeError);
      await assert.rejects(store.get(sha256, { start: 3, end: 2 }), RangeError);
    });

    test('stat returns the size of a stored object and null for a missing one', async () => {
      const { store } = await ready();
      const bytes = Buffer.from('stat me');
      const { sha256 } = await store.put(Readable.from([bytes]));
      assert.deepEqual(await store.stat(sha256), { size: bytes.length });
      assert.equal(await store.stat(sha256Of(Buffer.from('absent'))), null);
    });

    test('delete removes the object and is idempotent', async () => {
      const { store } = await ready();
      const { sha256 } = await store.put(Readable.from([Buffer.from('to be deleted')]));
      await store.delete(sha256);
      assert.equal(await store.stat(sha256), null);
      assert.deepEqual(await listAll(store), []);
      await store.delete(sha256);
    });

    test('get of a missing hash rejects with NotFoundInStore', async () => {
      const { store } = await ready();
      const missing = sha256Of(Buffer.from('never stored'));
      await assert.rejects(store.get(missing), (err) => err instanceof NotFoundInStore && err.sha256 === missing);
      await assert.rejects(store.get(missing, { start: 0, end: 1 }), NotFoundInStore);
    });

    test('stage then discard leaves nothing behind, and discard is repeatable', async () => {
      const opened = await ready();
      const bytes = Buffer.from('staged but abandoned');
      const staged = await opened.store.stage(Readable.from([bytes]));
      assert.equal(staged.sha256, sha256Of(bytes));
      assert.equal(staged.size, bytes.length);
      assert.deepEqual(await listAll(opened.store), [], 'staged objects are not listed');
      assert.equal(await opened.store.stat(staged.sha256), null, 'staged objects are not visible');
      await opened.store.discard(staged);
      await opened.store.discard(staged);
      await assertNothingLeft(opened);
    });

    test('readStaged gives back the staged bytes before promotion', async () => {
      const opened = await ready();
      const bytes = Buffer.from('%PDF-1.7 staged, checked, then kept or dropped');
      const staged = await opened.store.stage(Readable.from([bytes]));
      const chunks: Buffer[] = [];
      for await (const c of await opened.store.readStaged(staged)) chunks.push(c as Buffer);
      assert.deepEqual(Buffer.concat(chunks), bytes);
      assert.equal(await opened.store.stat(staged.sha256), null, 'not visible under its hash yet');
      await opened.store.discard(staged);
      await assertNothingLeft(opened);
    });

    test('a source that errors midway rejects with that same error and leaves nothing', async () => {
      const opened = await ready();
      // More than one S3 part, so the multipart path is cleaned up too.
      const boom = new Error('connection reset by client');
      await assert.rejects(opened.store.put(generatedSource(6 * MiB, boom).source), (err) => err === boom);
      const early = new Error('failed before any byte');
      await assert.rejects(opened.store.stage(generatedSource(0, early).source), (err) => err === early);
      // A few bytes, then a failure when the source ends (an upload refused by a check of the whole
      // file): the staged file must not appear after the store has cleaned up.
      for (let i = 0; i < 20; i++) {
        const refused = new Error('refused at the end');
        const source = Readable.from((async function* () {
          yield Buffer.from('%PDF-1.7 short');
          throw refused;
        })());
        await assert.rejects(opened.store.stage(source), (err) => err === refused);
      }
      await new Promise((r) => setTimeout(r, 50));
      await assertNothingLeft(opened);
    });

    test('exceeding maxBytes rejects with ObjectTooLarge and leaves nothing', async () => {
      const opened = await ready();
      const tooBig = generatedSource(1 * MiB);
      await assert.rejects(
        opened.store.put(tooBig.source, { maxBytes: 1000 }),
        (err) => err instanceof ObjectTooLarge && err.maxBytes === 1000,
      );
      await assertNothingLeft(opened);
      assert.equal((await opened.store.put(Readable.from([Buffer.alloc(1000)]), { maxBytes: 1000 })).size, 1000);
    });

    test('a 20 MB streamed source round-trips with the right hash', async () => {
      const opened = await ready();
      const total = 20 * 1000 * 1000 + 3;
      const gen = generatedSource(total);
      const { sha256, size } = await opened.store.put(gen.source);
      assert.equal(size, total);
      assert.equal(sha256, gen.digest());
      assert.deepEqual(await opened.store.stat(sha256), { size: total });
      const back = await readAll(await opened.store.get(sha256));
      assert.equal(back.length, total);
      assert.equal(sha256Of(back), sha256);
      const tail = await readAll(await opened.store.get(sha256, { start: total - 10, end: total - 1 }));
      assert.equal(tail.length, 10);
    });

    test('promote is idempotent when the object already exists', async () => {
      const opened = await ready();
      const bytes = Buffer.from('already there');
      const { sha256 } = await opened.store.put(Readable.from([bytes]));
      const staged = await opened.store.stage(Readable.from([bytes]));
      assert.equal(staged.sha256, sha256);
      await opened.store.promote(staged);
      await opened.store.promote(staged);
      assert.deepEqual(await listAll(opened.store), [sha256]);
      assert.deepEqual(await opened.stagingLeftovers(), []);
      assert.deepEqual(await readAll(await opened.store.get(sha256)), bytes);
    });

    test('listDetailed gives each object with its size and write time; listStaging and discardStaging see staged copies', async () => {
      const opened = await ready();
      const { store } = opened;
      // S3 keeps LastModified to the second.
      const before = Date.now() - 2000;
      const bytes = Buffer.from('một văn bản đã lưu');
      const { sha256 } = await store.put(Readable.from([bytes]));
      const staged = await store.stage(Readable.from([Buffer.from('tải lên dở dang')]));
      const after = Date.now() + 2000;
      const listed = await collect(store.listDetailed());
      assert.equal(listed.length, 1);
      assert.equal(listed[0]!.sha256, sha256);
      assert.equal(listed[0]!.size, bytes.length);
      assert.ok(listed[0]!.modifiedAt.getTime() >= before && listed[0]!.modifiedAt.getTime() <= after, String(listed[0]!.modifiedAt));
      const staging = await collect(store.listStaging());
      assert.deepEqual(staging.map((e) => e.stagingId), [staged.stagingId]);
      assert.ok(staging[0]!.modifiedAt.getTime() >= before && staging[0]!.modifiedAt.getTime() <= after);
      await store.discardStaging(staged.stagingId);
      await store.discardStaging(staged.stagingId);
      assert.deepEqual(await collect(store.listStaging()), []);
      assert.deepEqual(await opened.stagingLeftovers(), []);
      await assert.rejects(store.discardStaging('../../objects/x'), /invalid staging id/);
      assert.deepEqual(await listAll(store), [sha256], 'discarding staged copies leaves objects alone');
    });

    test('an invalid sha256 argument is rejected before touching storage', async () => {
      const { store } = await ready();
      const valid = sha256Of(Buffer.from('x'));
      const bad = ['../../../etc/passwd', valid.toUpperCase(), valid.slice(1), `${valid}/..`, ''];
      for (const sha256 of bad) {
        await assert.rejects(store.get(sha256), isPlainValidationError, `get ${sha256}`);
        await assert.rejects(store.stat(sha256), isPlainValidationError, `stat ${sha256}`);
        await assert.rejects(store.delete(sha256), isPlainValidationError, `delete ${sha256}`);
      }
      const staged = await store.stage(Readable.from([Buffer.from('x')]));
      await assert.rejects(store.promote({ ...staged, sha256: '../escape' }), isPlainValidationError);
      await assert.rejects(store.discard({ ...staged, stagingId: '../../x' }), /invalid staging id/);
      await store.discard(staged);
    });
  });
}

let fsRoot = '';
let fsCount = 0;
contract({
  name: 'fs',
  setUp: async () => void (fsRoot = await mkdtemp(join(tmpdir(), 'fs-store-'))),
  tearDown: () => rm(fsRoot, { recursive: true, force: true }),
  async open() {
    const root = join(fsRoot, `store-${++fsCount}`);
    return {
      store: createFsStore(root),
      isReady: () => stat(join(root, '.staging')).then((s) => s.isDirectory(), () => false),
      stagingLeftovers: () => readdir(join(root, '.staging')).catch(() => []),
    };
  },
});

let s3Server: Awaited<ReturnType<typeof startS3rver>> | undefined;
let s3Port = 0;
let s3Count = 0;
contract({
  name: 's3',
  // s3rver gets no configureBuckets: creating the bucket is init()'s job, tested above.
  async setUp() {
    s3Server = await startS3rver();
    s3Port = s3Server.port;
  },
  async tearDown() {
    await s3Server?.close();
  },
  async open() {
    const conn = { endPoint: '127.0.0.1', port: s3Port, useSSL: false, accessKey: 'S3RVER', secretKey: 'S3RVER' };
    const bucket = `store-${++s3Count}`;
    // Inspect the bucket with a separate client, as an operator would, not through the store.
    const admin = new Client(conn);
    return {
      store: createS3Store({ ...conn, bucket, partSize: 5 * MiB }),
      isReady: () => admin.bucketExists(bucket),
      stagingLeftovers: async () =>
        (await collect(admin.listObjectsV2(bucket, 'staging/', true))).map((item) => String(item.name)),
    };
  },
});
