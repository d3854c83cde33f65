import path from 'node:path';
import pino, { type Logger } from 'pino';
import postgres from 'postgres';
import { buildApp } from './app.js';
import { runDevCa } from './workflows/demo/dev-ca.js';
import { printDemoAccounts, seedDemo } from './workflows/demo/seed-demo.js';
import { DEMOS } from './workflows/demo/datasets.js';
import type { Config } from './config.js';
import { connectDatabase, type Database } from './db/client.js';
import { startEmbeddedPostgres, type EmbeddedServer } from './db/embedded.js';
import { runMigrations } from './db/migrate.js';
import type { App } from './http/types.js';
import type { Deps } from './lib/deps.js';
import { systemClock } from './lib/time.js';
import { configuredOrStoredSecret } from './lib/secrets.js';
import { createKeyStore } from './modules/signing/keystore.js';
import { warmTextLayer } from './modules/signing/pdf/text-layer.js';
import { startSweeper } from './jobs/sweeper.js';
import { resolveSecret } from './modules/auth/service.js';
import { ensureAdmin } from './modules/orgs/bootstrap.js';
import { createFsStore, createS3Store } from './storage/index.js';
import type { ObjectStore } from './storage/object-store.js';

export interface Runtime {
  deps: Deps;
  database: Database;
  close(): Promise<void>;
}

const EMBEDDED_DB = 'lienthong';

/** The database URL to use: DATABASE_URL, or a database on an embedded server started here. */
async function databaseUrl(config: Config, log: Logger): Promise<{ url: string; embedded: EmbeddedServer | null }> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: null };
  const embedded = await startEmbeddedPostgres({
    dir: path.join(config.dataDir, 'postgres'),
    port: config.embeddedPgPort,
    log: (line) => log.debug({ pg: line }),
    notice: (line) => log.warn(line),
  });
  const admin = postgres(embedded.url('postgres'), { max: 1, onnotice: () => {} });
  try {
    const [row] = await admin`select 1 as ok from pg_database where datname = ${EMBEDDED_DB}`;
    if (!row) await admin.unsafe(`create database ${EMBEDDED_DB}`);
  } finally {
    await admin.end();
  }
  return { url: embedded.url(EMBEDDED_DB), embedded };
}

export function createStore(config: Config): ObjectStore {
  return config.s3 ? createS3Store(config.s3) : createFsStore(path.join(config.dataDir, 'objects'));
}

/** Everything the app needs, started in order: database (embedded or URL), migrations, file store, admin, demo seed. */
export async function startRuntime(config: Config, opts: { log?: Logger } = {}): Promise<Runtime> {
  const log = opts.log ?? pino({ level: config.logLevel });
  const { url, embedded } = await databaseUrl(config, log);
  const database = connectDatabase(url, { max: 20 });
  try {
    await runMigrations(url);
    const store = createStore(config);
    await store.init();
    const keys = createKeyStore(await configuredOrStoredSecret(config.keySecret, config.dataDir, 'key-secret'));
    const deps: Deps = { db: database.db, sql: database.sql, store, config, clock: systemClock, log, keys };
    const admin = await ensureAdmin(deps);
    if (admin.password) {
      // Printed once, on the console only; it is never stored in clear.
      process.stdout.write(`\n  Tài khoản quản trị / admin account: admin / ${admin.password}\n  (set ADMIN_PASSWORD to choose it)\n\n`);
    }
    if (config.demo) {
      const demo = DEMOS[config.demo];
      const seeded = await seedDemo(deps, demo);
      if (seeded.units || seeded.users) {
        log.info({ ...seeded, demo: demo.name }, `demo ${demo.name} seeded`);
        if (seeded.users) printDemoAccounts(demo);
      }
      // The demo signs out of the box: a local CA, keys and images for the demo leaders and units.
      const pki = await runDevCa(deps);
      if (pki.userCertificates || pki.unitCertificates) log.info(pki, 'demo signing keys issued by the development CA');
    }
    return {
      deps,
      database,
      async close() {
        await database.close();
        await embedded?.stop();
      },
    };
  } catch (err) {
    await database.close().catch(() => {});
    await embedded?.stop().catch(() => {});
    throw err;
  }
}

export async function startServer(
  config: Config,
  opts: { log?: Logger } = {},
): Promise<{ app: App; runtime: Runtime; close(): Promise<void> }> {
  const runtime = await startRuntime(config, opts);
  const secret = await resolveSecret(config);
  const app = await buildApp({ ...runtime.deps, secret });
  await app.listen({ port: config.port, host: config.host });
  // What a crash left in the object store: swept now and daily (jobs/sweeper.ts).
  const sweeper = startSweeper(runtime.deps);
  // The PDF text-layer reader (a thread with pdf.js) loaded now, not by the first issue's request.
  warmTextLayer().catch((err: Error) => runtime.deps.log.warn({ err: err.message }, 'PDF text-layer reader warm-up failed'));
  return {
    app,
    runtime,
    async close() {
      await sweeper.stop();
      await app.close();
      await runtime.close();
    },
  };
}
