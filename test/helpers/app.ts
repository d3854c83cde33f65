import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import pino from 'pino';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Db } from '../../src/db/client.js';
import type { App } from '../../src/http/types.js';
import type { Deps } from '../../src/lib/deps.js';
import { createStore } from '../../src/server.js';
import { createKeyStore } from '../../src/modules/signing/keystore.js';
import type { ObjectStore } from '../../src/storage/object-store.js';
import { attachDatabase, freshDatabase } from './db.js';
import { watchSerialisation } from './serialisation.js';

export interface TestClock {
  (): Date;
  set(d: Date | string): void;
  advance(ms: number): void;
}

export function testClock(start: Date | string = new Date()): TestClock {
  let now = new Date(start);
  const clock = (() => new Date(now)) as TestClock;
  clock.set = (d) => (now = new Date(d));
  clock.advance = (ms) => (now = new Date(now.getTime() + ms));
  return clock;
}

export interface TestEnv {
  app: App;
  deps: Deps;
  db: Db;
  store: ObjectStore;
  clock: TestClock;
  config: Config;
  dataDir: string;
  /** Every line the app logged, for tests that check what is (not) logged. */
  logs: string[];
  dbUrl: string;
}

/**
 * A real app on a fresh database and a filesystem store in a temp directory; closed and
 * dropped after the test (fastify/demo's build(t) pattern). One per test file is usual.
 */
export interface EnvOptions {
  /** Use the real clock (alarms and timers) instead of a controllable frozen one. */
  realClock?: boolean;
  /** Run the flash-alarm worker (default true). */
  alarms?: boolean;
  /** Share another env's database (a second replica). */
  database?: { url: string };
}

/** Cleanups of replicas attached to a primary env's database, run before the primary drops it. */
const replicas = new Map<string, Array<() => Promise<void>>>();

export async function buildTestEnv(t: TestContext | { after(fn: () => Promise<void>): void }, overrides: Partial<Config> = {}, opts: EnvOptions = {}): Promise<TestEnv> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lienthong-test-'));
  const fresh = opts.database ? await attachDatabase(opts.database.url) : await freshDatabase();
  // The text job (pdf.js in a thread for every issued file) runs only where a test asks for it
  // (`textExtraction: true`): the search and text tests; elsewhere it would cost every test file CPU.
  // Page images rendered ahead in the background (`pageImagesAhead: true`) likewise, and so that a
  // test comparing the store before and after a request never sees one land in between.
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'info' }, { appSecret: 'x'.repeat(40), textExtraction: false, pageImagesAhead: false, ...overrides });
  const logs: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
  // The store the configuration names: the filesystem under dataDir, or S3 when `s3` is set.
  const store = createStore(config);
  await store.init();
  const clock = testClock();
  if (opts.realClock) Object.assign(clock, { set: () => { throw new Error('real clock'); } });
  const deps: Deps = { db: fresh.database.db, sql: fresh.database.sql, store, config, clock: opts.realClock ? () => new Date() : clock, log, keys: createKeyStore('k'.repeat(40)) };
  const app = await buildApp({ ...deps, secret: new TextEncoder().encode(config.appSecret!), alarms: opts.alarms ?? true });
  // Every JSON response must carry all its handler returned (response schemas drop undeclared fields).
  const losses: string[] = [];
  watchSerialisation(app, losses);
  await app.ready();
  const cleanup = async () => {
    // A browser still open (its after hook may run later) can hold a request in flight — a file
    // stream it stopped reading — and the server would wait for it: connections are cut while closing.
    let closed = false;
    const closing = app.close().finally(() => (closed = true));
    while (!closed) {
      app.server.closeAllConnections?.();
      await Promise.race([closing, new Promise((r) => setTimeout(r, 100))]);
    }
    await closing;
    await fresh.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
    if (losses.length) throw new Error(`responses lost data in serialisation:\n${[...new Set(losses)].join('\n')}`);
  };
  if (opts.database) {
    // A second replica must stop before the first one drops the shared database.
    (replicas.get(opts.database.url) ?? replicas.set(opts.database.url, []).get(opts.database.url)!).push(cleanup);
  } else {
    t.after(async () => {
      for (const other of replicas.get(fresh.url)?.splice(0) ?? []) await other();
      await cleanup();
    });
  }
  return { app, deps, db: fresh.database.db, store, clock, config, dataDir, logs, dbUrl: fresh.url };
}
