// CSV import of units: streaming parse + validation, and parents-first ordering.
// Expected header: code,name,short_name,kind,parent_code and optionally level (province,
// district, commune; empty = inferred from the parent and the name) — also shortName/parentCode,
// any casing, spaces/dashes/underscores ignored. Whether a parent_code that is not
// in the file exists is left to the DB import.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, type CsvError, type Info } from 'csv-parse';
import type { UnitKind, UnitLevel, UnitSeed } from '../workflows/demo/demo-district.js';

export const UNIT_KINDS: readonly UnitKind[] = ['party', 'council', 'government', 'department', 'school', 'other'];
export const UNIT_LEVELS: readonly UnitLevel[] = ['province', 'district', 'commune'];
const CODE_RE = /^[0-9A-Za-z.]+$/;
const MAX_CODE = 35;
const MAX_NAME = 255;
const MAX_SHORT = 20;

export interface RejectedRow {
  line: number;
  reason: string;
  raw: string;
}

export interface ParseUnitsResult {
  rows: UnitSeed[];
  rejected: RejectedRow[];
}

type Field = 'code' | 'name' | 'shortName' | 'kind' | 'parentCode' | 'level';
const HEADER_ALIASES: Record<string, Field> = {
  code: 'code',
  name: 'name',
  shortname: 'shortName',
  kind: 'kind',
  parentcode: 'parentCode',
  level: 'level',
};
const REQUIRED: readonly Field[] = ['code', 'name', 'shortName', 'kind'];

const normHeader = (h: string): string => h.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s_-]+/g, '');
const clean = (v: string | undefined): string => (v ?? '').replace(/^\uFEFF/, '').trim();

function codeProblem(code: string, what: 'code' | 'parent'): string | null {
  const vi = what === 'code' ? 'Mã định danh' : 'Mã đơn vị cấp trên';
  const en = what === 'code' ? 'code' : 'parent_code';
  if (code.length > MAX_CODE) return `${vi} dài quá ${MAX_CODE} ký tự (${en} longer than ${MAX_CODE} characters)`;
  if (!CODE_RE.test(code)) return `${vi} chứa ký tự không hợp lệ, chỉ cho phép chữ, số và dấu chấm (${en} may contain only letters, digits and dots)`;
  return null;
}

/** csv-parse reports the line where a record ends; a quoted field may span lines. */
const startLine = (endLine: number, raw: string): number => endLine - (raw.match(/\n/g)?.length ?? 0);

/**
 * Parses a units CSV from a stream (or a string) without buffering the whole input.
 * `onRow(n)` is called after each data row with the number of data rows seen so far.
 * Throws if the header is missing or lacks a required column.
 */
