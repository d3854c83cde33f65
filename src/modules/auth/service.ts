import { randomBytes } from 'node:crypto';
import { configuredOrStoredSecret } from '../../lib/secrets.js';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { Config } from '../../config.js';
import type { DbOrTx } from '../../db/client.js';
import { unauthorized } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import type { Deps } from '../../lib/deps.js';
import { findUserByUsername, getUser, hashPassword, type User, verifyPassword } from '../orgs/users.js';
import type { Actor } from '../../lib/actor.js';

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

/** Checks a password and returns a signed session token; the same 401 for unknown user and wrong password. */
export async function login(deps: AuthDeps, input: { username: string; password: string }): Promise<{ token: string; user: User }> {
  const user = await findUserByUsername(deps.db, input.username);
  // Verify against a throwaway hash when the user is unknown so timing does not reveal usernames.
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash), input.password);
  if (!user || !ok || user.disabled) {
    throw unauthorized('Sai tên đăng nhập hoặc mật khẩu', 'Wrong username or password');
  }
  const token = await issueToken(deps, user);
  return { token, user };
}

/** A session token for a user who has proved who they are. */
export async function issueToken(deps: AuthDeps, user: Pick<User, 'id' | 'unitId'>): Promise<string> {
  const now = Math.floor(deps.clock().getTime() / 1000);
  return new SignJWT({ unit: user.unitId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.id)
    .setIssuer(ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + deps.config.tokenTtlSeconds)
    .sign(deps.secret);
}

/**
 * Turns a bearer token into the acting user. The user is read again so a disabled account or a
 * changed role takes effect at once, not when the token expires.
 */
export async function authenticate(deps: AuthDeps, token: string): Promise<{ actor: Actor; user: User }> {
  let sub: string | undefined;
  try {
    const { payload } = await jwtVerify(token, deps.secret, {
      issuer: ISSUER,
      algorithms: ['HS256'],
      currentDate: deps.clock(),
    });
    sub = payload.sub;
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw unauthorized('Phiên đăng nhập đã hết hạn', 'Session expired');
    throw unauthorized('Mã phiên không hợp lệ', 'Invalid session token');
  }
  const user = sub && isUuid(sub) ? await getUser(deps.db as DbOrTx, sub) : undefined;
  if (!user || user.disabled) throw unauthorized('Tài khoản không còn hiệu lực', 'Account not active');
  return { actor: { userId: user.id, unitId: user.unitId, roles: user.roles }, user };
}
