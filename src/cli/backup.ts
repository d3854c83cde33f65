// `npm run cli -- backup <dir>` (issue 11, item 13); restore.ts reads what it writes.
//
// The embedded PostgreSQL package ships no pg_dump, so a backup is one REPEATABLE READ READ ONLY
// transaction — one snapshot — that COPYs every table of the public schema to a file and copies
// every store object the `blobs` registry names as of that snapshot, while the app keeps running.
// manifest.json, written last, lists the migration level, each table (columns, rows, SHA-256 of its
// file), the sequences and each object; a directory without it is not a backup.
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';
import type { Config } from '../config.js';
import type { ObjectStore } from '../storage/object-store.js';
import { openCliDatabase, TargetError } from './database.js';
import { BACKUP_FORMAT, BACKUP_VERSION, DamagedBackup, say, appInfo, createStoreFor, meter, objectFile, publicTables, tableColumns, migrationLevel, type ManifestTable, type ManifestObject, type Manifest } from './backup-format.js';

export async function backupCommand(cfg: Config, dirArg: string): Promise<number> {
  const dir = path.resolve(dirArg);
  const entries = await fs.readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as string[];
    throw new TargetError(`Không mở được thư mục ${dir} (cannot open the directory): ${e.message}`);
  });
  if (entries.length) throw new TargetError(`Thư mục ${dir} không trống; hãy chọn thư mục mới (the directory is not empty; choose a new one)`);
  await fs.mkdir(path.join(dir, 'tables'), { recursive: true });
  const store = await createStoreFor(cfg);
  const db = await openCliDatabase(cfg);
  const t0 = Date.now();
  try {
    const manifest = await writeSnapshot(db.database.sql, db.url, store, dir, cfg);
    await fs.writeFile(path.join(dir, 'manifest.json.tmp'), JSON.stringify(manifest, null, 2) + '\n');
    await fs.rename(path.join(dir, 'manifest.json.tmp'), path.join(dir, 'manifest.json'));
    const rows = manifest.tables.reduce((n, t) => n + t.rows, 0);
    const bytes = manifest.objects.reduce((n, o) => n + o.size, 0);
    say(`Đã sao lưu (backed up) vào ${dir}: ${manifest.tables.length} bảng (tables), ${rows} dòng (rows), ` +
      `${manifest.objects.length} tệp (objects, ${bytes} bytes), sự kiện cuối (last event) ${manifest.events.head?.id ?? '-'}, ` +
      `${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return 0;
  } catch (err) {
    if (err instanceof DamagedBackup) {
      process.stderr.write(`Sao lưu thất bại (backup failed): ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await db.close();
  }
}

/**
 * `COPY <table> TO STDOUT` into `file`, in the snapshot `snapshot`, on a connection of its own that
 * is closed afterwards: postgres.js can leave a connection's socket paused after a COPY stream
 * (porsager/postgres#499, #1016), which would hang the next query on it.
 */
async function copyTableOut(url: string, snapshot: string, name: string, columns: string[], file: string) {
  const c = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'lienthong-backup' } });
  try {
    await c.unsafe('begin isolation level repeatable read read only');
    await c`set transaction snapshot ${c.unsafe(`'${snapshot.replace(/'/g, "''")}'`)}`;
    const m = meter();
    const source = await c`copy ${c(name)} (${c(columns)}) to stdout`.readable();
    await pipeline(source, m.stream, createWriteStream(file));
    return m.done();
  } finally {
    await c.end({ timeout: 0 });
  }
}

async function writeSnapshot(sql: postgres.Sql, url: string, store: ObjectStore, dir: string, cfg: Config): Promise<Manifest> {
  return sql.begin('isolation level repeatable read read only', async (tx) => {
    const createdAt = new Date().toISOString();
    // Every table is read in this transaction's snapshot, exported to the connections that COPY.
    const [{ snapshot }] = (await tx<Array<{ snapshot: string }>>`select pg_export_snapshot() as snapshot`) as unknown as [{ snapshot: string }];
    const schema = await migrationLevel(tx);
    const tables: ManifestTable[] = [];
    for (const name of await publicTables(tx)) {
      const columns = await tableColumns(tx, name);
      const file = path.posix.join('tables', `${name}.copy`);
      const done = await copyTableOut(url, snapshot, name, columns, path.join(dir, file));
      tables.push({ name, file, columns, ...done });
    }
    const sequences = await tx<Array<{ name: string; lastValue: string | null }>>`
      select sequencename as name, last_value::text as "lastValue" from pg_sequences where schemaname = 'public' order by sequencename`;
    const hasEvents = tables.some((t) => t.name === 'events');
    const [head] = hasEvents ? await tx<Array<{ id: string; hash: string | null }>>`select id::text as id, hash from events order by events.id desc limit 1` : [];
    const objects: ManifestObject[] = [];
    if (tables.some((t) => t.name === 'blobs')) {
      // Keyset pages in the snapshot (postgres.js cursors misbehave when the callback awaits).
      let last = '';
      for (;;) {
        const page = await tx<Array<{ sha256: string; size: string }>>`
          select sha256, size::text as size from blobs where sha256 > ${last} order by sha256 limit 500`;
        for (const r of page) objects.push(await copyObject(store, dir, r.sha256, Number(r.size)));
        if (page.length < 500) break;
        last = page[page.length - 1]!.sha256;
      }
    }
    return {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      createdAt,
      app: await appInfo(),
      schema,
      store: cfg.s3 ? 's3' : 'fs',
      tables,
      sequences: [...sequences],
      events: { head: head ?? null },
      objects,
    };
  }) as Promise<Manifest>;
}

async function copyObject(store: ObjectStore, dir: string, sha256: string, size: number): Promise<ManifestObject> {
  const file = objectFile(sha256);
  await fs.mkdir(path.join(dir, path.dirname(file)), { recursive: true });
  const m = meter();
  let source;
  try {
    source = await store.get(sha256);
  } catch (err) {
    throw new DamagedBackup(`tệp ${sha256} có trong sổ đăng ký (blobs) nhưng không có trong kho (object registered in blobs is missing from the store): ${(err as Error).message}`);
  }
  await pipeline(source, m.stream, createWriteStream(path.join(dir, file)));
  const got = m.done();
  if (got.sha256 !== sha256) throw new DamagedBackup(`tệp ${sha256} trong kho bị hỏng: mã băm là ${got.sha256} (the stored object is damaged: its hash is ${got.sha256})`);
  if (got.bytes !== size) process.stderr.write(`cảnh báo (warning): ${sha256} có ${got.bytes} byte, sổ đăng ký ghi ${size} (registry says ${size} bytes)\n`);
  return { sha256, size: got.bytes, file };
}
