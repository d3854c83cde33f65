import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import type { Config } from '../../config.js';
import { badRequest } from '../../lib/errors.js';
import { VN_OFFSET_MS } from '../../lib/time.js';
import { notificationSettings } from './tables.js';

/** Events a person may ask to be told of by SMS or email (API: `channels.sms`, `channels.email`). */
export const NOTIFY_EVENTS = ['flash_received', 'flash_escalated', 'due_tomorrow', 'overdue', 'meeting_reminder'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];
/** Hỏa tốc events go out whatever the quiet hours say. */
export const IGNORES_QUIET_HOURS: ReadonlySet<string> = new Set(['flash_received', 'flash_escalated']);

export interface SettingsInput {
  phone?: string | null;
  email?: string | null;
  channels?: { sms?: string[]; email?: string[] };
  quietHours?: { from: string; to: string } | null;
}

/**
 * A Vietnamese mobile number as people write it ("0912 345 678", "+84 912.345.678", "84912345678")
 * → "0912345678"; null when it is not one (ten digits, 03/05/07/08/09).
 */
export function normalisePhone(raw: string): string | null {
  const s = raw.replace(/[\s.\-()]/g, '');
  const m = /^(?:\+?84|0)([35789]\d{8})$/.exec(s);
  return m ? `0${m[1]}` : null;
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The caller's settings, with which channels this installation can send (`available`). */
export async function getSettings(deps: { db: DbOrTx; config: Pick<Config, 'sms' | 'mail'> }, actor: Actor) {
  const [row] = await deps.db.select().from(notificationSettings).where(eq(notificationSettings.userId, actor.userId));
  return present(row, deps.config);
}

/** Replaces the caller's settings; every problem is a 400 naming the field, and nothing is written then. */
export async function putSettings(deps: { db: DbOrTx; config: Pick<Config, 'sms' | 'mail'>; clock: () => Date }, actor: Actor, input: SettingsInput) {
  const phone = input.phone == null || input.phone.trim() === '' ? null : normalisePhone(input.phone);
  if (input.phone != null && input.phone.trim() !== '' && !phone) {
    throw badRequest(`phone: "${input.phone}" không phải số di động Việt Nam (10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09)`, `phone: "${input.phone}" is not a Vietnamese mobile number (ten digits starting 03, 05, 07, 08 or 09)`);
  }
  const email = input.email == null || input.email.trim() === '' ? null : input.email.trim();
  if (email && (email.length > 254 || !EMAIL.test(email))) throw badRequest(`email: "${input.email}" không phải địa chỉ thư điện tử hợp lệ`, `email: "${input.email}" is not a valid email address`);
  const events = (list: string[] | undefined, field: string) => {
    const bad = (list ?? []).filter((e) => !(NOTIFY_EVENTS as readonly string[]).includes(e));
    if (bad.length) throw badRequest(`${field}: sự kiện không có: ${bad.join(', ')} (có: ${NOTIFY_EVENTS.join(', ')})`, `${field}: unknown events ${bad.join(', ')} (known: ${NOTIFY_EVENTS.join(', ')})`);
    return [...new Set(list ?? [])];
  };
  const smsEvents = events(input.channels?.sms, 'channels.sms');
  const emailEvents = events(input.channels?.email, 'channels.email');
  if (smsEvents.length && !phone) throw badRequest('channels.sms: cần số điện thoại để nhận tin nhắn', 'channels.sms: a phone number is needed for SMS');
  if (emailEvents.length && !email) throw badRequest('channels.email: cần địa chỉ thư điện tử để nhận thư', 'channels.email: an email address is needed for email');
  const q = input.quietHours ?? null;
  if (q && (!HHMM.test(q.from) || !HHMM.test(q.to) || q.from === q.to)) {
    throw badRequest('quietHours: cần {from, to} dạng "HH:MM" (giờ Việt Nam), khác nhau, ví dụ {"from": "22:00", "to": "06:00"}', 'quietHours: needs {from, to} as different "HH:MM" times (Vietnam time), e.g. {"from": "22:00", "to": "06:00"}');
  }
  const values = { phone, email, smsEvents, emailEvents, quietFrom: q?.from ?? null, quietTo: q?.to ?? null, updatedAt: deps.clock() };
  const [row] = await deps.db
    .insert(notificationSettings)
    .values({ userId: actor.userId, ...values })
    .onConflictDoUpdate({ target: notificationSettings.userId, set: values })
    .returning();
  return present(row, deps.config);
}

function present(row: typeof notificationSettings.$inferSelect | undefined, config: Pick<Config, 'sms' | 'mail'>) {
  return {
    phone: row?.phone ?? null,
    email: row?.email ?? null,
    channels: { sms: row?.smsEvents ?? [], email: row?.emailEvents ?? [] },
    quietHours: row?.quietFrom && row.quietTo ? { from: row.quietFrom, to: row.quietTo } : null,
    /** Which channels this installation can send (SMS_URL, SMTP_URL set): settings for the others are kept but unused. */
    available: { sms: Boolean(config.sms), email: Boolean(config.mail) },
  };
}

/** Whether `at` falls in the quiet hours `from`–`to` (Vietnam time; a span may cross midnight), and when they end. */
export function quietUntil(at: Date, from: string | null, to: string | null): Date | null {
  if (!from || !to) return null;
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const vn = new Date(at.getTime() + VN_OFFSET_MS);
  const now = vn.getUTCHours() * 60 + vn.getUTCMinutes();
  const f = minutes(from);
  const t = minutes(to);
  const inside = f < t ? now >= f && now < t : now >= f || now < t;
  if (!inside) return null;
  const wait = (t - now + 1440) % 1440;
  const end = new Date(at.getTime() + wait * 60_000);
  end.setUTCSeconds(0, 0);
  return end;
}
