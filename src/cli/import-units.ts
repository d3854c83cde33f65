// `npm run cli -- import-units <file.csv>`: loads units from a CSV into the database.
// Rows are imported one by one (each its own transaction) so that one bad row does not
// cost the operator the good ones; every row ends up imported, skipped or rejected.
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { parse, type Info } from 'csv-parse';
import type { Deps } from '../lib/deps.js';
import { AppError } from '../lib/errors.js';
import { createUnit, findUnitByCode } from '../modules/orgs/units.js';
import type { UnitSeed } from '../workflows/demo/demo-district.js';
import { orderParentsFirst, parseUnitsCsv } from './units-csv.js';

export interface RowRef {
  line: number;
  code: string;
}
export interface ImportedRow extends RowRef {
  id: string;
}
export interface Rejection extends RowRef {
  reason: string;
}

export interface Report {
  file: string;
  /** Data rows in the file (the header and empty lines excluded). */
  total: number;
  imported: ImportedRow[];
  /** Codes already in the database: existing units are never updated by an import. */
  skipped: RowRef[];
  /** Rejected while parsing and while importing, by line. */
  rejected: Rejection[];
}

export interface ImportOptions {
  /** Called once before the first row and after every row of the import phase. */
  onProgress?: (done: number, total: number) => void;
}

/** The file cannot be read as a units CSV at all (no header, missing columns): nothing was imported. */
export class UnitsFileError extends Error {
  override name = 'UnitsFileError';
}

export const SKIPPED_REASON = 'Đã tồn tại (already exists)';

// parseUnitsCsv returns rows without their line numbers; this second, cheap pass over the
// file recovers them so import-time rejections can point at a line too. The options match
// parseUnitsCsv's so both passes see the same records on the same lines.
async function codesByLine(file: string): Promise<Map<number, string>> {
  const byLine = new Map<number, string>();
  const parser = parse({
    bom: true,
    raw: true,
    relax_quotes: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
  });
  const done = pipeline(fs.createReadStream(file), parser);
  done.catch(() => undefined); // surfaced by the iteration below
  let codeCol: number | null = null;
  for await (const item of parser as AsyncIterable<{ record: string[]; info: Info; raw: string }>) {
    if (codeCol === null) {
      codeCol = item.record.findIndex((h) => h.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s_-]+/g, '') === 'code');
      continue;
    }
    const raw = item.raw.trim();
    const line = item.info.lines - (raw.match(/\n/g)?.length ?? 0);
    const code = (item.record[codeCol] ?? '').trim();
    if (code !== '') byLine.set(line, code);
  }
  await done;
  return byLine;
}

function appErrorText(err: AppError): string {
  return `${err.text.vi} (${err.text.en})`;
}

