import { isIPv6 } from 'node:net';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Config } from '../../config.js';
import type { DbOrTx } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import { loginThrottle } from './tables.js';

type Limits = Pick<Config, 'loginMaxFailuresPerUser' | 'loginMaxFailuresPerAddress' | 'loginWindowMinutes' | 'loginBlockMinutes'>;

/** 429 too_many_requests; `retryAfterSeconds` goes out as the `retry-after` header (auth/routes.ts). */
export class TooManyAttempts extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    super('too_many_requests', {
      vi: `Đăng nhập sai quá nhiều lần; hãy thử lại sau ${minutes} phút`,
      en: `Too many failed logins; try again in ${minutes} minute(s)`,
    });
  }
}

export const userKey = (username: string) => `user:${username.toLowerCase()}`;
/**
 * The address a failure is counted against: an IPv4 address as it is, an IPv6 address by its /64
 * (one subscriber usually holds a whole /64 and could otherwise step through it).
 */
export function addressKey(address: string): string {
  const a = address.trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
  if (mapped) return `ip:${mapped[1]}`;
  if (!isIPv6(a)) return `ip:${a.slice(0, 100)}`;
  const [head = '', tail = ''] = a.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = a.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = a.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `ip:${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/**
 * Counts one attempt on `key` before the password is checked, so parallel guesses cannot all slip
 * in before the first failure is written: one statement, whatever the replica. A window that has
 * run out (or a block that has ended) starts again at 1. The attempt that goes past `max` blocks
 * the key for the block time; while blocked nothing is counted. Returns the seconds to wait when
 * blocked, else null.
 */
async function take(db: DbOrTx, key: string, max: number, limits: Limits, now: Date): Promise<number | null> {
  const windowStart = new Date(now.getTime() - limits.loginWindowMinutes * 60_000);
  const blockUntil = new Date(now.getTime() + limits.loginBlockMinutes * 60_000);
  const t = loginThrottle;
  // Raw SQL parameters go to the driver as they are: timestamps as ISO text.
  const nowT = sql`${now.toISOString()}::timestamptz`;
  const blocked = sql`${t.blockedUntil} > ${nowT}`;
  const fresh = sql`(${t.blockedUntil} is not null or ${t.windowStartedAt} <= ${windowStart.toISOString()}::timestamptz)`;
  const [row] = await db
    .insert(loginThrottle)
    .values({ key, failures: 1, windowStartedAt: now, blockedUntil: max < 1 ? blockUntil : null })
    .onConflictDoUpdate({
      target: t.key,
      set: {
        failures: sql`case when ${blocked} then ${t.failures} when ${fresh} then 1 else ${t.failures} + 1 end`,
        windowStartedAt: sql`case when ${blocked} then ${t.windowStartedAt} when ${fresh} then ${nowT} else ${t.windowStartedAt} end`,
        blockedUntil: sql`case when ${blocked} then ${t.blockedUntil} when ${fresh} then null::timestamptz
          when ${t.failures} + 1 > ${max} then ${blockUntil.toISOString()}::timestamptz else null::timestamptz end`,
      },
    })
    .returning({ blockedUntil: t.blockedUntil });
  const until = row?.blockedUntil;
  return until && until > now ? Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)) : null;
}

/** Gives back an attempt counted by `take` that was not a failure (a success, or refused for another key). */
async function giveBack(db: DbOrTx, key: string): Promise<void> {
  await db
    .update(loginThrottle)
    .set({ failures: sql`greatest(${loginThrottle.failures} - 1, 0)` })
    .where(and(eq(loginThrottle.key, key), isNull(loginThrottle.blockedUntil)));
}

/**
 * Counts a login attempt for the address and the account; throws TooManyAttempts (429) when
 * either is blocked — even before the password is looked at, so the right password is refused too
 * while blocked.
 */
export async function beginAttempt(db: DbOrTx, limits: Limits, input: { username: string; address: string }, now: Date): Promise<void> {
  const ip = addressKey(input.address);
  const waitIp = await take(db, ip, limits.loginMaxFailuresPerAddress, limits, now);
  if (waitIp !== null) throw new TooManyAttempts(waitIp);
  const waitUser = await take(db, userKey(input.username), limits.loginMaxFailuresPerUser, limits, now);
  if (waitUser !== null) {
    // Not a password tried from this address: do not count it against the address.
    await giveBack(db, ip);
    throw new TooManyAttempts(waitUser);
  }
}

/** A successful login: the account's counter starts again; the address's attempt is given back. */
export async function attemptSucceeded(db: DbOrTx, input: { username: string; address: string }): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.key, userKey(input.username)));
  await giveBack(db, addressKey(input.address));
}

/** Counts a failed check of the current password of someone already logged in (POST /api/me/password). */
export async function countFailure(db: DbOrTx, limits: Limits, username: string, now: Date): Promise<void> {
  const wait = await take(db, userKey(username), limits.loginMaxFailuresPerUser, limits, now);
  if (wait !== null) throw new TooManyAttempts(wait);
}

/** Checks that `username` is not blocked (without counting anything). */
export async function assertNotBlocked(db: DbOrTx, username: string, now: Date): Promise<void> {
  const [row] = await db.select({ blockedUntil: loginThrottle.blockedUntil }).from(loginThrottle).where(eq(loginThrottle.key, userKey(username)));
  if (row?.blockedUntil && row.blockedUntil > now) throw new TooManyAttempts(Math.max(1, Math.ceil((row.blockedUntil.getTime() - now.getTime()) / 1000)));
}

/** Forgets counters whose window and block are both over (run now and then by a job). */
export async function pruneLoginThrottle(db: DbOrTx, limits: Limits, now: Date): Promise<number> {
  const windowStart = new Date(now.getTime() - limits.loginWindowMinutes * 60_000);
  const rows = await db
    .delete(loginThrottle)
    .where(and(lt(loginThrottle.windowStartedAt, windowStart), or(isNull(loginThrottle.blockedUntil), lt(loginThrottle.blockedUntil, now))))
    .returning({ key: loginThrottle.key });
  return rows.length;
}
