import { asc, eq, inArray, isNull, and, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { badRequest, conflict, forbidden } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import type { Actor } from '../../lib/actor.js';
import { hasRole } from '../../lib/actor.js';
import { recordEvents } from '../events/service.js';
import { type UnitKind, units } from './tables.js';

export type Unit = typeof units.$inferSelect;

export interface NewUnit {
  code: string;
  name: string;
  shortName: string;
  kind: UnitKind;
  parentId?: string | null;
  partyTerm?: string | null;
}

export const ORGAN_ID = /^[0-9A-Za-z.]{1,35}$/;

export function presentUnit(u: Unit) {
  return { id: u.id, code: u.code, name: u.name, shortName: u.shortName, kind: u.kind, parentId: u.parentId };
}

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
    if (input.parentId) {
      const [parent] = await tx.select({ id: units.id }).from(units).where(eq(units.id, input.parentId));
      if (!parent) throw badRequest('Đơn vị cấp trên không tồn tại', `Parent unit ${input.parentId} does not exist`);
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
        parentId: input.parentId ?? null,
        partyTerm: input.partyTerm ?? null,
      })
      .returning();
    await recordEvents(tx, [
      { type: 'unit.created', at, actor, unitIds: [unit!.id], data: { code: unit!.code, name: unit!.name } },
    ]);
    return unit!;
  });
}

/** Every active unit, for picking recipients: names and codes of units are public within the system. */
export async function listUnits(db: DbOrTx): Promise<Unit[]> {
  return db.select().from(units).where(and(isNull(units.dissolvedAt), eq(units.internal, false))).orderBy(asc(units.code));
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
