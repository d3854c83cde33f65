import { asc, eq, inArray, isNull, and, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { badRequest, conflict, forbidden, notFound } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import type { Actor } from '../../lib/actor.js';
import { hasRole } from '../../lib/actor.js';
import { recordEvents } from '../events/service.js';
import { type UnitKind, type UnitLevel, units } from './tables.js';
import { inferLevel } from './levels.js';

export type Unit = typeof units.$inferSelect;

export interface NewUnit {
  code: string;
  name: string;
  shortName: string;
  kind: UnitKind;
  /** Administrative level; absent = inferred from the parent and the name (levels.ts). */
  level?: UnitLevel;
  parentId?: string | null;
  partyTerm?: string | null;
  /** The first day it exists (YYYY-MM-DD, Vietnam date), for a unit made for a reorganisation; absent = always. */
  validFrom?: string | null;
}

export const ORGAN_ID = /^[0-9A-Za-z.]{1,35}$/;

export function presentUnit(u: Unit) {
  return {
    id: u.id, code: u.code, name: u.name, shortName: u.shortName, kind: u.kind, level: u.level, parentId: u.parentId,
    /** Party units: the current term's label and the day it began (the day after the congress closed). */
    partyTerm: u.partyTerm, partyTermStartsOn: u.partyTermStartsOn,
    /** The place name of the date line ("Sơn Hà, ngày …"); null = derived from the unit's name. */
    placeName: u.placeName,
    /** Served by another system on the exchange axis: what is sent to it leaves as an edXML package. */
    external: u.systemId !== null, systemId: u.systemId, systemName: u.systemName,
    /** Lifecycle (reorganisations): first and last day (inclusive; null = always / still current), and who took over. */
    validFrom: u.validFrom, validTo: u.validTo, successorId: u.successorId,
    /** Contact details. */
    address: u.address, phone: u.phone, email: u.email, website: u.website,
  };
}

/** Is this unit served by another system (its documents travel as edXML packages)? */
export const isExternal = (u: Pick<Unit, 'systemId'>) => u.systemId !== null;

/** Units are created by an admin; the OrganId `code` is unique and the parent must exist. */
export async function createUnit(db: DbOrTx, actor: Actor | null, input: NewUnit, at: Date): Promise<Unit> {
  if (actor && !hasRole(actor, 'admin')) throw forbidden('Chỉ quản trị viên được tạo đơn vị', 'Only an admin can create units');
  if (!ORGAN_ID.test(input.code)) {
    throw badRequest(
      `Mã định danh "${input.code}" không hợp lệ (tối đa 35 ký tự: chữ, số, dấu chấm)`,
      `Unit code "${input.code}" is invalid (up to 35 letters, digits or dots)`,
    );
  }
  return db.transaction(async (tx) => {
    let parentLevel: UnitLevel | null = null;
    if (input.parentId) {
      const [parent] = await tx.select({ id: units.id, level: units.level }).from(units).where(eq(units.id, input.parentId));
      if (!parent) throw badRequest('Đơn vị cấp trên không tồn tại', `Parent unit ${input.parentId} does not exist`);
      parentLevel = parent.level;
    }
    const [existing] = await tx.select({ id: units.id }).from(units).where(eq(units.code, input.code));
    if (existing) throw conflict(`Mã định danh ${input.code} đã tồn tại`, `Unit code ${input.code} already exists`);
    const [unit] = await tx
      .insert(units)
      .values({
        code: input.code,
        name: input.name,
        shortName: input.shortName,
        kind: input.kind,
        level: input.level ?? inferLevel(input.name, parentLevel),
        parentId: input.parentId ?? null,
        partyTerm: input.partyTerm ?? null,
        validFrom: input.validFrom ?? null,
      })
      .returning();
    await recordEvents(tx, [
      { type: 'unit.created', at, actor, unitIds: [unit!.id], data: { code: unit!.code, name: unit!.name, level: unit!.level } },
    ]);
    return unit!;
  });
}

/** What an admin may change on a unit without history: renames and moves go through a reorganisation. */
export interface UnitPatch {
  partyTerm?: string | null;
  partyTermStartsOn?: string | null;
  placeName?: string | null;
  level?: UnitLevel;
  address?: string | null;
  phone?: string | null;
  email?: string | null;
  website?: string | null;
}

/** Fields that carry history: changed only by a reorganisation (POST /api/units/reorganise). */
export const STRUCTURAL_FIELDS = ['name', 'shortName', 'code', 'parentId', 'kind'] as const;

const TERM = /^(\d{4})-(\d{4})$/;
const CONTACT: Array<['address' | 'phone' | 'email' | 'website', number, RegExp | null]> = [
  ['address', 300, null], ['phone', 40, /^[0-9+()\s.-]{3,40}$/], ['email', 200, /^[^\s@]+@[^\s@]+\.[^\s@]+$/], ['website', 300, /^https?:\/\/\S+$/],
];

function checkDay(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== value) {
    throw badRequest('partyTermStartsOn phải là một ngày có thật theo dạng YYYY-MM-DD', '"partyTermStartsOn" must be a real date as YYYY-MM-DD');
  }
  return value;
}

