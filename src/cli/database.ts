// The database for operator commands that must work while the app runs (audit, backup) or into an
// empty target (restore): DATABASE_URL as it is; else the embedded PostgreSQL of DATA_DIR — the one
// the running app started (found by its postmaster.pid), or started here and stopped afterwards.
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import postgres from 'postgres';
import type { Config } from '../config.js';
import { connectDatabase, type Database } from '../db/client.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../db/embedded.js';
import { signalAlive } from '../db/embedded-leftover.js';

const EMBEDDED_DB = 'lienthong';
const EMBEDDED_USER = 'lienthong';

export class TargetError extends Error {}

export interface CliDatabase {
  url: string;
  database: Database;
  /** How it was reached, for messages. */
  how: 'url' | 'running' | 'started';
  close(): Promise<void>;
}

export function cliLog(cfg: Config): Logger {
  return pino({ level: cfg.logLevel }, pino.destination({ dest: 2, sync: true }));
}

/** The port of a live embedded server for `dir`, from its postmaster.pid, or null. */
async function runningPort(dir: string): Promise<number | null> {
  const text = await fs.readFile(path.join(dir, 'postmaster.pid'), 'utf8').catch(() => null);
  if (!text) return null;
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0 || !signalAlive(pid)) return null;
  return port;
}

/**
 * Opens the database. `create` (restore): an embedded cluster and its database are created when
 * missing, and a running app is refused (its data directory is not empty).
 */
export async function openCliDatabase(cfg: Config, opts: { create?: boolean; log?: Logger } = {}): Promise<CliDatabase> {
  if (cfg.databaseUrl) {
    const database = connectDatabase(cfg.databaseUrl, { max: 4 });
    return { url: cfg.databaseUrl, database, how: 'url', close: () => database.close() };
  }
  const dir = path.join(cfg.dataDir, 'postgres');
  const port = await runningPort(dir);
  if (port !== null) {
    if (opts.create) {
      throw new TargetError(
        `Ứng dụng đang chạy trên DATA_DIR ${cfg.dataDir}: hãy dừng nó và khôi phục vào một thư mục trống ` +
          `(the app is running on DATA_DIR ${cfg.dataDir}: stop it and restore into an empty directory)`,
      );
    }
    const password = (await fs.readFile(`${dir}.password`, 'utf8')).trim();
    const url = `postgres://${EMBEDDED_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${EMBEDDED_DB}`;
    const database = connectDatabase(url, { max: 4 });
    return { url, database, how: 'running', close: () => database.close() };
  }
  if (!opts.create && !existsSync(path.join(dir, 'PG_VERSION'))) {
    throw new TargetError(`Không có cơ sở dữ liệu trong DATA_DIR ${cfg.dataDir} (no database in DATA_DIR ${cfg.dataDir}); đặt DATABASE_URL hoặc DATA_DIR (set DATABASE_URL or DATA_DIR)`);
  }
  const log = opts.log ?? cliLog(cfg);
  const embedded: EmbeddedServer = await startEmbeddedPostgres({ dir, port: cfg.embeddedPgPort, log: (line) => log.debug({ pg: line }) });
  try {
    const admin = postgres(embedded.url('postgres'), { max: 1, onnotice: () => {} });
    try {
      const [row] = await admin`select 1 as ok from pg_database where datname = ${EMBEDDED_DB}`;
      if (!row) {
        if (!opts.create) throw new TargetError(`Không có cơ sở dữ liệu trong DATA_DIR ${cfg.dataDir} (no database in DATA_DIR)`);
        await admin.unsafe(`create database ${EMBEDDED_DB}`);
      }
    } finally {
      await admin.end();
    }
  } catch (err) {
    await embedded.stop().catch(() => {});
    throw err;
  }
  const url = embedded.url(EMBEDDED_DB);
  const database = connectDatabase(url, { max: 4 });
  return {
    url,
    database,
    how: 'started',
    async close() {
      await database.close();
      await embedded.stop();
    },
  };
}
