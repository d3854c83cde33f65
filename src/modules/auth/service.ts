import { randomBytes } from 'node:crypto';
import { configuredOrStoredSecret } from '../../lib/secrets.js';
import { and, eq, gt, inArray, isNull, ne } from 'drizzle-orm';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { Config } from '../../config.js';
import type { DbOrTx } from '../../db/client.js';
import { unauthorized } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import type { Deps } from '../../lib/deps.js';
import { findUserByUsername, hashPassword, type User, verifyPassword } from '../orgs/users.js';
import { users } from '../orgs/tables.js';
import type { Actor } from '../../lib/actor.js';
import { recordEvents } from '../events/service.js';
import { sessions } from './tables.js';
import { attemptSucceeded, beginAttempt } from './throttle.js';
import { type Authenticated, markEnding, sessionCacheFor } from './session-cache.js';

const ISSUER = 'lienthong';
let dummyHash: Promise<string> | null = null;

/**
 * The signing secret for session tokens: APP_SECRET when set (required for several replicas),
 * otherwise a random one kept in DATA_DIR so restarts keep sessions.
 */
export async function resolveSecret(config: Config): Promise<Uint8Array> {
  return new TextEncoder().encode(await configuredOrStoredSecret(config.appSecret, config.dataDir, 'app-secret'));
}

export interface AuthDeps extends Pick<Deps, 'db' | 'config' | 'clock'> {
  secret: Uint8Array;
}

/** Where a login comes from, kept on its session row. */
export interface ClientInfo {
  address?: string | null;
  userAgent?: string | null;
}

/** The event written whenever sessions end; every replica's push worker disconnects their sockets. */
export const SESSIONS_ENDED = 'sessions.ended';
export type EndReason = 'logout' | 'disabled' | 'password' | 'reset' | 'roles' | 'unit';

/**
 * Checks a password and returns a signed session token; the same 401 for unknown user and wrong
 * password. Attempts are counted per account and per address first (throttle.ts): past a threshold
 * the answer is 429, even for the right password.
 */
export async function login(
  deps: AuthDeps,
  input: { username: string; password: string },
  client: ClientInfo = {},
): Promise<{ token: string; user: User }> {
  const attempt = { username: input.username.trim().toLowerCase(), address: client.address ?? 'unknown' };
  await beginAttempt(deps.db, deps.config, attempt, deps.clock());
  const user = await findUserByUsername(deps.db, input.username);
  // Verify against a throwaway hash when the user is unknown so timing does not reveal usernames.
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash), input.password);
  if (!user || !ok || user.disabled) {
    throw unauthorized('Sai tên đăng nhập hoặc mật khẩu', 'Wrong username or password');
  }
  await attemptSucceeded(deps.db, attempt);
  const token = await issueToken(deps, user, client);
  return { token, user };
}

/**
 * A session for a user who has proved who they are: a `sessions` row and a token naming it (`sid`).
 * The token is honoured only while that row is open (see `authenticate`).
 */
export async function issueToken(deps: AuthDeps, user: Pick<User, 'id' | 'unitId'>, client: ClientInfo = {}): Promise<string> {
  const at = deps.clock();
  const now = Math.floor(at.getTime() / 1000);
  const expiresAt = new Date((now + deps.config.tokenTtlSeconds) * 1000);
  const [row] = await deps.db
    .insert(sessions)
    .values({
      userId: user.id, createdAt: at, expiresAt,
      address: client.address?.slice(0, 100) ?? null, userAgent: client.userAgent?.slice(0, 300) ?? null,
    })
    .returning({ id: sessions.id });
  return new SignJWT({ unit: user.unitId, sid: row!.id })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.id)
    .setIssuer(ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + deps.config.tokenTtlSeconds)
    .sign(deps.secret);
}

/**
 * `authenticate` for the HTTP hot path (the onRequest hook): the same answer, kept in a short
 * cache (session-cache.ts) so most requests make no database round trip. An entry lives at most
 * 5 s; it is evicted on every replica by the `sessions.ended` event and at once in the process
 * that ends the sessions; an expired token or session is never served. Sockets and the auth
 * routes keep calling `authenticate`, which always asks the database.
 */
