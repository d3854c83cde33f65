import argon2 from 'argon2';
import { and, asc, count, eq, ilike, inArray, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { badRequest, conflict, forbidden, notFound } from '../../lib/errors.js';
import type { Actor } from '../../lib/actor.js';
import { hasRole } from '../../lib/actor.js';
import { recordEvents } from '../events/service.js';
import { type Role, units, users, type UserPosition } from './tables.js';

export type User = typeof users.$inferSelect;

export interface NewUser {
  username: string;
  password: string;
  fullName: string;
  unitId: string;
  roles: Role[];
  title?: string;
  /** Leadership position, for the competence line of signatures (head, deputy, acting, by_order). */
  position?: UserPosition | null;
}

export const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;

export function presentUser(u: User) {
  return {
    id: u.id, username: u.username, fullName: u.fullName, unitId: u.unitId, roles: u.roles, title: u.title,
    position: u.position ?? null, disabled: u.disabled,
  };
}

/** The minimum length of a password (creating, changing, resetting). */
export const MIN_PASSWORD = 8;

/** argon2id with the library's defaults (64 MiB, t=3), the OWASP-recommended shape. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** Creates an account in an existing unit. `passwordHash` lets seeds reuse one hash. */
export async function createUser(
  db: DbOrTx,
  actor: Actor | null,
  input: NewUser & { passwordHash?: string },
  at: Date,
): Promise<User> {
  if (actor && !hasRole(actor, 'admin')) throw forbidden('Chỉ quản trị viên được tạo tài khoản', 'Only an admin can create users');
  const username = input.username.toLowerCase();
  if (!USERNAME.test(username)) {
    throw badRequest(
      'Tên đăng nhập phải dài 3–64 ký tự: chữ thường không dấu, số, dấu chấm, gạch',
      'Username must be 3–64 characters: lowercase ASCII letters, digits, dot, dash, underscore',
    );
  }
  if (input.password.length < MIN_PASSWORD) throw badRequest('Mật khẩu phải có ít nhất 8 ký tự', 'Password must be at least 8 characters');
  if (input.roles.length === 0) throw badRequest('Tài khoản cần ít nhất một vai trò', 'A user needs at least one role');
  const passwordHash = input.passwordHash ?? (await hashPassword(input.password));
  return db.transaction(async (tx) => {
    const [unit] = await tx.select({ id: units.id }).from(units).where(eq(units.id, input.unitId));
    if (!unit) throw badRequest('Đơn vị không tồn tại', `Unit ${input.unitId} does not exist`);
    const [dup] = await tx.select({ id: users.id }).from(users).where(eq(users.username, username));
    if (dup) throw conflict(`Tên đăng nhập ${username} đã tồn tại`, `Username ${username} already exists`);
    const [user] = await tx
      .insert(users)
      .values({
        username,
        passwordHash,
        fullName: input.fullName,
        unitId: input.unitId,
        roles: [...new Set(input.roles)],
        title: input.title ?? '',
        position: input.position ?? null,
      })
      .returning();
    await recordEvents(tx, [
      { type: 'user.created', at, actor, unitIds: [input.unitId], data: { userId: user!.id, username, roles: user!.roles } },
    ]);
    return user!;
  });
}

export async function getUser(db: DbOrTx, id: string): Promise<User | undefined> {
  const [u] = await db.select().from(users).where(eq(users.id, id));
  return u;
}

export async function findUserByUsername(db: DbOrTx, username: string): Promise<User | undefined> {
  const [u] = await db.select().from(users).where(eq(users.username, username.toLowerCase()));
  return u;
}

/** The users with these usernames, in one query (the demo seed looks up its few hundred accounts). */
export async function findUsersByUsernames(db: DbOrTx, usernames: string[]): Promise<User[]> {
  if (usernames.length === 0) return [];
  return db.select().from(users).where(inArray(users.username, usernames.map((u) => u.toLowerCase())));
}

/**
 * The people of a unit, for picking an assignee, a deputy, or whom to hand a draft to: visible to
 * members of that unit, of its parent unit (a leader assigning to a person of a department), of its
 * departments (an officer or head of a department handing a draft to the parent's leaders in trình
 * ký), and to an admin.
 */
export async function listUnitPeople(db: DbOrTx, actor: Actor, unitId: string) {
  const [unit] = await db.select({ id: units.id, parentId: units.parentId }).from(units).where(eq(units.id, unitId));
  const [own] = unit ? await db.select({ parentId: units.parentId }).from(units).where(eq(units.id, actor.unitId)) : [];
  const allowed = unit && (hasRole(actor, 'admin') || unit.id === actor.unitId || unit.parentId === actor.unitId || own?.parentId === unit.id);
  if (!allowed) throw notFound('Không tìm thấy đơn vị', 'Unit not found');
  const rows = await db.select().from(users).where(and(eq(users.unitId, unitId), eq(users.disabled, false))).orderBy(asc(users.fullName));
  return rows.map((u) => ({ id: u.id, fullName: u.fullName, title: u.title, roles: u.roles, unitId: u.unitId }));
}

/**
 * Active people of these units by unit, optionally only those holding `role`: who is told
 * personally (a flash alarm rings for every member; escalations and assigned work go to leaders).
 * One query whatever the number of units.
 */
export async function peopleOfUnits(db: DbOrTx, unitIds: string[], role?: Role): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (unitIds.length === 0) return out;
  const rows = await db
    .select({ id: users.id, unitId: users.unitId })
    .from(users)
    .where(and(
      sql`${users.unitId} = any(${`{${[...new Set(unitIds)].join(',')}}`}::uuid[])`,
      eq(users.disabled, false),
      role ? sql`${role} = any(${users.roles})` : undefined,
    ));
  for (const r of rows) out.set(r.unitId, [...(out.get(r.unitId) ?? []), r.id]);
  return out;
}

