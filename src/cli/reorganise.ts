// `npm run cli -- reorganise plan.csv [--apply]`: a reorganisation plan written as a CSV, one change
// per row (README, "Tổ chức lại đơn vị"). Rows are turned into the plan the API takes (codes → ids, rows with
// the same target grouped into one merge or split); every problem is reported with its line, and
// nothing is applied unless the whole plan is sound.
import { parse } from 'csv-parse/sync';
import type { DbOrTx } from '../db/client.js';
import { AppError } from '../lib/errors.js';
import { findUnitsByCodes } from '../modules/orgs/units.js';
import type { NewUnitSpec, ReorganisationPlan, ReorganisationReport, UnitChange } from '../modules/orgs/reorg-types.js';

export const COLUMNS = ['effective_on', 'kind', 'unit_code', 'target_code', 'new_code', 'new_name', 'new_short_name', 'unit_kind', 'parent_code'] as const;
type Column = (typeof COLUMNS)[number];
type Row = Record<Column, string> & { line: number };

export interface CsvProblem { lines: number[]; message: string }

export class PlanFileError extends Error {}

/** The rows of a plan file (header required; columns in any order, case and spaces ignored). */
export function readPlanCsv(text: string): Row[] {
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: false }) as string[][];
  } catch (err) {
    throw new PlanFileError(`CSV không hợp lệ (malformed CSV): ${(err as Error).message}`);
  }
  const header = (records[0] ?? []).map((h) => h.trim().toLowerCase().replace(/[\s-]+/g, '_'));
  const missing = (['kind', 'unit_code'] as const).filter((c) => !header.includes(c));
  if (missing.length) throw new PlanFileError(`Thiếu cột (missing columns): ${missing.join(', ')}; cần dòng tiêu đề ${COLUMNS.join(',')}`);
  const rows: Row[] = [];
  records.slice(1).forEach((rec, i) => {
    if (rec.every((v) => v.trim() === '')) return;
    const row = { line: i + 2 } as Row;
    for (const c of COLUMNS) row[c] = (rec[header.indexOf(c)] ?? '').trim();
    rows.push(row);
  });
  return rows;
}

/**
 * Rows → the plan: codes resolved to ids, merge rows with the same target (target_code, or the new
 * unit's new_code) grouped into one change, split rows of one unit_code into one. `lines[i]` are the
 * file lines of change i. Problems of the file itself (unknown codes, mixed dates) are returned;
 * the plan's own checks are the service's.
 */