/**
 * Admin: the Party term (`partyTerm` "2025-2030", `partyTermStartsOn` the day after the congress
 * closed — Party numbers restart on it) and the place name of the date line. A term belongs to a
 * Party unit only; a term of 1–10 years; when both are set the start day falls in the term's first
 * year. One transaction with its event; a bad field is a 400 naming it and changes nothing.
 */
export async function updateUnit(db: DbOrTx, actor: Actor, id: string, patch: UnitPatch, at: Date): Promise<Unit> {
  if (!hasRole(actor, 'admin')) throw forbidden('Chỉ quản trị viên được sửa thông tin đơn vị', 'Only an admin can change units');
  const structural = STRUCTURAL_FIELDS.filter((f) => (patch as Record<string, unknown>)[f] !== undefined);
  if (structural.length > 0) {
    throw badRequest(
      `${structural.join(', ')}: đổi tên, mã, đơn vị cấp trên hay loại đơn vị phải qua tổ chức lại (POST /api/units/reorganise hoặc npm run cli -- reorganise) để giữ lịch sử`,
      `${structural.join(', ')}: renames, new codes, moves and kinds go through a reorganisation (POST /api/units/reorganise or npm run cli -- reorganise), which keeps their history`,
    );
  }
  return db.transaction(async (tx) => {
    const [unit] = isUuid(id) ? await tx.select().from(units).where(eq(units.id, id)).for('update') : [];
    if (!unit || unit.internal) throw notFound('Không tìm thấy đơn vị', 'Unit not found');
    if (unit.systemId !== null) throw conflict('Đơn vị thuộc hệ thống khác trên trục liên thông: không sửa tại đây', 'A unit of another system cannot be changed here');
    if (unit.validTo !== null) throw conflict('Đơn vị đã ngừng hoạt động: không sửa được', 'The unit no longer exists and cannot be changed');
    const set: Partial<Pick<Unit, 'partyTerm' | 'partyTermStartsOn' | 'placeName' | 'level' | 'address' | 'phone' | 'email' | 'website'>> = {};
    if (patch.level !== undefined) set.level = patch.level;
    for (const [field, max, pattern] of CONTACT) {
      const v = patch[field];
      if (v === undefined) continue;
      const t = v === null ? '' : v.normalize('NFC').trim();
      if (t.length > max || (t && pattern && !pattern.test(t))) {
        throw badRequest(`${field}: không hợp lệ (tối đa ${max} ký tự${pattern ? ', đúng định dạng' : ''})`, `"${field}" is invalid (at most ${max} characters${pattern ? ', well formed' : ''})`);
      }
      set[field] = t || null;
    }
    if (patch.partyTerm !== undefined) {
      const m = patch.partyTerm === null ? null : TERM.exec(patch.partyTerm);
      if (patch.partyTerm !== null && (!m || Number(m[2]) - Number(m[1]) < 1 || Number(m[2]) - Number(m[1]) > 10)) {
        throw badRequest('Nhiệm kỳ (partyTerm) phải có dạng "2025-2030", năm kết thúc sau năm bắt đầu (tối đa 10 năm)', '"partyTerm" must look like "2025-2030", ending 1 to 10 years after it starts');
      }
      set.partyTerm = patch.partyTerm;
    }
    if (patch.partyTermStartsOn !== undefined) set.partyTermStartsOn = patch.partyTermStartsOn === null ? null : checkDay(patch.partyTermStartsOn);
    if (patch.placeName !== undefined) {
      const place = patch.placeName === null ? '' : patch.placeName.normalize('NFC').trim();
      if (place.length > 100) throw badRequest('Địa danh (placeName) tối đa 100 ký tự', '"placeName" may have at most 100 characters');
      set.placeName = place || null;
    }
    const term = set.partyTerm !== undefined ? set.partyTerm : unit.partyTerm;
    const startsOn = set.partyTermStartsOn !== undefined ? set.partyTermStartsOn : unit.partyTermStartsOn;
    if ((set.partyTerm || set.partyTermStartsOn) && unit.kind !== 'party') {
      throw badRequest('Chỉ cấp ủy Đảng (kind "party") có nhiệm kỳ (partyTerm, partyTermStartsOn)', 'Only Party units (kind "party") have a term');
    }
    if (term && startsOn && startsOn.slice(0, 4) !== term.slice(0, 4)) {
      throw badRequest(
        `Ngày bắt đầu nhiệm kỳ (partyTermStartsOn ${startsOn}) phải thuộc năm đầu của nhiệm kỳ ${term}; sửa cả hai trường cùng lúc`,
        `"partyTermStartsOn" (${startsOn}) must fall in the first year of the term ${term}; change both together`,
      );
    }
    if (Object.keys(set).length === 0) return unit;
    const [row] = await tx.update(units).set(set).where(eq(units.id, unit.id)).returning();
    await recordEvents(tx, [{ type: 'unit.updated', at, actor, unitIds: [unit.id], data: { ...set } }]);
    return row!;
  });
}