/** Leaders of these units, by unit. */
export const leadersOfUnits = (db: DbOrTx, unitIds: string[]) => peopleOfUnits(db, unitIds, 'leader');

const onlyAdmin = (actor: Actor | null) => {
  if (actor && !hasRole(actor, 'admin')) throw forbidden('Chỉ quản trị viên được quản lý tài khoản', 'Only an admin can manage users');
};
const userNotFound = () => notFound('Không tìm thấy tài khoản', 'User not found');

/** The account screen's list (admin): every user, optionally of one unit or matching `q`, by name. */
export async function listUsers(
  db: DbOrTx,
  actor: Actor,
  params: { unitId?: string; q?: string; limit: number; offset: number },
): Promise<{ users: User[]; total: number }> {
  onlyAdmin(actor);
  const q = params.q?.trim();
  const where = and(
    params.unitId ? eq(users.unitId, params.unitId) : undefined,
    q ? or(ilike(users.username, `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`), ilike(users.fullName, `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)) : undefined,
  );
  const rows = await db.select().from(users).where(where).orderBy(asc(users.fullName), asc(users.username)).limit(params.limit).offset(params.offset);
  const [total] = await db.select({ n: count() }).from(users).where(where);
  return { users: rows, total: Number(total?.n ?? 0) };
}

/** The row, locked for the rest of the transaction (two admins editing one account take turns). */
async function lockUser(tx: DbOrTx, id: string): Promise<User> {
  const [u] = await tx.select().from(users).where(eq(users.id, id)).for('update');
  if (!u) throw userNotFound();
  return u;
}

export interface UserPatch {
  fullName?: string;
  title?: string;
  roles?: Role[];
  unitId?: string;
  position?: UserPosition | null;
}

/**
 * PATCH /api/users/:id (admin), in the caller's transaction, with its `user.updated` event. Says
 * whether the roles or the unit changed (the caller then ends the person's sessions). An admin
 * cannot take the admin role from themself (nobody could give it back).
 */
export async function updateUser(
  tx: DbOrTx,
  actor: Actor,
  id: string,
  patch: UserPatch,
  at: Date,
): Promise<{ user: User; before: User; rolesChanged: boolean; unitChanged: boolean }> {
  onlyAdmin(actor);
  const before = await lockUser(tx, id);
  const set: Partial<typeof users.$inferInsert> = {};
  if (patch.fullName !== undefined) {
    if (!patch.fullName.trim()) throw badRequest('fullName: cần nhập họ tên', 'fullName: must not be empty');
    if (patch.fullName.trim() !== before.fullName) set.fullName = patch.fullName.trim();
  }
  if (patch.title !== undefined && patch.title.trim() !== before.title) set.title = patch.title.trim();
  if (patch.position !== undefined && patch.position !== before.position) set.position = patch.position;
  let rolesChanged = false;
  if (patch.roles !== undefined) {
    const roles = [...new Set(patch.roles)];
    if (roles.length === 0) throw badRequest('roles: tài khoản cần ít nhất một vai trò', 'roles: a user needs at least one role');
    if (actor.userId === id && before.roles.includes('admin') && !roles.includes('admin')) {
      throw conflict('Không thể tự bỏ vai trò quản trị của chính mình', 'You cannot remove your own admin role');
    }
    rolesChanged = roles.length !== before.roles.length || roles.some((r) => !before.roles.includes(r));
    if (rolesChanged) set.roles = roles;
  }
  let unitChanged = false;
  if (patch.unitId !== undefined && patch.unitId !== before.unitId) {
    const [unit] = await tx.select({ id: units.id, systemId: units.systemId, dissolvedAt: units.dissolvedAt }).from(units).where(eq(units.id, patch.unitId));
    if (!unit || unit.systemId !== null) throw badRequest('unitId: đơn vị không tồn tại', `unitId: unit ${patch.unitId} does not exist`);
    if (unit.dissolvedAt) throw badRequest('unitId: đơn vị đã giải thể', 'unitId: the unit has been dissolved');
    unitChanged = true;
    set.unitId = patch.unitId;
  }
  if (Object.keys(set).length === 0) return { user: before, before, rolesChanged: false, unitChanged: false };
  const [user] = await tx.update(users).set(set).where(eq(users.id, id)).returning();
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const k of Object.keys(set) as Array<keyof typeof set & keyof User>) changes[k] = { from: before[k], to: user![k] };
  await recordEvents(tx, [{
    type: 'user.updated', at, actor,
    unitIds: [...new Set([before.unitId, user!.unitId])],
    data: { userId: id, username: before.username, changes },
  }]);
  return { user: user!, before, rolesChanged, unitChanged };
}

/**
 * POST /api/users/:id/disable and /enable (admin), in the caller's transaction, with its event.
 * An admin cannot disable themself. Returns the row and whether anything changed.
 */
export async function setUserDisabled(tx: DbOrTx, actor: Actor, id: string, disabled: boolean, at: Date): Promise<{ user: User; changed: boolean }> {
  onlyAdmin(actor);
  const before = await lockUser(tx, id);
  if (disabled && actor.userId === id) throw conflict('Không thể tự khóa tài khoản của chính mình', 'You cannot disable your own account');
  if (before.disabled === disabled) return { user: before, changed: false };
  const [user] = await tx.update(users).set({ disabled }).where(eq(users.id, id)).returning();
  await recordEvents(tx, [{
    type: disabled ? 'user.disabled' : 'user.enabled', at, actor, unitIds: [before.unitId],
    data: { userId: id, username: before.username },
  }]);
  return { user: user!, changed: true };
}

/**
 * A new password hash, in the caller's transaction, with its event (never the hash): `self` for
 * the person's own change (POST /api/me/password, the current password already checked), `reset`
 * by an admin (POST /api/users/:id/password).
 */
export async function setUserPassword(tx: DbOrTx, actor: Actor, id: string, passwordHash: string, kind: 'self' | 'reset', at: Date): Promise<User> {
  if (kind === 'reset') onlyAdmin(actor);
  else if (actor.userId !== id) throw forbidden('Chỉ được đổi mật khẩu của chính mình', 'You can change only your own password');
  const before = await lockUser(tx, id);
  const [user] = await tx.update(users).set({ passwordHash }).where(eq(users.id, id)).returning();
  await recordEvents(tx, [{
    type: kind === 'self' ? 'user.password_changed' : 'user.password_reset', at, actor, unitIds: [before.unitId],
    data: { userId: id, username: before.username },
  }]);
  return user!;
}
