import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { notFound } from '../../lib/errors.js';
import { pushSubscriptions } from './tables.js';

/**
 * A short, language-neutral name for a browser from its User-Agent: "Chrome · Android",
 * "Safari · iPhone", "Edge · Windows" (browser and system names are the same in both languages).
 */
export function deviceLabel(ua: string | null | undefined): string {
  if (!ua) return '?';
  const os = /iPhone/.test(ua) ? 'iPhone' : /iPad/.test(ua) ? 'iPad' : /Android/.test(ua) ? 'Android' : /Windows/.test(ua) ? 'Windows'
    : /CrOS/.test(ua) ? 'ChromeOS' : /Mac OS X|Macintosh/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : null;
  const browser = /Edg(A|iOS)?\//.test(ua) ? 'Edge' : /OPR\/|Opera/.test(ua) ? 'Opera' : /SamsungBrowser/.test(ua) ? 'Samsung Internet'
    : /CocCoc|coc_coc/i.test(ua) ? 'Cốc Cốc' : /Firefox|FxiOS/.test(ua) ? 'Firefox' : /Chrome|CriOS|Chromium/.test(ua) ? 'Chrome'
    : /Safari/.test(ua) ? 'Safari' : null;
  return [browser, os].filter(Boolean).join(' · ') || ua.slice(0, 40);
}

/** The caller's own subscribed browsers, oldest first; `endpoint` (the asking browser's) marks `thisDevice`. */
export async function listOwnSubscriptions(db: DbOrTx, actor: Actor, endpoint?: string) {
  const rows = await db
    .select({ id: pushSubscriptions.id, endpoint: pushSubscriptions.endpoint, userAgent: pushSubscriptions.userAgent, createdAt: pushSubscriptions.createdAt })
    .from(pushSubscriptions)
    .where(eq(pushSubscriptions.userId, actor.userId))
    .orderBy(asc(pushSubscriptions.createdAt), asc(pushSubscriptions.id));
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.createdAt.toISOString(),
    label: deviceLabel(r.userAgent),
    userAgent: r.userAgent,
    thisDevice: Boolean(endpoint) && r.endpoint === endpoint,
  }));
}

/** Stops pushes to one of the caller's browsers (another person's subscription is a 404). */
export async function deleteOwnSubscription(db: DbOrTx, actor: Actor, id: string) {
  const gone = await db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.id, id), eq(pushSubscriptions.userId, actor.userId)))
    .returning({ id: pushSubscriptions.id });
  if (gone.length === 0) throw notFound('Không tìm thấy thiết bị nhận thông báo', 'Push subscription not found');
}
