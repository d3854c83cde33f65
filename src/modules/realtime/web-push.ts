import { and, eq, inArray } from 'drizzle-orm';
import webpush from 'web-push';
import type { DbOrTx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import { badRequest } from '../../lib/errors.js';
import type { Actor } from '../../lib/actor.js';
import { appSettings, pushSubscriptions } from './tables.js';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/**
 * The VAPID key pair, generated on first start and kept in the database so every replica signs
 * with the same key (browsers bind a subscription to the public key).
 */
export async function vapidKeys(db: DbOrTx): Promise<VapidKeys> {
  const fresh = webpush.generateVAPIDKeys();
  await db.insert(appSettings).values({ key: 'vapid', value: { ...fresh } }).onConflictDoNothing();
  const [row] = await db.select().from(appSettings).where(eq(appSettings.key, 'vapid'));
  return row!.value as unknown as VapidKeys;
}

export interface SubscriptionInput {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** A browser of this user asks to be woken by pushes; the same endpoint registered again is updated. */
export async function saveSubscription(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, sub: SubscriptionInput, userAgent?: string) {
  const ua = userAgent ? userAgent.slice(0, 400) : null;
  let url: URL;
  try {
    url = new URL(sub.endpoint);
  } catch {
    throw badRequest('endpoint không phải URL', 'endpoint is not a URL');
  }
  // Push services are HTTPS; plain HTTP only to this machine (a local push relay, tests).
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw badRequest('endpoint phải là https', 'endpoint must be https');
  const p256 = Buffer.from(sub.keys.p256dh, 'base64url');
  const auth = Buffer.from(sub.keys.auth, 'base64url');
  if (p256.length !== 65 || p256[0] !== 4 || auth.length !== 16) throw badRequest('Khóa của subscription không hợp lệ', 'Invalid subscription keys');
  const [row] = await deps.db
    .insert(pushSubscriptions)
    .values({ userId: actor.userId, endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth, userAgent: ua, createdAt: deps.clock() })
    .onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: { userId: actor.userId, p256dh: sub.keys.p256dh, auth: sub.keys.auth, userAgent: ua } })
    .returning({ id: pushSubscriptions.id });
  return { id: row!.id };
}

export async function deleteSubscription(db: DbOrTx, actor: Actor, endpoint: string) {
  await db.delete(pushSubscriptions).where(and(eq(pushSubscriptions.userId, actor.userId), eq(pushSubscriptions.endpoint, endpoint)));
}

/**
 * Sends a visible notification to every subscribed browser of these users. Gone subscriptions
 * (404/410) are removed; other failures are logged and do not stop the rest.
 */
export async function notifyUsers(
  deps: Pick<Deps, 'db' | 'log' | 'config'>,
  keys: VapidKeys,
  userIds: string[],
  message: { title: string; body: string; tag: string; url: string },
): Promise<number> {
  if (userIds.length === 0) return 0;
  const subs = await deps.db.select().from(pushSubscriptions).where(inArray(pushSubscriptions.userId, userIds));
  let sent = 0;
  await Promise.all(subs.map(async (s) => {
    try {
      // web-push encrypts (RFC 8291) and signs (VAPID); we send the request ourselves so one
      // HTTP client with a timeout serves every push service.
      const req = webpush.generateRequestDetails(
        { endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } },
        JSON.stringify({ ...message, requireInteraction: true, renotify: true }),
        { TTL: 3600, urgency: 'high', vapidDetails: { subject: deps.config.vapidSubject, publicKey: keys.publicKey, privateKey: keys.privateKey } },
      );
      const res = await fetch(req.endpoint, { method: req.method, headers: req.headers as Record<string, string>, body: new Uint8Array(req.body as Buffer), signal: AbortSignal.timeout(10_000) });
      if (res.ok) sent++;
      else if (res.status === 404 || res.status === 410) await deps.db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, s.id));
      else deps.log.warn({ status: res.status, endpoint: new URL(s.endpoint).origin }, 'web push refused');
    } catch (err) {
      deps.log.warn({ err: (err as Error).message, endpoint: new URL(s.endpoint).origin }, 'web push failed');
    }
  }));
  return sent;
}