export async function importUnits(deps: Pick<Deps, 'db' | 'clock'>, file: string, opts: ImportOptions = {}): Promise<Report> {
  let parsed;
  try {
    parsed = await parseUnitsCsv(fs.createReadStream(file));
  } catch (err) {
    // Header problems are thrown as plain Errors; I/O errors keep their code and propagate.
    if (err instanceof Error && !(err as NodeJS.ErrnoException).code) throw new UnitsFileError(err.message);
    throw err;
  }
  const codeAt = await codesByLine(file);

  const parseRejectedLines = new Set(parsed.rejected.map((r) => r.line));
  // A code can appear on several lines (duplicates, or an invalid row before a valid one);
  // the accepted row is its first occurrence that the parser did not reject.
  const lineOfRow = new Map<string, number>();
  for (const [line, code] of [...codeAt].sort((a, b) => a[0] - b[0])) {
    if (!parseRejectedLines.has(line) && !lineOfRow.has(code)) lineOfRow.set(code, line);
  }
  const ref = (row: UnitSeed): RowRef => ({ line: lineOfRow.get(row.code) ?? 0, code: row.code });

  const report: Report = {
    file,
    total: parsed.rows.length + parsed.rejected.length,
    imported: [],
    skipped: [],
    rejected: parsed.rejected.map((r) => ({ line: r.line, code: codeAt.get(r.line) ?? '', reason: r.reason })),
  };

  // Where a parent code was rejected in this file, so its children can say why they fail.
  const goodCodes = new Set(parsed.rows.map((r) => r.code));
  const rejectedAt = new Map<string, number>();
  for (const r of report.rejected) {
    if (r.code && !goodCodes.has(r.code) && !rejectedAt.has(r.code)) rejectedAt.set(r.code, r.line);
  }
  const reject = (row: UnitSeed, reason: string): void => {
    const at = ref(row);
    report.rejected.push({ ...at, reason });
    if (!rejectedAt.has(row.code)) rejectedAt.set(row.code, at.line);
  };

  const { ordered, cyclic } = orderParentsFirst(parsed.rows);
  const total = parsed.rows.length;
  let done = 0;
  opts.onProgress?.(done, total);
  for (const row of cyclic) {
    reject(row, 'Mã đơn vị cấp trên tạo thành vòng lặp trong tệp (parent_code forms a cycle in the file, or lies below one)');
    opts.onProgress?.(++done, total);
  }

  const idByCode = new Map<string, string>();
  const at = deps.clock();
  for (const row of ordered) {
    await importRow(row);
    opts.onProgress?.(++done, total);
  }

  async function importRow(row: UnitSeed): Promise<void> {
    const existing = await findUnitByCode(deps.db, row.code);
    if (existing) {
      idByCode.set(row.code, existing.id);
      report.skipped.push(ref(row));
      return;
    }
    let parentId: string | null = null;
    if (row.parentCode !== null) {
      const p = row.parentCode;
      parentId = idByCode.get(p) ?? null;
      if (parentId === null) {
        const parent = await findUnitByCode(deps.db, p);
        if (parent?.internal) {
          return reject(row, `Đơn vị cấp trên ${p} là đơn vị nội bộ của hệ thống (parent ${p} is the system's internal unit)`);
        }
        if (parent?.dissolvedAt) {
          return reject(row, `Đơn vị cấp trên ${p} đã giải thể (parent ${p} has been dissolved)`);
        }
        if (!parent) {
          const line = rejectedAt.get(p);
          return reject(
            row,
            line !== undefined
              ? `Đơn vị cấp trên ${p} bị từ chối ở dòng ${line} (parent ${p} was rejected on line ${line})`
              : `Không tìm thấy đơn vị cấp trên ${p} trong tệp hay trong hệ thống (unknown parent_code ${p}: neither in the file nor in the database)`,
          );
        }
        parentId = parent.id;
        idByCode.set(p, parent.id);
      }
    }
    try {
      const unit = await createUnit(deps.db, null, { code: row.code, name: row.name, shortName: row.shortName, kind: row.kind, ...(row.level ? { level: row.level } : {}), parentId }, at);
      idByCode.set(row.code, unit.id);
      report.imported.push({ ...ref(row), id: unit.id });
    } catch (err) {
      // e.g. the same code created concurrently by an admin: that row fails, the import goes on.
      if (err instanceof AppError) return reject(row, appErrorText(err));
      throw err;
    }
  }

  // Rows were processed parents first; the operator reads the report against the file.
  for (const list of [report.imported, report.skipped, report.rejected]) list.sort((a, b) => a.line - b.line);
  return report;
}

const SKIPPED_SHOWN = 20;

function table(rows: Array<[string, string, string]>, indent = '  '): string {
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return rows.map((r) => `${indent}${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`.trimEnd()).join('\n');
}

/** The end-of-run report an operator reads: counts first, then every rejected row with its reason. */
export function formatReport(report: Report): string {
  const out: string[] = [];
  out.push(`Kết quả nhập đơn vị từ ${report.file} (import result):`);
  out.push(
    table([
      ['Số dòng dữ liệu (data rows):', String(report.total), ''],
      ['Đã nhập (imported):', String(report.imported.length), ''],
      ['Bỏ qua, đã tồn tại (skipped, already exist):', String(report.skipped.length), ''],
      ['Bị từ chối (rejected):', String(report.rejected.length), ''],
    ]),
  );
  if (report.skipped.length > 0) {
    out.push('', 'Đơn vị đã có không được cập nhật (existing units were left unchanged):');
    const shown = report.skipped.slice(0, SKIPPED_SHOWN);
    out.push(table([['Dòng (line)', 'Mã (code)', 'Lý do (reason)'], ...shown.map((s): [string, string, string] => [String(s.line), s.code, SKIPPED_REASON])]));
    if (report.skipped.length > shown.length) out.push(`  … và ${report.skipped.length - shown.length} dòng khác (and ${report.skipped.length - shown.length} more)`);
  }
  if (report.rejected.length > 0) {
    out.push('', 'Các dòng bị từ chối (rejected rows):');
    out.push(
      table([
        ['Dòng (line)', 'Mã (code)', 'Lý do (reason)'],
        ...report.rejected.map((r): [string, string, string] => [String(r.line), r.code || '—', r.reason]),
      ]),
    );
  }
  return out.join('\n') + '\n';
}