/**
 * Every active unit, for picking recipients: names and codes of units are public within the
 * system. Units of other systems (from the axis directory) only when asked for (`external`).
 */
export async function listUnits(db: DbOrTx, opts: { external?: boolean; all?: boolean } = {}): Promise<Unit[]> {
  return db
    .select()
    .from(units)
    // `all`: the units that ended too (history, for the admin); otherwise today's units.
    .where(and(opts.all ? undefined : isNull(units.dissolvedAt), eq(units.internal, false), opts.external ? undefined : isNull(units.systemId)))
    .orderBy(asc(units.code));
}

export interface DirectoryUnit {
  organId: string;
  name: string;
  parentOrganId: string | null;
  systemId: string;
  systemName: string;
  /** A unit that ended in a reorganisation: its last day and the OrganId that took over. */
  validTo?: string | null;
  successorOrganId?: string | null;
}

/**
 * The province's directory (from the axis) as local units of other systems: one row per OrganId,
 * keeping its id across refreshes (deliveries point at it); a unit that left the directory is
 * dissolved (its documents stay), one that comes back is active again. A code that one of our own
 * units uses is never taken over (returned in `skipped`). One transaction.
 */
export async function syncDirectoryUnits(db: DbOrTx, list: DirectoryUnit[], at: Date): Promise<{ added: number; updated: number; removed: number; skipped: string[] }> {
  const valid = list.filter((u) => ORGAN_ID.test(u.organId) && u.name.trim());
  return db.transaction(async (tx) => {
    const existing = await tx.select().from(units);
    const byCode = new Map(existing.map((u) => [u.code, u]));
    const out = { added: 0, updated: 0, removed: 0, skipped: [] as string[] };
    const seen = new Set<string>();
    for (const d of valid) {
      seen.add(d.organId);
      const cur = byCode.get(d.organId);
      if (cur && cur.systemId === null) {
        out.skipped.push(d.organId);
        continue;
      }
      // A unit that ended (merged, dissolved) stays listed with its last day: it is no recipient any
      // more (dissolved here too), and its successor is set below.
      const validTo = d.validTo ?? null;
      const values = {
        name: d.name.trim().slice(0, 300), shortName: d.name.trim().slice(0, 40), systemId: d.systemId, systemName: d.systemName,
        validTo, dissolvedAt: validTo ? (cur?.dissolvedAt ?? at) : null,
      };
      if (!cur) {
        const [row] = await tx.insert(units).values({ code: d.organId, kind: 'other', ...values }).returning();
        byCode.set(d.organId, row!);
        out.added++;
      } else if (cur.name !== values.name || cur.systemId !== d.systemId || cur.systemName !== d.systemName || (cur.dissolvedAt === null) !== (values.dissolvedAt === null) || cur.validTo !== validTo) {
        await tx.update(units).set(values).where(eq(units.id, cur.id));
        out.updated++;
      }
    }
    // Parents, once every unit of the list exists.
    for (const d of valid) {
      const me = byCode.get(d.organId);
      if (!me || me.systemId === null) continue;
      const parentId = d.parentOrganId ? (byCode.get(d.parentOrganId)?.id ?? null) : null;
      if (me.parentId !== parentId) await tx.update(units).set({ parentId }).where(eq(units.id, me.id));
      // The successor may be one of ours (a unit of another system merged into ours) or theirs.
      const successorId = d.validTo && d.successorOrganId ? (byCode.get(d.successorOrganId)?.id ?? null) : null;
      if (me.successorId !== successorId) await tx.update(units).set({ successorId }).where(eq(units.id, me.id));
    }
    for (const u of existing) {
      if (u.systemId !== null && !u.dissolvedAt && !seen.has(u.code)) {
        await tx.update(units).set({ dissolvedAt: at }).where(eq(units.id, u.id));
        out.removed++;
      }
    }
    if (out.added || out.updated || out.removed) {
      await recordEvents(tx, [{ type: 'directory.synced', at, unitIds: [], data: { added: out.added, updated: out.updated, removed: out.removed } }]);
    }
    return out;
  });
}