export async function authenticateCached(deps: AuthDeps, token: string): Promise<Authenticated> {
  const now = deps.clock();
  const cache = sessionCacheFor(deps.db);
  const hit = cache.get(token, now);
  // A copy: callers may extend the actor of their request (delegations) without touching the cache.
  if (hit) return { ...hit, actor: { ...hit.actor } };
  const startedAt = performance.now();
  const auth = await authenticate(deps, token);
  cache.set(token, auth, startedAt);
  return auth;
}

/**
 * Turns a bearer token into the acting user and its session. The user and the session are read
 * again (one query) so a disabled account, an ended session or a changed role takes effect at
 * once, not when the token expires. A token without a session (`sid`) is refused.
 */
export async function authenticate(deps: AuthDeps, token: string): Promise<Authenticated> {
  const now = deps.clock();
  let sub: unknown;
  let sid: unknown;
  let exp: number | undefined;
  try {
    const { payload } = await jwtVerify(token, deps.secret, {
      issuer: ISSUER,
      algorithms: ['HS256'],
      currentDate: now,
    });
    sub = payload.sub;
    sid = payload.sid;
    exp = payload.exp;
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw unauthorized('Phiên đăng nhập đã hết hạn', 'Session expired');
    throw unauthorized('Mã phiên không hợp lệ', 'Invalid session token');
  }
  if (typeof sub !== 'string' || !isUuid(sub) || typeof sid !== 'string' || !isUuid(sid)) {
    throw unauthorized('Mã phiên không hợp lệ', 'Invalid session token');
  }
  const [row] = await (deps.db as DbOrTx)
    .select({ user: users, expiresAt: sessions.expiresAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sid), eq(sessions.userId, sub), isNull(sessions.endedAt), gt(sessions.expiresAt, now)));
  if (!row) throw unauthorized('Phiên đăng nhập đã kết thúc, hãy đăng nhập lại', 'Session ended; log in again');
  const { user } = row;
  if (user.disabled) throw unauthorized('Tài khoản không còn hiệu lực', 'Account not active');
  // The token's own expiry when earlier than the session's (jose checks `exp` only when present).
  const until = typeof exp === 'number' && exp * 1000 < row.expiresAt.getTime() ? new Date(exp * 1000) : row.expiresAt;
  return { actor: { userId: user.id, unitId: user.unitId, roles: user.roles }, user, sessionId: sid, expiresAt: until };
}

/**
 * Ends open sessions — one (`sessionIds`), or all of a user's but `except` — in the caller's
 * transaction, and writes one `sessions.ended` event naming them: from that committed row every
 * replica disconnects their sockets (jobs/workers.ts). Returns the ids ended.
 */
export async function endSessions(
  tx: DbOrTx,
  params: { userId: string; unitId: string; reason: EndReason; actor: Actor | null; sessionIds?: string[]; except?: string | null },
  at: Date,
): Promise<string[]> {
  // This process stops serving the user from its cache now, before the change commits (the event
  // evicts every replica's cache once it is read).
  markEnding(params.userId);
  const ended = await tx
    .update(sessions)
    .set({ endedAt: at, endReason: params.reason })
    .where(and(
      eq(sessions.userId, params.userId),
      isNull(sessions.endedAt),
      params.sessionIds ? inArray(sessions.id, params.sessionIds) : undefined,
      params.except ? ne(sessions.id, params.except) : undefined,
    ))
    .returning({ id: sessions.id, expiresAt: sessions.expiresAt });
  // Expired sessions are closed too (tidy) but have no socket left to disconnect.
  const live = ended.filter((s) => s.expiresAt > at).map((s) => s.id);
  if (ended.length > 0) {
    await recordEvents(tx, [{
      type: SESSIONS_ENDED, at, actor: params.actor, unitIds: [params.unitId], userIds: [params.userId],
      data: { userId: params.userId, reason: params.reason, sessionIds: live },
    }]);
  }
  return live;
}

/** POST /api/auth/logout: ends the caller's session (this token); other devices stay logged in. */
export async function logout(deps: AuthDeps, actor: Actor, sessionId: string): Promise<void> {
  const at = deps.clock();
  await deps.db.transaction((tx) => endSessions(tx, { userId: actor.userId, unitId: actor.unitId, reason: 'logout', actor, sessionIds: [sessionId] }, at));
}
