// What backup.ts writes and restore.ts reads: the manifest, the object layout, catalogue queries.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import type { Config } from '../config.js';
import type { ObjectStore } from '../storage/object-store.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BACKUP_FORMAT = 'lienthong-backup';
export const BACKUP_VERSION = 1;
export const EVENTS_TRIGGER = 'events_audit_chain';

export interface ManifestTable {
  name: string;
  file: string;
  columns: string[];
  rows: number;
  bytes: number;
  sha256: string;
}

export interface ManifestObject {
  sha256: string;
  size: number;
  file: string;
}

export interface Manifest {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  app: { name: string; version: string };
  /** Migrations applied to the backed-up database (drizzle's journal `when` and tag of the last). */
  schema: { migrations: number; last: { tag: string | null; createdAt: number; hash: string } | null };
  store: 'fs' | 's3';
  tables: ManifestTable[];
  sequences: Array<{ name: string; lastValue: string | null }>;
  /** The audit chain head in the snapshot. */
  events: { head: { id: string; hash: string | null } | null };
  objects: ManifestObject[];
}

/** A backup that does not match its manifest (exit 1). */
export class DamagedBackup extends Error {}

export function say(line: string) {
  process.stdout.write(`${line}\n`);
}

interface Journal { entries: Array<{ idx: number; when: number; tag: string }> }

export async function journal(): Promise<Journal> {
  return JSON.parse(await fs.readFile(path.join(ROOT, 'drizzle/meta/_journal.json'), 'utf8')) as Journal;
}

export async function appInfo(): Promise<{ name: string; version: string }> {
  const pkg = JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  return { name: pkg.name, version: pkg.version };
}

export async function createStoreFor(cfg: Config): Promise<ObjectStore> {
  const { createStore } = await import('../server.js');
  return createStore(cfg);
}

/** Pass-through that hashes, counts bytes and (for COPY text) rows — one per LF. */
export function meter() {
  const hash = createHash('sha256');
  let bytes = 0;
  let rows = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
      cb(null, chunk);
    },
  });
  return { stream, done: () => ({ sha256: hash.digest('hex'), bytes, rows }) };
}

export function objectFile(sha256: string): string {
  return path.posix.join('objects', sha256.slice(0, 2), sha256);
}

export async function publicTables(sql: postgres.Sql | postgres.TransactionSql): Promise<string[]> {
  const rows = await sql<Array<{ name: string }>>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by c.relname`;
  return rows.map((r) => r.name);
}

export async function tableColumns(sql: postgres.Sql | postgres.TransactionSql, table: string): Promise<string[]> {
  const rows = await sql<Array<{ name: string }>>`
    select attname as name from pg_attribute
    where attrelid = ${`public.${quoteIdent(table)}`}::regclass and attnum > 0 and not attisdropped and attgenerated = ''
    order by attnum`;
  return rows.map((r) => r.name);
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export async function migrationLevel(sql: postgres.Sql | postgres.TransactionSql): Promise<Manifest['schema']> {
  const exists = await sql`select 1 from pg_tables where schemaname = 'drizzle' and tablename = '__drizzle_migrations'`;
  if (!exists.length) return { migrations: 0, last: null };
  const rows = await sql<Array<{ hash: string; createdAt: string }>>`
    select hash, created_at::text as "createdAt" from drizzle.__drizzle_migrations order by created_at`;
  const last = rows[rows.length - 1];
  if (!last) return { migrations: 0, last: null };
  const when = Number(last.createdAt);
  const tag = (await journal()).entries.find((e) => e.when === when)?.tag ?? null;
  return { migrations: rows.length, last: { tag, createdAt: when, hash: last.hash } };
}
