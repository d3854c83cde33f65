import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { notFound } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import { type NewEvent } from '../events/service.js';
import { maySee, type MeetingRow, type ParticipantRow } from './policy.js';
import { meetingParticipants, meetings } from './tables.js';

/** The same 404 for "does not exist" and "not yours". */
export const meetingNotFound = () => notFound('Không tìm thấy cuộc họp', 'Meeting not found');

/** Everyone a meeting event is for: the host unit, the units invited, the persons invited, substitutes and the chair. */
export function audience(m: MeetingRow, participants: ParticipantRow[]): { unitIds: string[]; userIds: string[] } {
  return {
    unitIds: [...new Set([m.hostUnitId, ...participants.flatMap((p) => (p.unitId ? [p.unitId] : []))])],
    userIds: [...new Set([
      ...participants.flatMap((p) => [p.userId, p.substituteUserId].filter((x): x is string => Boolean(x))),
      ...(m.chairUserId ? [m.chairUserId] : []),
    ])],
  };
}

/** The facts every meeting push carries (`{meetingId, title, startsAt}`), plus the host for routing. */
export const meetingFacts = (m: MeetingRow) => ({ meetingId: m.id, title: m.title, startsAt: m.startsAt.toISOString(), hostUnitId: m.hostUnitId, status: m.status });

/** An event about the whole meeting, for its whole audience. */
export function meetingEvent(type: string, at: Date, actor: Actor | null, m: MeetingRow, participants: ParticipantRow[], data: Record<string, unknown> = {}): NewEvent {
  return { type, at, actor, ...audience(m, participants), data: { ...meetingFacts(m), ...data } };
}

/** The meeting and its participants if `actor` may see it (else 404); `forUpdate` locks the meeting row. */
export async function loadMeetingFor(db: DbOrTx, actor: Actor, id: string, opts: { forUpdate?: boolean } = {}): Promise<{ meeting: MeetingRow; participants: ParticipantRow[] }> {
  if (!isUuid(id)) throw meetingNotFound();
  const q = db.select().from(meetings).where(eq(meetings.id, id));
  const [meeting] = opts.forUpdate ? await q.for('update') : await q;
  if (!meeting) throw meetingNotFound();
  const participants = await db.select().from(meetingParticipants).where(eq(meetingParticipants.meetingId, id)).orderBy(asc(meetingParticipants.id));
  if (!maySee(actor, meeting, participants)) throw meetingNotFound();
  return { meeting, participants };
}