export async function parseUnitsCsv(
  input: NodeJS.ReadableStream | string,
  onRow?: (n: number) => void,
): Promise<ParseUnitsResult> {
  const rows: UnitSeed[] = [];
  const rejected: RejectedRow[] = [];
  const seen = new Map<string, number>(); // code -> line of first occurrence
  let columns: Array<Field | null> | null = null;
  let count = 0;
  let lastSkipLine = -1;

  const parser = parse({
    bom: true,
    raw: true,
    relax_quotes: true, // a stray quote inside an unquoted field is kept as text
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (err: CsvError | undefined, raw: string | undefined) => {
      const text = (raw ?? '').trim();
      const line = typeof err?.lines === 'number' ? startLine(err.lines, text) : 0;
      const entry = { line, reason: `Dòng CSV không hợp lệ (malformed CSV: ${err?.message ?? 'unknown error'})`, raw: text };
      // csv-parse may report several errors for one record (one per stray quote): keep the first.
      if (line > 0 && line === lastSkipLine) return;
      lastSkipLine = line;
      count++;
      rejected.push(entry);
      onRow?.(count);
    },
  });
  const source = typeof input === 'string' ? Readable.from([input]) : input;
  const done = pipeline(source, parser);
  done.catch(() => undefined); // errors surface through the iteration below

  for await (const item of parser as AsyncIterable<{ record: string[]; info: Info; raw: string }>) {
    const raw = item.raw.trim();
    const line = startLine(item.info.lines, raw);
    if (columns === null) {
      columns = item.record.map((h) => HEADER_ALIASES[normHeader(h)] ?? null);
      const missing = REQUIRED.filter((f) => !columns!.includes(f));
      if (missing.length > 0) {
        throw new Error(`Dòng tiêu đề thiếu cột ${missing.join(', ')} (header is missing column(s): ${missing.join(', ')}; expected code,name,short_name,kind,parent_code)`);
      }
      continue;
    }
    count++;
    const reject = (reason: string): void => {
      rejected.push({ line, reason, raw });
    };
    const v: Partial<Record<Field, string>> = {};
    columns.forEach((f, i) => {
      if (f && v[f] === undefined) v[f] = clean(item.record[i]);
    });
    const code = v.code ?? '';
    const name = v.name ?? '';
    const shortName = v.shortName ?? '';
    const kind = (v.kind ?? '').toLowerCase();
    const parentCode = v.parentCode ?? '';
    const level = (v.level ?? '').toLowerCase();
    let problem: string | null = null;
    if (item.record.length > columns.length) {
      problem = `Số cột nhiều hơn dòng tiêu đề (row has ${item.record.length} columns, header has ${columns.length})`;
    } else if (code === '') problem = 'Thiếu mã định danh (missing code)';
    else if ((problem = codeProblem(code, 'code'))) { /* set */ }
    else if (name === '') problem = 'Thiếu tên đơn vị (missing name)';
    else if (name.length > MAX_NAME) problem = `Tên đơn vị dài quá ${MAX_NAME} ký tự (name longer than ${MAX_NAME} characters)`;
    else if (shortName === '') problem = 'Thiếu tên viết tắt (missing short_name)';
    else if (shortName.length > MAX_SHORT) problem = `Tên viết tắt dài quá ${MAX_SHORT} ký tự (short_name longer than ${MAX_SHORT} characters)`;
    else if (kind === '') problem = 'Thiếu loại đơn vị (missing kind)';
    else if (!(UNIT_KINDS as readonly string[]).includes(kind)) {
      problem = `Loại đơn vị "${v.kind}" không hợp lệ (invalid kind; expected one of ${UNIT_KINDS.join(', ')})`;
    } else if (level !== '' && !(UNIT_LEVELS as readonly string[]).includes(level)) {
      problem = `Cấp đơn vị "${v.level}" không hợp lệ (invalid level; expected one of ${UNIT_LEVELS.join(', ')}, or empty)`;
    } else if (parentCode !== '' && (problem = codeProblem(parentCode, 'parent'))) { /* set */ }
    else if (parentCode === code) problem = 'Đơn vị không thể là cấp trên của chính nó (unit cannot be its own parent)';
    else if (seen.has(code)) problem = `Trùng mã định danh với dòng ${seen.get(code)} (duplicate code, first seen on line ${seen.get(code)})`;

    if (problem) reject(problem);
    else {
      seen.set(code, line);
      rows.push({ code, name, shortName, kind: kind as UnitKind, parentCode: parentCode === '' ? null : parentCode, ...(level ? { level: level as UnitLevel } : {}) });
    }
    onRow?.(count);
  }
  await done;
  if (columns === null) throw new Error('Thiếu dòng tiêu đề (missing header row: code,name,short_name,kind,parent_code)');
  return { rows, rejected };
}

/**
 * Orders units so that each comes after its parent when the parent is in the list;
 * otherwise keeps the input order. Rows in a parent cycle, or below one, cannot be
 * ordered and are returned in `cyclic` (in input order).
 */
export function orderParentsFirst(rows: UnitSeed[]): { ordered: UnitSeed[]; cyclic: UnitSeed[] } {
  const index = new Map<string, number>();
  rows.forEach((r, i) => {
    if (!index.has(r.code)) index.set(r.code, i);
  });
  const parentOf = (i: number): number | undefined => {
    const p = rows[i]!.parentCode;
    return p === null ? undefined : index.get(p);
  };

  // ok[i]: true if the parent chain of row i ends at a root, false if it loops.
  const ok = new Array<boolean | undefined>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const path: number[] = [];
    const onPath = new Set<number>();
    let cur: number | undefined = i;
    let result = true;
    while (cur !== undefined) {
      if (ok[cur] !== undefined) { result = ok[cur]!; break; }
      if (onPath.has(cur)) { result = false; break; }
      path.push(cur);
      onPath.add(cur);
      cur = parentOf(cur);
    }
    for (const j of path) ok[j] = result;
  }

  const ordered: UnitSeed[] = [];
  const cyclic: UnitSeed[] = [];
  const placed = new Set<number>();
  for (let i = 0; i < rows.length; i++) {
    if (!ok[i]) { cyclic.push(rows[i]!); continue; }
    const chain: number[] = [];
    for (let cur: number | undefined = i; cur !== undefined && !placed.has(cur); cur = parentOf(cur)) chain.push(cur);
    for (let k = chain.length - 1; k >= 0; k--) {
      placed.add(chain[k]!);
      ordered.push(rows[chain[k]!]!);
    }
  }
  return { ordered, cyclic };
}
