import type { Actor } from '../../lib/actor.js';
import { badRequest, forbidden } from '../../lib/errors.js';
import {
  getUser, hashPassword, MIN_PASSWORD, setUserDisabled, setUserPassword, updateUser, type User, type UserPatch, verifyPassword,
} from '../orgs/users.js';
import { type AuthDeps, endSessions } from './service.js';
import { assertNotBlocked, countFailure } from './throttle.js';

/*
 * Account changes that end sessions. orgs owns the `users` row and its event; auth owns `sessions`:
 * each use case here is one transaction that calls both, so the change, its event and the
 * `sessions.ended` event (from which every replica disconnects the sockets) commit together.
 */

function checkNewPassword(field: string, password: string) {
  if (password.length < MIN_PASSWORD) throw badRequest(`${field}: mật khẩu phải có ít nhất ${MIN_PASSWORD} ký tự`, `${field}: password must be at least ${MIN_PASSWORD} characters`);
}

const onlyAdmin = (actor: Actor) => {
  if (!actor.roles.includes('admin')) throw forbidden('Chỉ quản trị viên được quản lý tài khoản', 'Only an admin can manage users');
};

/** POST /api/users/:id/disable (admin): the account can no longer log in; its sessions and sockets end now. */
export async function disableUser(deps: AuthDeps, actor: Actor, id: string): Promise<User> {
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const { user } = await setUserDisabled(tx, actor, id, true, at);
    await endSessions(tx, { userId: id, unitId: user.unitId, reason: 'disabled', actor }, at);
    return user;
  });
}

/** POST /api/users/:id/enable (admin). */
export async function enableUser(deps: AuthDeps, actor: Actor, id: string): Promise<User> {
  const at = deps.clock();
  return deps.db.transaction(async (tx) => (await setUserDisabled(tx, actor, id, false, at)).user);
}

/** PATCH /api/users/:id (admin): a change of roles or unit ends the person's sessions (they log in again). */
export async function updateAccount(deps: AuthDeps, actor: Actor, id: string, patch: UserPatch): Promise<User> {
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const r = await updateUser(tx, actor, id, patch, at);
    if (r.rolesChanged || r.unitChanged) {
      await endSessions(tx, { userId: id, unitId: r.before.unitId, reason: r.unitChanged ? 'unit' : 'roles', actor }, at);
    }
    return r.user;
  });
}

/** POST /api/users/:id/password (admin): a new password; every session of that person ends. */
export async function resetPassword(deps: AuthDeps, actor: Actor, id: string, password: string): Promise<User> {
  onlyAdmin(actor);
  checkNewPassword('password', password);
  const hash = await hashPassword(password);
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const user = await setUserPassword(tx, actor, id, hash, 'reset', at);
    await endSessions(tx, { userId: id, unitId: user.unitId, reason: 'reset', actor }, at);
    return user;
  });
}

/**
 * POST /api/me/password: the current password, then the new one. Every other session of the
 * person ends (a device someone else may hold); this one stays, so the caller keeps its token.
 * A wrong current password counts as a failed login of the account (429 past the threshold).
 */
export async function changeOwnPassword(
  deps: AuthDeps,
  actor: Actor,
  sessionId: string,
  input: { current: string; next: string },
): Promise<{ endedSessions: number }> {
  const me = await getUser(deps.db, actor.userId);
  if (!me) throw forbidden('Tài khoản không còn hiệu lực', 'Account not active');
  await assertNotBlocked(deps.db, me.username, deps.clock());
  if (!(await verifyPassword(me.passwordHash, input.current))) {
    await countFailure(deps.db, deps.config, me.username, deps.clock());
    throw badRequest('current: mật khẩu hiện tại không đúng', 'current: the current password is wrong');
  }
  checkNewPassword('next', input.next);
  if (input.next === input.current) throw badRequest('next: mật khẩu mới phải khác mật khẩu hiện tại', 'next: the new password must differ from the current one');
  const hash = await hashPassword(input.next);
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    await setUserPassword(tx, actor, actor.userId, hash, 'self', at);
    const ended = await endSessions(tx, { userId: actor.userId, unitId: actor.unitId, reason: 'password', actor, except: sessionId }, at);
    return { endedSessions: ended.length };
  });
}
