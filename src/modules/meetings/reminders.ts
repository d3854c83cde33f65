import { and, eq, gt, inArray, lte, or, sql } from 'drizzle-orm';
import type { Deps } from '../../lib/deps.js';
import { recordEvents, type NewEvent } from '../events/service.js';
import { leadersOfUnits } from '../orgs/users.js';
import { audience, meetingFacts } from './audience.js';
import { meetingParticipants, meetings } from './tables.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export interface MeetingReminderOutcome {
  reminded: number;
  /** Web Push to send after commit (jobs/workers.ts). */
  notify: Array<{ userIds: string[]; title: string; body: string; tag: string; url: string }>;
}

/**
 * Reminders the day before (from 24 h before the start) and an hour before, once each: due meetings
 * are claimed with SKIP LOCKED and the start time a reminder went out for is written in the same
 * transaction as its `meeting.reminder` event — however many replicas tick, and across restarts,
 * each goes once; moving the meeting makes them due again. A meeting already within the hour gets
 * only the hour's. The event names the people to remind personally (SMS/email by their settings,
 * jobs/notify.ts; Web Push): persons invited, substitutes sent, the leaders of units invited
 * (not those that sent a substitute), the chair and the convener — not those who declined. The
 * socket push (`meeting:reminder`) goes to every room the event names.
 */
export async function runMeetingReminders(deps: Pick<Deps, 'db' | 'clock'>): Promise<MeetingReminderOutcome> {
  const now = deps.clock();
  const inHour = new Date(now.getTime() + HOUR);
  const inDay = new Date(now.getTime() + DAY);
  return deps.db.transaction(async (tx) => {
    const due = await tx.select().from(meetings).where(and(
      eq(meetings.status, 'scheduled'), gt(meetings.startsAt, now), lte(meetings.startsAt, inDay),
      or(
        sql`${meetings.dayReminderFor} is distinct from ${meetings.startsAt}`,
        and(lte(meetings.startsAt, inHour), sql`${meetings.hourReminderFor} is distinct from ${meetings.startsAt}`),
      ),
    )).orderBy(meetings.startsAt).limit(200).for('update', { skipLocked: true });
    const out: MeetingReminderOutcome = { reminded: 0, notify: [] };
    if (due.length === 0) return out;
    const parts = await tx.select().from(meetingParticipants).where(inArray(meetingParticipants.meetingId, due.map((m) => m.id)));
    const leaders = await leadersOfUnits(tx, [...new Set(parts.flatMap((p) => (p.unitId && p.answer !== 'substitute' ? [p.unitId] : [])))]);
    const events: NewEvent[] = [];
    for (const m of due) {
      const kind = m.startsAt.getTime() <= inHour.getTime() ? 'hour' : 'day';
      await tx.update(meetings).set(kind === 'hour' ? { hourReminderFor: m.startsAt, dayReminderFor: m.startsAt } : { dayReminderFor: m.startsAt }).where(eq(meetings.id, m.id));
      const ps = parts.filter((p) => p.meetingId === m.id);
      const people = [...new Set([
        ...ps.filter((p) => p.answer !== 'no').flatMap((p) => (p.substituteUserId ? [p.substituteUserId] : p.userId ? [p.userId] : leaders.get(p.unitId!) ?? [])),
        ...(m.chairUserId ? [m.chairUserId] : []), m.createdBy,
      ])];
      const { unitIds } = audience(m, ps);
      events.push({ type: 'meeting.reminder', at: now, actor: null, unitIds, userIds: people, data: { ...meetingFacts(m), kind } });
      const when = m.startsAt.toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });
      out.notify.push({ userIds: people, title: kind === 'hour' ? `Sắp họp (${when})` : `Nhắc lịch họp ngày mai (${when})`, body: m.title, tag: `meeting-${m.id}-${kind}`, url: `/#/meetings/${m.id}` });
      out.reminded++;
    }
    await recordEvents(tx, events);
    return out;
  });
}