export async function getUnit(db: DbOrTx, id: string): Promise<Unit | undefined> {
  const [u] = await db.select().from(units).where(eq(units.id, id));
  return u;
}

export async function getUnitsByIds(db: DbOrTx, ids: string[]): Promise<Unit[]> {
  if (ids.length === 0) return [];
  return db.select().from(units).where(inArray(units.id, ids));
}

/** Active units among `ids`; the rest are unknown or dissolved. */
export async function findActiveUnits(db: DbOrTx, ids: string[]): Promise<Unit[]> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return [];
  // One array parameter rather than one parameter per id: a dispatch may name a thousand units.
  return db.select().from(units).where(and(sql`${units.id} = any(${`{${valid.join(',')}}`}::uuid[])`, isNull(units.dissolvedAt), eq(units.internal, false)));
}

export async function findUnitByCode(db: DbOrTx, code: string): Promise<Unit | undefined> {
  const [u] = await db.select().from(units).where(eq(units.code, code));
  return u;
}

/** The units with these codes, in one query. */
export async function findUnitsByCodes(db: DbOrTx, codes: string[]): Promise<Unit[]> {
  if (codes.length === 0) return [];
  return db.select().from(units).where(inArray(units.code, codes));
}

/**
 * The unit of another system that sent us a package: known from the directory, or — a sender the
 * directory does not (yet) list, e.g. a package registered by hand — created as an external unit
 * named as the package names it. Never one of our own units (null then).
 */
export async function ensureExternalUnit(tx: DbOrTx, p: { organId: string; name: string; systemId?: string | null; systemName?: string | null }): Promise<Unit | null> {
  if (!ORGAN_ID.test(p.organId)) return null;
  const [known] = await tx.select().from(units).where(eq(units.code, p.organId));
  if (known) return known.systemId === null ? null : known;
  const name = (p.name.trim() || p.organId).slice(0, 300);
  const [row] = await tx.insert(units).values({
    code: p.organId, name, shortName: name.slice(0, 40), kind: 'other', systemId: p.systemId ?? 'unknown', systemName: p.systemName ?? 'Hệ thống khác',
  }).onConflictDoNothing().returning();
  return row ?? (await tx.select().from(units).where(eq(units.code, p.organId)))[0] ?? null;
}
