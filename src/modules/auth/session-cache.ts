import { LRUCache } from 'lru-cache';
import type { Actor } from '../../lib/actor.js';
import type { User } from '../orgs/users.js';

/**
 * Token → actor without a database round trip on every request (issue 13).
 *
 * What a hit may serve is bounded three ways:
 * - revocation: every way a session ends (logout, disable, password change or reset, a change of
 *   roles or unit) goes through `endSessions`, which writes a `sessions.ended` event; each replica's
 *   push worker evicts that user's entries when it reads the committed event (`evictUser`), and the
 *   replica that ends the sessions stops serving that user from its cache at once (`markEnding`,
 *   called inside the transaction, before it commits), until the event has been read;
 * - expiry: an entry is never served at or after the token's or the session's expiry (checked on
 *   the injected clock, as the database query did);
 * - staleness: an entry lives at most CACHE_TTL_MS (5 s) from when it was read from the database,
 *   so a change made behind the application's back (SQL by hand) is seen within 5 s.
 * A fill that started before an eviction or a mark is not stored (it may have read the session
 * before it ended).
 */
export const CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 20_000;

export interface Authenticated {
  actor: Actor;
  user: User;
  sessionId: string;
  expiresAt: Date;
}

interface Entry {
  auth: Authenticated;
  /** The earlier of the token's and the session's expiry (`expiresAt`), epoch ms. */
  until: number;
}

/** Users whose sessions are being ended by a transaction of this process: performance.now() of the mark. */
const ending = new Map<string, number>();

/**
 * Called by `endSessions` inside its transaction: this process serves the user from no cache and
 * stores no fill until the mark is older than the TTL (by then the event has evicted every cache).
 */
export function markEnding(userId: string): void {
  const now = performance.now();
  ending.set(userId, now);
  if (ending.size > 1000) for (const [id, at] of ending) if (now - at > CACHE_TTL_MS) ending.delete(id);
}

function endingSince(userId: string): number | undefined {
  const at = ending.get(userId);
  if (at === undefined) return undefined;
  if (performance.now() - at > CACHE_TTL_MS) {
    ending.delete(userId);
    return undefined;
  }
  return at;
}

export class SessionCache {
  private readonly entries = new LRUCache<string, Entry>({ max: MAX_ENTRIES, ttl: CACHE_TTL_MS, updateAgeOnGet: false, ttlAutopurge: false });
  /** userId → performance.now() of its last eviction, to refuse fills that began before it. */
  private readonly evicted = new Map<string, number>();

  /** The cached authentication of `token`, if any may be served at `now`. */
  get(token: string, now: Date): Authenticated | undefined {
    const e = this.entries.get(token);
    if (!e) return undefined;
    if (e.until <= now.getTime() || endingSince(e.auth.user.id) !== undefined) {
      this.entries.delete(token);
      return undefined;
    }
    return e.auth;
  }

  /** Stores what the database said, unless the user's sessions were ended since `startedAt` (performance.now()). */
  set(token: string, auth: Authenticated, startedAt: number): void {
    const mark = endingSince(auth.user.id);
    if (mark !== undefined) return;
    const evictedAt = this.evicted.get(auth.user.id);
    if (evictedAt !== undefined && evictedAt >= startedAt) return;
    this.entries.set(token, { auth, until: auth.expiresAt.getTime() });
  }

  /** A `sessions.ended` event for the user was committed: forget every token of theirs. */
  evictUser(userId: string): void {
    const now = performance.now();
    this.evicted.set(userId, now);
    for (const [token, e] of this.entries.entries()) if (e.auth.user.id === userId) this.entries.delete(token);
    if (this.evicted.size > 1000) for (const [id, at] of this.evicted) if (now - at > CACHE_TTL_MS) this.evicted.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** One cache per database pool (= per app instance; replicas in one test process do not share one). */
const caches = new WeakMap<object, SessionCache>();

export function sessionCacheFor(db: object): SessionCache {
  let c = caches.get(db);
  if (!c) caches.set(db, (c = new SessionCache()));
  return c;
}
