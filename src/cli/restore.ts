// `npm run cli -- restore <dir>` (issue 11, item 13): the inverse of backup.ts.
//
// restore checks every table file against the manifest, refuses a non-empty target, runs the
// migrations, stages every object (hash checked) and then COPYs the tables in one transaction in
// foreign-key order — with the audit chain trigger disabled, so restored rows keep their hashes —
// and sets the sequences. A failure rolls the transaction back and removes the objects it added.
import { createReadStream, existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';
import type { Config } from '../config.js';
import { runMigrations } from '../db/migrate.js';
import type { ObjectStore } from '../storage/object-store.js';
import { cliLog, openCliDatabase, TargetError } from './database.js';
import { BACKUP_FORMAT, BACKUP_VERSION, EVENTS_TRIGGER, DamagedBackup, say, journal, createStoreFor, meter, publicTables, tableColumns, quoteIdent, type Manifest } from './backup-format.js';

async function readManifest(dir: string): Promise<Manifest> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, 'manifest.json'), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DamagedBackup(`${dir} không có manifest.json: không phải bản sao lưu hoàn chỉnh (no manifest.json: not a complete backup)`);
    }
    throw e;
  }
  let m: Manifest;
  try {
    m = JSON.parse(text) as Manifest;
  } catch {
    throw new DamagedBackup('manifest.json bị hỏng (manifest.json is damaged: not JSON)');
  }
  if (m?.format !== BACKUP_FORMAT || !Array.isArray(m.tables) || !Array.isArray(m.objects) || !Array.isArray(m.sequences)) {
    throw new DamagedBackup('manifest.json không phải của bản sao lưu lienthong (not a lienthong backup manifest)');
  }
  if (m.version !== BACKUP_VERSION) throw new TargetError(`Phiên bản sao lưu ${m.version} không được hỗ trợ (backup format version ${m.version} is not supported)`);
  const safe = (f: string) => typeof f === 'string' && !path.isAbsolute(f) && !f.split(/[\\/]/).includes('..');
  for (const t of m.tables) {
    if (!safe(t.file) || !/^[a-z_][a-z0-9_]*$/.test(t.name) || !Array.isArray(t.columns)) throw new DamagedBackup(`manifest.json bị hỏng ở bảng (damaged table entry) ${JSON.stringify(t.name)}`);
  }
  for (const o of m.objects) {
    if (!/^[0-9a-f]{64}$/.test(o.sha256) || !safe(o.file)) throw new DamagedBackup(`manifest.json bị hỏng ở tệp (damaged object entry) ${JSON.stringify(o.sha256)}`);
  }
  return m;
}

/** Every table file is read once and must match the manifest (size, hash, rows). */
async function checkTableFiles(dir: string, m: Manifest): Promise<void> {
  for (const t of m.tables) {
    const meterT = meter();
    try {
      await pipeline(createReadStream(path.join(dir, t.file)), meterT.stream, new Writable({ write: (_c, _e, cb) => cb() }));
    } catch (e) {
      throw new DamagedBackup(`thiếu tệp ${t.file} (missing file): ${(e as Error).message}`);
    }
    const got = meterT.done();
    if (got.sha256 !== t.sha256 || got.bytes !== t.bytes || got.rows !== t.rows) {
      throw new DamagedBackup(`tệp ${t.file} bị hỏng: mã băm không khớp manifest (damaged: ${t.file} does not match its SHA-256 in the manifest)`);
    }
  }
}

async function targetProblems(sql: postgres.Sql, store: ObjectStore): Promise<string | null> {
  for (const t of await publicTables(sql)) {
    const [row] = await sql.unsafe<Array<{ any: boolean }>>(`select exists (select 1 from public.${quoteIdent(t)}) as any`);
    if (row?.any) return `bảng ${t} đã có dữ liệu (table ${t} has rows)`;
  }
  for await (const sha of store.list()) return `kho tệp đã có tệp (the object store is not empty: ${sha})`;
  return null;
}

