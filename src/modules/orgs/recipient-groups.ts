// Nhóm nơi nhận: a unit's own saved recipient lists ("Các xã vùng lũ"), offered at the top of the
// recipient picker. Everyone of the unit sees its groups (officers draft too); its clerks and
// leaders create and delete them; no other unit ever sees them (another unit's group is a 404).
import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { badRequest, conflict, forbidden, notFound } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import { type Actor, hasRole } from '../../lib/actor.js';
import { recordEvents } from '../events/service.js';
import { recipientGroups } from './tables.js';
import { findActiveUnits } from './units.js';

export type RecipientGroup = typeof recipientGroups.$inferSelect;

/** Groups a unit may keep, and units a group may name (a province has about 3,000). */
export const MAX_GROUPS = 200;
export const MAX_GROUP_UNITS = 5000;

export function presentGroup(g: RecipientGroup, active?: Set<string>) {
  return {
    id: g.id, name: g.name, createdAt: g.createdAt.toISOString(),
    /** Units dissolved since the group was saved are left out. */
    unitIds: active ? g.unitIds.filter((id) => active.has(id)) : g.unitIds,
  };
}

/** The caller's unit's groups, by name. */
export async function listGroups(db: DbOrTx, actor: Actor) {
  const rows = await db.select().from(recipientGroups).where(eq(recipientGroups.unitId, actor.unitId)).orderBy(asc(recipientGroups.name));
  const active = new Set((await findActiveUnits(db, [...new Set(rows.flatMap((g) => g.unitIds))])).map((u) => u.id));
  return rows.map((g) => presentGroup(g, active));
}

/** May the actor create and delete its unit's groups (its clerks and leaders)? */
export const mayEditGroups = (actor: Actor) => hasRole(actor, 'clerk', 'leader');

const mayEdit = (actor: Actor) => {
  if (!mayEditGroups(actor)) {
    throw forbidden('Chỉ văn thư hoặc lãnh đạo đơn vị được sửa nhóm nơi nhận', 'Only a clerk or leader of the unit can change its recipient groups');
  }
};

/** Saves a group: a name (1–100 characters, unique in the unit) and active units other than the caller's own. */
export async function createGroup(db: DbOrTx, actor: Actor, input: { name: string; unitIds: string[] }, at: Date) {
  mayEdit(actor);
  const name = input.name.normalize('NFC').trim();
  if (!name || name.length > 100) throw badRequest('Tên nhóm nơi nhận phải có từ 1 đến 100 ký tự', 'The group name must have 1 to 100 characters');
  const ids = [...new Set(input.unitIds)];
  if (ids.length === 0) throw badRequest('Nhóm nơi nhận phải có ít nhất một đơn vị', 'A recipient group needs at least one unit');
  if (ids.length > MAX_GROUP_UNITS) throw badRequest(`Nhóm nơi nhận có tối đa ${MAX_GROUP_UNITS} đơn vị`, `A recipient group may name at most ${MAX_GROUP_UNITS} units`);
  if (ids.includes(actor.unitId)) throw badRequest('Nhóm nơi nhận không gồm chính đơn vị mình', 'A recipient group cannot name your own unit');
  const known = new Set((await findActiveUnits(db, ids)).map((u) => u.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw badRequest(`Đơn vị không tồn tại hoặc đã giải thể: ${unknown.slice(0, 5).join(', ')}`, `Unknown or dissolved units: ${unknown.slice(0, 5).join(', ')}`);
  }
  return db.transaction(async (tx) => {
    const mine = await tx.select({ name: recipientGroups.name }).from(recipientGroups).where(eq(recipientGroups.unitId, actor.unitId)).for('update');
    if (mine.length >= MAX_GROUPS) throw conflict(`Đơn vị đã có ${MAX_GROUPS} nhóm nơi nhận (tối đa)`, `The unit already has ${MAX_GROUPS} recipient groups (the most it may keep)`);
    if (mine.some((g) => g.name.toLowerCase() === name.toLowerCase())) throw conflict(`Đã có nhóm nơi nhận "${name}"`, `A recipient group "${name}" already exists`);
    const [row] = await tx.insert(recipientGroups).values({ unitId: actor.unitId, name, unitIds: ids, createdBy: actor.userId, createdAt: at }).returning();
    await recordEvents(tx, [{ type: 'recipient_group.created', at, actor, unitIds: [actor.unitId], data: { groupId: row!.id, name, units: ids.length } }]);
    return presentGroup(row!);
  });
}

/** Deletes one of the unit's groups; another unit's group, or none, is a 404. */
export async function deleteGroup(db: DbOrTx, actor: Actor, id: string, at: Date): Promise<void> {
  mayEdit(actor);
  await db.transaction(async (tx) => {
    const [row] = isUuid(id)
      ? await tx.delete(recipientGroups).where(and(eq(recipientGroups.id, id), eq(recipientGroups.unitId, actor.unitId))).returning()
      : [];
    if (!row) throw notFound('Không tìm thấy nhóm nơi nhận', 'Recipient group not found');
    await recordEvents(tx, [{ type: 'recipient_group.deleted', at, actor, unitIds: [actor.unitId], data: { groupId: row.id, name: row.name } }]);
  });
}
