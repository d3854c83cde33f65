import argon2 from 'argon2';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { badRequest, conflict, forbidden, notFound } from '../../lib/errors.js';
import type { Actor } from '../../lib/actor.js';
import { hasRole } from '../../lib/actor.js';
import { recordEvents } from '../events/service.js';
import { type Role, units, users } from './tables.js';

export type User = typeof users.$inferSelect;

export interface NewUser {
  username: string;
  password: string;
  fullName: string;
  unitId: string;
  roles: Role[];
  title?: string;
}

export const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;

export function presentUser(u: User) {
  return { id: u.id, username: u.username, fullName: u.fullName, unitId: u.unitId, roles: u.roles, title: u.title };
}

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
  if (input.password.length < 8) throw badRequest('Mật khẩu phải có ít nhất 8 ký tự', 'Password must be at least 8 characters');
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

/**
 * The people of a unit, for picking an assignee or a deputy: visible to members of that unit and of
 * its parent unit (a leader assigning to a person of a department), and to an admin.
 */
export async function listUnitPeople(db: DbOrTx, actor: Actor, unitId: string) {
  const [unit] = await db.select({ id: units.id, parentId: units.parentId }).from(units).where(eq(units.id, unitId));
  const allowed = unit && (hasRole(actor, 'admin') || unit.id === actor.unitId || unit.parentId === actor.unitId);
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
