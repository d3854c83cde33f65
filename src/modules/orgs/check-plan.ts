// A reorganisation plan checked against the units as they are, every problem of every row at once
// (the rows see what earlier rows do). Applying it: reorganise.ts and workflows/reorganise.ts.
import type { DbOrTx } from '../../db/client.js';
import { AppError, type Problem } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import type { NewUnitSpec, ReorganisationPlan, UnitChange } from './reorg-types.js';
import { UNIT_KINDS, type UnitKind, units } from './tables.js';
import { ORGAN_ID, type Unit } from './units.js';

/** The day before a YYYY-MM-DD day. */
export function dayBefore(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

const isDay = (v: unknown): v is string => {
  if (typeof v !== 'string') return false;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(t).toISOString().slice(0, 10) === v;
};

/** A checked step: the plan row with its units resolved. New units are known by their spec until created. */
export type Step =
  | { index: number; kind: 'rename'; unit: Unit; name?: string; shortName?: string; code?: string }
  | { index: number; kind: 'move'; unit: Unit; parentId: string | null }
  | { index: number; kind: 'merge'; units: Unit[]; into: Unit | NewUnitSpec }
  | { index: number; kind: 'split'; unit: Unit; into: NewUnitSpec[] }
  | { index: number; kind: 'dissolve'; unit: Unit; successor: Unit | null };

const MAX_CHANGES = 2000;

/**
 * Checks a plan against the units as they are and as the plan's earlier rows leave them: unknown
 * or dissolved units, units of other systems, codes taken or malformed, a move into its own
 * subtree, a merge into a unit being merged, a unit ended twice, a split or successor-less
 * dissolution leaving sub-units behind. Returns the steps or every problem found.
 */
export async function checkPlan(db: DbOrTx, plan: ReorganisationPlan, today: string): Promise<{ steps: Step[]; problems: Problem[] }> {
  const problems: Problem[] = [];
  const bad = (index: number, field: string, vi: string, en: string) => problems.push({ index, field, message: { vi, en } });
  if (!isDay(plan.effectiveOn)) {
    bad(-1, 'effectiveOn', 'effectiveOn phải là một ngày có thật theo dạng YYYY-MM-DD', '"effectiveOn" must be a real date as YYYY-MM-DD');
  } else if (plan.effectiveOn > today) {
    bad(-1, 'effectiveOn', `Ngày hiệu lực ${plan.effectiveOn} còn ở tương lai: chỉ áp dụng được phương án có hiệu lực từ hôm nay (${today}) trở về trước; hãy chạy lại vào ngày hiệu lực`,
      `effectiveOn ${plan.effectiveOn} is in the future: only plans effective today (${today}) or earlier can be applied; run it on the day`);
  }
  if (!Array.isArray(plan.changes) || plan.changes.length === 0) {
    bad(-1, 'changes', 'Phương án không có thay đổi nào', 'The plan has no changes');
    return { steps: [], problems };
  }
  if (plan.changes.length > MAX_CHANGES) {
    bad(-1, 'changes', `Tối đa ${MAX_CHANGES} thay đổi mỗi phương án`, `At most ${MAX_CHANGES} changes per plan`);
    return { steps: [], problems };
  }
  const all = await db.select().from(units);
  const byId = new Map(all.map((u) => [u.id, u]));
  // The plan's simulated state: codes in use, parents, units ended (by which row).
  const codes = new Map(all.map((u) => [u.code, u.id as string]));
  const parent = new Map(all.map((u) => [u.id, u.parentId]));
  const ended = new Map<string, number>();
  const newCodes = new Set<string>();
  const steps: Step[] = [];

  const unitRef = (i: number, field: string, id: unknown): Unit | null => {
    const unit = typeof id === 'string' && isUuid(id) ? byId.get(id) : undefined;
    if (!unit || unit.internal) {
      bad(i, field, `Không có đơn vị ${String(id).slice(0, 64)}`, `Unknown unit ${String(id).slice(0, 64)}`);
      return null;
    }
    if (unit.systemId !== null) {
      bad(i, field, `${unit.name} thuộc hệ thống khác trên trục liên thông: không tổ chức lại tại đây`, `${unit.name} belongs to another system on the exchange axis`);
      return null;
    }
    if (unit.validTo !== null || unit.dissolvedAt !== null) {
      bad(i, field, `${unit.name} đã ngừng hoạt động${unit.validTo ? ` từ ${unit.validTo}` : ''}`, `${unit.name} no longer exists${unit.validTo ? ` (ended ${unit.validTo})` : ''}`);
      return null;
    }
    const row = ended.get(unit.id);
    if (row !== undefined) {
      bad(i, field, `${unit.name} đã được sáp nhập, chia tách hoặc giải thể ở dòng ${row + 1}`, `${unit.name} is already merged, split or dissolved by row ${row + 1}`);
      return null;
    }
    return unit;
  };
  const text = (i: number, field: string, v: unknown, max: number): string | null => {
    const s = typeof v === 'string' ? v.normalize('NFC').trim() : '';
    if (s.length === 0 || s.length > max) {
      bad(i, field, `${field}: cần từ 1 đến ${max} ký tự`, `"${field}" must be 1 to ${max} characters`);
      return null;
    }
    return s;
  };
  const code = (i: number, field: string, v: unknown, own?: string): string | null => {
    const c = typeof v === 'string' ? v.trim() : '';
    if (!ORGAN_ID.test(c)) {
      bad(i, field, `Mã định danh "${String(v).slice(0, 40)}" không hợp lệ (tối đa 35 ký tự: chữ, số, dấu chấm)`, `Unit code "${String(v).slice(0, 40)}" is invalid (up to 35 letters, digits or dots)`);
      return null;
    }
    const holder = codes.get(c);
    if ((holder !== undefined && holder !== own) || (newCodes.has(c) && holder !== own)) {
      bad(i, field, `Mã định danh ${c} đã được dùng`, `Unit code ${c} is already in use`);
      return null;
    }
    return c;
  };
  const newUnit = (i: number, field: string, spec: unknown, from?: Unit): NewUnitSpec | null => {
    if (!spec || typeof spec !== 'object') {
      bad(i, field, `${field}: cần {code, name, shortName}`, `"${field}" must be {code, name, shortName}`);
      return null;
    }
    const s = spec as Record<string, unknown>;
    const c = code(i, `${field}.code`, s.code);
    const name = text(i, `${field}.name`, s.name, 255);
    const shortName = text(i, `${field}.shortName`, s.shortName, 40);
    let kind: UnitKind | undefined = from?.kind;
    if (s.kind !== undefined && s.kind !== null && s.kind !== '') {
      if (!UNIT_KINDS.includes(s.kind as UnitKind)) bad(i, `${field}.kind`, `Loại đơn vị "${String(s.kind).slice(0, 20)}" không có (${UNIT_KINDS.join(', ')})`, `Unknown unit kind "${String(s.kind).slice(0, 20)}" (${UNIT_KINDS.join(', ')})`);
      else kind = s.kind as UnitKind;
    } else if (!from) {
      bad(i, `${field}.kind`, `${field}.kind: cần loại đơn vị (${UNIT_KINDS.join(', ')})`, `"${field}.kind" is required (${UNIT_KINDS.join(', ')})`);
    }
    let parentId: string | null = from?.parentId ?? null;
    if (s.parentId !== undefined && s.parentId !== null && s.parentId !== '') {
      const p = unitRef(i, `${field}.parentId`, s.parentId);
      parentId = p?.id ?? null;
    }
    if (c === null || name === null || shortName === null || kind === undefined) return null;
    newCodes.add(c);
    return { code: c, name, shortName, kind, parentId };
  };
  const end = (i: number, u: Unit) => ended.set(u.id, i);

  for (const [i, raw] of plan.changes.entries()) {
    const ch = raw as UnitChange & Record<string, unknown>;
    const before = problems.length;
    switch (ch?.kind) {
      case 'rename': {
        const unit = unitRef(i, 'unitId', ch.unitId);
        if (ch.name === undefined && ch.shortName === undefined && ch.code === undefined) {
          bad(i, 'name', 'Đổi tên cần ít nhất một trong name, shortName, code', 'A rename needs at least one of name, shortName, code');
        }
        const name = ch.name === undefined ? undefined : text(i, 'name', ch.name, 255);
        const shortName = ch.shortName === undefined ? undefined : text(i, 'shortName', ch.shortName, 40);
        const c = ch.code === undefined ? undefined : code(i, 'code', ch.code, unit?.id);
        if (unit && problems.length === before) {
          if (c && c !== unit.code) {
            codes.delete(unit.code);
            codes.set(c, unit.id);
          }
          steps.push({ index: i, kind: 'rename', unit, ...(name ? { name } : {}), ...(shortName ? { shortName } : {}), ...(c ? { code: c } : {}) });
        }
        break;
      }
      case 'move': {
        const unit = unitRef(i, 'unitId', ch.unitId);
        const target = ch.parentId === null || ch.parentId === undefined || ch.parentId === '' ? null : unitRef(i, 'parentId', ch.parentId);
        if (ch.parentId !== null && ch.parentId !== undefined && ch.parentId !== '' && !target) break;
        if (unit && target) {
          // A cycle: the new parent is the unit itself or below it (as the plan leaves the tree so far).
          let p: string | null = target.id;
          for (let n = 0; p && n < 10_000; n++) {
            if (p === unit.id) {
              bad(i, 'parentId', `Không thể chuyển ${unit.name} vào chính nó hoặc đơn vị trực thuộc nó (${target.name})`, `Cannot move ${unit.name} under itself or a unit below it (${target.name})`);
              break;
            }
            p = parent.get(p) ?? null;
          }
        }
        if (unit && problems.length === before) {
          parent.set(unit.id, target?.id ?? null);
          steps.push({ index: i, kind: 'move', unit, parentId: target?.id ?? null });
        }
        break;
      }
      case 'merge': {
        const ids = Array.isArray(ch.unitIds) ? (ch.unitIds as unknown[]) : [];
        if (ids.length === 0) bad(i, 'unitIds', 'Sáp nhập cần ít nhất một đơn vị (unitIds)', 'A merge needs at least one unit (unitIds)');
        if (new Set(ids).size !== ids.length) bad(i, 'unitIds', 'Một đơn vị được kể hai lần', 'A unit is listed twice');
        const merged = [...new Set(ids)].map((id) => unitRef(i, 'unitIds', id)).filter((u): u is Unit => u !== null);
        const into = (ch.into ?? {}) as Record<string, unknown>;
        let target: Unit | NewUnitSpec | null = null;
        if (typeof into.unitId === 'string' || (into.unitId !== undefined && into.code === undefined)) {
          if (ids.includes(into.unitId)) {
            bad(i, 'into.unitId', 'Không thể sáp nhập một đơn vị vào chính nó', 'A unit cannot be merged into itself');
          } else {
            target = unitRef(i, 'into.unitId', into.unitId);
          }
        } else {
          target = newUnit(i, 'into', into);
          if (target && target.parentId && ids.includes(target.parentId)) {
            bad(i, 'into.parentId', 'Đơn vị mới không thể trực thuộc đơn vị bị sáp nhập', 'The new unit cannot belong to a unit being merged');
          }
        }
        if (problems.length === before && target) {
          merged.forEach((u) => end(i, u));
          if ('id' in target) parent.forEach((p, id) => { if (p && merged.some((m) => m.id === p)) parent.set(id, (target as Unit).id); });
          steps.push({ index: i, kind: 'merge', units: merged, into: target });
        }
        break;
      }
      case 'split': {
        const unit = unitRef(i, 'unitId', ch.unitId);
        const parts = Array.isArray(ch.into) ? (ch.into as unknown[]) : [];
        if (parts.length < 2) bad(i, 'into', 'Chia tách cần ít nhất hai đơn vị mới (into)', 'A split needs at least two new units (into)');
        const specs = parts.map((p, n) => newUnit(i, `into[${n}]`, p, unit ?? undefined));
        if (unit) checkNoChildren(i, unit);
        if (unit && problems.length === before) {
          end(i, unit);
          steps.push({ index: i, kind: 'split', unit, into: specs as NewUnitSpec[] });
        }
        break;
      }
      case 'dissolve': {
        const unit = unitRef(i, 'unitId', ch.unitId);
        let successor: Unit | null = null;
        if (ch.successorId !== undefined && ch.successorId !== null && ch.successorId !== '') {
          if (ch.successorId === ch.unitId) bad(i, 'successorId', 'Đơn vị kế thừa không thể là chính nó', 'A unit cannot succeed itself');
          else successor = unitRef(i, 'successorId', ch.successorId);
        } else if (unit) {
          checkNoChildren(i, unit);
        }
        if (unit && problems.length === before) {
          end(i, unit);
          if (successor) parent.forEach((p, id) => { if (p === unit.id) parent.set(id, successor!.id); });
          steps.push({ index: i, kind: 'dissolve', unit, successor });
        }
        break;
      }
      default:
        bad(i, 'kind', `Loại thay đổi "${String((raw as { kind?: unknown } | null)?.kind).slice(0, 20)}" không có (rename, move, merge, split, dissolve)`, `Unknown change kind "${String((raw as { kind?: unknown } | null)?.kind).slice(0, 20)}" (rename, move, merge, split, dissolve)`);
    }
  }
  return { steps, problems };

  function checkNoChildren(i: number, unit: Unit) {
    const left = [...parent.entries()].filter(([id, p]) => p === unit.id && !ended.has(id) && byId.get(id)?.validTo === null && byId.get(id)?.dissolvedAt === null);
    if (left.length > 0) {
      bad(i, 'unitId', `${unit.name} còn ${left.length} đơn vị trực thuộc: chuyển (move) hoặc giải thể chúng trước`, `${unit.name} still has ${left.length} sub-unit(s): move or dissolve them first`);
    }
  }
}

/** A 400 listing every problem of a plan; nothing was applied. */
export function planRefused(problems: Problem[]): AppError {
  const where = (p: Problem) => (p.index < 0 ? '' : `dòng ${p.index + 1}: `);
  const whereEn = (p: Problem) => (p.index < 0 ? '' : `row ${p.index + 1}: `);
  return new AppError('bad_request', {
    vi: `Phương án có ${problems.length} lỗi, chưa áp dụng gì: ${problems.map((p) => where(p) + p.message.vi).join('; ')}`,
    en: `The plan has ${problems.length} problem(s); nothing was applied: ${problems.map((p) => whereEn(p) + p.message.en).join('; ')}`,
  }, problems);
}