export async function planFromRows(db: DbOrTx, rows: Row[], today: string): Promise<{ plan: ReorganisationPlan; lines: number[][]; problems: CsvProblem[] }> {
  const problems: CsvProblem[] = [];
  const dates = [...new Set(rows.map((r) => r.effective_on).filter(Boolean))];
  if (dates.length > 1) problems.push({ lines: rows.map((r) => r.line), message: `Một phương án chỉ có một ngày hiệu lực; tệp có ${dates.join(', ')} (one effective date per plan)` });
  rows.filter((r) => !r.effective_on).forEach((r) => problems.push({ lines: [r.line], message: 'Thiếu effective_on (missing effective_on)' }));
  const codes = [...new Set(rows.flatMap((r) => [r.unit_code, r.target_code, r.parent_code]).filter(Boolean))];
  const byCode = new Map((await findUnitsByCodes(db, codes)).map((u) => [u.code, u.id]));
  const newCodes = new Set(rows.map((r) => r.new_code).filter(Boolean));
  const id = (r: Row, col: Column): string | undefined => {
    const c = r[col];
    if (!c) return undefined;
    const found = byCode.get(c);
    if (!found) {
      const hint = newCodes.has(c) ? ' — đơn vị mới tạo trong cùng phương án: hãy dùng một phương án sau (a unit created by this plan: use a later plan)' : '';
      problems.push({ lines: [r.line], message: `${col}: không có đơn vị mã ${c} (unknown unit code)${hint}` });
    }
    return found ?? `unknown:${c}`;
  };
  const changes: UnitChange[] = [];
  const lines: number[][] = [];
  const merges = new Map<string, number>();
  const splits = new Map<string, number>();
  const newUnit = (r: Row): NewUnitSpec => ({
    code: r.new_code, name: r.new_name, shortName: r.new_short_name,
    ...(r.unit_kind ? { kind: r.unit_kind as NewUnitSpec['kind'] } : {}),
    ...(r.parent_code ? { parentId: id(r, 'parent_code')! } : {}),
  });
  for (const r of rows) {
    const kind = r.kind.toLowerCase();
    switch (kind) {
      case 'rename':
        changes.push({ kind, unitId: id(r, 'unit_code')!, ...(r.new_name ? { name: r.new_name } : {}), ...(r.new_short_name ? { shortName: r.new_short_name } : {}), ...(r.new_code ? { code: r.new_code } : {}) });
        lines.push([r.line]);
        break;
      case 'move':
        changes.push({ kind, unitId: id(r, 'unit_code')!, parentId: r.parent_code ? id(r, 'parent_code')! : null });
        lines.push([r.line]);
        break;
      case 'merge': {
        const key = r.target_code ? `t:${r.target_code}` : `n:${r.new_code}`;
        const at = merges.get(key);
        const unitId = id(r, 'unit_code')!;
        if (at !== undefined) {
          (changes[at] as Extract<UnitChange, { kind: 'merge' }>).unitIds.push(unitId);
          lines[at]!.push(r.line);
        } else {
          merges.set(key, changes.length);
          changes.push({ kind, unitIds: [unitId], into: r.target_code ? { unitId: id(r, 'target_code')! } : newUnit(r) });
          lines.push([r.line]);
        }
        break;
      }
      case 'split': {
        const at = splits.get(r.unit_code);
        if (at !== undefined) {
          (changes[at] as Extract<UnitChange, { kind: 'split' }>).into.push(newUnit(r));
          lines[at]!.push(r.line);
        } else {
          splits.set(r.unit_code, changes.length);
          changes.push({ kind, unitId: id(r, 'unit_code')!, into: [newUnit(r)] });
          lines.push([r.line]);
        }
        break;
      }
      case 'dissolve':
        changes.push({ kind, unitId: id(r, 'unit_code')!, ...(r.target_code ? { successorId: id(r, 'target_code')! } : {}) });
        lines.push([r.line]);
        break;
      default:
        problems.push({ lines: [r.line], message: `kind "${r.kind}" không có: rename, move, merge, split, dissolve (unknown kind)` });
    }
  }
  return { plan: { effectiveOn: dates[0] ?? today, changes }, lines, problems };
}

/** The service's problems (by change index) as file lines. */
export function problemsOf(err: unknown, lines: number[][]): CsvProblem[] | null {
  if (!(err instanceof AppError) || !err.problems) return null;
  return err.problems
    // An unknown code is reported once, by the file check.
    .filter((p) => !/unknown:|Không có đơn vị unknown/.test(p.message.vi))
    .map((p) => ({ lines: p.index >= 0 ? (lines[p.index] ?? []) : [], message: `${p.field}: ${p.message.vi} (${p.message.en})` }));
}

export function formatProblems(problems: CsvProblem[]): string {
  const out = [`Phương án có ${problems.length} lỗi, KHÔNG áp dụng gì (the plan has ${problems.length} problem(s); nothing applied):`];
  for (const p of problems) out.push(`  ${p.lines.length ? `dòng (line) ${p.lines.join(', ')}` : 'phương án (plan)'}: ${p.message}`);
  return `${out.join('\n')}\n`;
}

export function formatReport(r: ReorganisationReport): string {
  const out: string[] = [];
  out.push(r.applied
    ? `ĐÃ ÁP DỤNG phương án ${r.planId}, hiệu lực từ ${r.effectiveOn} (applied)`
    : `CHẠY THỬ — chưa thay đổi gì; thêm --apply để áp dụng (dry run — nothing changed; add --apply), hiệu lực từ ${r.effectiveOn}`);
  for (const c of r.changes) out.push(`  ${c.index + 1}. ${c.summary}`);
  out.push(`Người chuyển sang đơn vị kế thừa (users moved): ${r.usersMoved.length}`);
  for (const u of r.usersMoved) out.push(`  - ${u.fullName}`);
  if (r.usersToPlace.length) {
    out.push(`Người cần quản trị viên xếp đơn vị (users to place by the admin): ${r.usersToPlace.length}`);
    for (const u of r.usersToPlace) out.push(`  - ${u.fullName}`);
  }
  out.push(`Chuyển cho đơn vị kế thừa (moved): ${r.moved.deliveries} văn bản đến đang xử lý (open deliveries), ${r.moved.assignments} phân công (assignments), ${r.moved.drafts} dự thảo (drafts), ${r.moved.delegations} ủy quyền (delegations)`);
  return `${out.join('\n')}\n`;
}