/** Tables in an order where every table comes after those its foreign keys point to. */
async function dependencyOrder(sql: postgres.Sql | postgres.TransactionSql, names: string[]): Promise<string[]> {
  const edges = await sql<Array<{ child: string; parent: string }>>`
    select c.relname as child, p.relname as parent
    from pg_constraint k
      join pg_class c on c.oid = k.conrelid join pg_namespace cn on cn.oid = c.relnamespace
      join pg_class p on p.oid = k.confrelid
    where k.contype = 'f' and cn.nspname = 'public' and c.oid <> p.oid`;
  const wanted = new Set(names);
  const parents = new Map<string, Set<string>>(names.map((n) => [n, new Set()]));
  for (const e of edges) if (wanted.has(e.child) && wanted.has(e.parent)) parents.get(e.child)!.add(e.parent);
  const out: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (n: string) => {
    if (state.get(n) === 'done' || state.get(n) === 'visiting') return; // a cycle is left to COPY's end-of-statement checks
    state.set(n, 'visiting');
    for (const p of [...parents.get(n)!].sort()) visit(p);
    state.set(n, 'done');
    out.push(n);
  };
  for (const n of [...names].sort()) visit(n);
  return out;
}

export async function restoreCommand(cfg: Config, dirArg: string): Promise<number> {
  const dir = path.resolve(dirArg);
  if (!existsSync(dir)) throw new TargetError(`Không tìm thấy thư mục ${dir} (directory not found)`);
  const log = cliLog(cfg);
  const t0 = Date.now();
  let manifest: Manifest;
  try {
    manifest = await readManifest(dir);
    const ours = (await journal()).entries;
    const level = manifest.schema.last;
    if (level && !ours.some((e) => e.when === level.createdAt)) {
      throw new TargetError(
        `Bản sao lưu có lược đồ (schema) ${level.tag ?? level.createdAt} mà phiên bản này không biết: hãy khôi phục bằng phiên bản ${manifest.app.version} trở lên ` +
          `(the backup's schema is newer than this version: restore with version ${manifest.app.version} or later)`,
      );
    }
    const latest = ours[ours.length - 1];
    if (level && latest && level.createdAt !== latest.when) {
      process.stderr.write(
        `Cảnh báo: bản sao lưu từ phiên bản cũ hơn (${level.tag ?? level.createdAt}); nên khôi phục bằng phiên bản đó rồi mới nâng cấp ` +
          `(warning: the backup is from an older schema; better restore it with that version, then upgrade)\n`,
      );
    }
    await checkTableFiles(dir, manifest);
  } catch (err) {
    if (err instanceof DamagedBackup) return damaged(err);
    throw err;
  }

  const store = await createStoreFor(cfg);
  const db = await openCliDatabase(cfg, { create: true, log });
  const added: string[] = [];
  try {
    await store.init();
    const problem = await targetProblems(db.database.sql, store);
    if (problem) {
      throw new TargetError(`Đích khôi phục không trống: ${problem}; hãy dùng DATA_DIR (hoặc DATABASE_URL và kho tệp) trống (the restore target is not empty; use an empty one)`);
    }
    await runMigrations(db.url);

    for (const o of manifest.objects) {
      const staged = await store.stage(createReadStream(path.join(dir, o.file))).catch((e: Error) => {
        throw new DamagedBackup(`thiếu tệp ${o.file} (missing file): ${e.message}`);
      });
      if (staged.sha256 !== o.sha256 || staged.size !== o.size) {
        await store.discard(staged);
        throw new DamagedBackup(`tệp ${o.file} bị hỏng: mã băm không khớp manifest (damaged: ${o.file} does not match its SHA-256)`);
      }
      await store.promote(staged);
      added.push(o.sha256);
    }

    const sql = db.database.sql;
    await sql.begin(async (tx) => {
      const present = new Set(await publicTables(tx));
      const missing = manifest.tables.filter((t) => !present.has(t.name)).map((t) => t.name);
      if (missing.length) throw new TargetError(`Lược đồ thiếu bảng (the schema lacks tables): ${missing.join(', ')}`);
      const byName = new Map(manifest.tables.map((t) => [t.name, t]));
      const triggered = (await tx`select 1 from pg_trigger where tgname = ${EVENTS_TRIGGER}`).length > 0;
      if (triggered) await tx.unsafe(`alter table events disable trigger ${EVENTS_TRIGGER}`);
      for (const name of await dependencyOrder(tx, [...byName.keys()])) {
        const t = byName.get(name)!;
        const columns = new Set((await tableColumns(tx, name)));
        const unknown = t.columns.filter((c) => !columns.has(c));
        if (unknown.length) throw new TargetError(`Bảng ${name} không có cột (table ${name} has no column) ${unknown.join(', ')}`);
        // The query settles with the server's answer: an error there must not leave the pipeline waiting.
        const query = tx`copy ${tx(name)} (${tx(t.columns)}) from stdin`;
        const sink = await query.writable();
        await Promise.all([pipeline(createReadStream(path.join(dir, t.file)), sink), query]);
        const [row] = await tx.unsafe<Array<{ n: string }>>(`select count(*)::text as n from public.${quoteIdent(name)}`);
        if (Number(row!.n) !== t.rows) throw new DamagedBackup(`bảng ${name}: ${row!.n} dòng, manifest ghi ${t.rows} (table ${name} restored ${row!.n} rows, the manifest says ${t.rows})`);
      }
      if (triggered) await tx.unsafe(`alter table events enable trigger ${EVENTS_TRIGGER}`);
      for (const s of manifest.sequences) {
        if (s.lastValue !== null) await tx`select setval(${`public.${quoteIdent(s.name)}`}::regclass, ${s.lastValue}::bigint, true)`;
      }
      // Never behind a column it feeds, whatever the manifest says.
      const serials = await tx<Array<{ table: string; column: string; seq: string }>>`
        select c.table_name as table, c.column_name as column, pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) as seq
        from information_schema.columns c
        where c.table_schema = 'public' and pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) is not null`;
      for (const s of serials) {
        await tx.unsafe(
          `select setval($1::regclass, greatest((select last_value from ${s.seq}), (select coalesce(max(${quoteIdent(s.column)}), 0) from public.${quoteIdent(s.table)}), 1), true)`,
          [s.seq],
        );
      }
    });
    added.length = 0; // committed: the objects are referenced now

    const rows = manifest.tables.reduce((n, t) => n + t.rows, 0);
    say(`Đã khôi phục (restored) từ ${dir}: ${manifest.tables.length} bảng (tables), ${rows} dòng (rows), ${manifest.objects.length} tệp (objects), ` +
      `${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const { walkChain } = await import('../modules/audit/chain.js');
    const walk = await walkChain(sql);
    if (walk.problem) {
      process.stderr.write(`Cảnh báo: chuỗi nhật ký sau khôi phục không toàn vẹn (warning: the restored audit chain does not verify): ${walk.problem.message.vi} (${walk.problem.message.en})\n`);
      return 1;
    }
    say(`Chuỗi nhật ký toàn vẹn (audit chain intact): ${walk.count} sự kiện (events). Kiểm tra đầy đủ (full check): npm run cli -- audit verify`);
    return 0;
  } catch (err) {
    for (const sha of added) await store.delete(sha).catch(() => {});
    if (err instanceof DamagedBackup) return damaged(err);
    if (err instanceof TargetError) throw err;
    // The transaction rolled back and the objects are gone: say so rather than print a stack.
    process.stderr.write(`Khôi phục thất bại, không khôi phục gì (restore failed, nothing restored): ${err instanceof Error ? err.message : String(err)}\n`);
    return 3;
  } finally {
    await db.close();
  }
}

function damaged(err: DamagedBackup): number {
  process.stderr.write(`Bản sao lưu bị hỏng, không khôi phục (damaged backup, nothing restored): ${err.message}\n`);
  return 1;
}
