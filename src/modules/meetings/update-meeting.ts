import { eq, inArray, sql } from 'drizzle-orm';
import type { Actor } from '../../lib/actor.js';
import type { Deps } from '../../lib/deps.js';
import { badRequest, conflict, forbidden } from '../../lib/errors.js';
import { recordEvents, type NewEvent } from '../events/service.js';
import { audience, loadMeetingFor, meetingEvent, meetingFacts } from './audience.js';
import {
  type AgendaInput, type ParticipantInput, type ReadableDocuments,
  checkAgenda, checkLink, checkParticipants, checkPlace, checkTimes, checkTitle, parseTime,
} from './input.js';
import { mayManage } from './policy.js';
import { meetingComments, meetingFiles, meetingParticipants, meetings } from './tables.js';

export interface MeetingPatchInput {
  title?: string;
  startsAt?: string;
  endsAt?: string | null;
  place?: string | null;
  link?: string | null;
  agenda?: AgendaInput[];
  /** Participants to add. */
  participants?: ParticipantInput[];
  cancelled?: true;
  reason?: string;
}

const notHost = () => forbidden('Chỉ lãnh đạo hoặc văn thư của đơn vị chủ trì được sửa cuộc họp', 'Only a leader or clerk of the host unit can change the meeting');

/**
 * The host changes time, place, link, title or agenda, adds participants, or cancels. One
 * transaction: the row, the new participants and the events — `meeting.changed` (pushed to everyone:
 * `meeting:changed`, with the fields that changed) and, for those added, `meeting.invited`. A new
 * start must lie ahead; moving the start makes the reminders due again (they remember the start they
 * were sent for). Agenda items keep their index (papers and comments hang on it): the agenda may
 * grow or be renamed, but an item with papers or comments cannot be dropped (409).
 */
export async function updateMeeting(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, id: string, input: MeetingPatchInput, readable: ReadableDocuments) {
  const now = deps.clock();
  const agenda = input.agenda ? await checkAgenda(deps.db, actor, input.agenda, readable) : null;
  const added = input.participants?.length ? await checkParticipants(deps.db, input.participants) : null;
  return deps.db.transaction(async (tx) => {
    const { meeting: m, participants } = await loadMeetingFor(tx, actor, id, { forUpdate: true });
    if (!mayManage(actor, m)) throw notHost();
    if (m.status === 'cancelled') throw conflict('Cuộc họp đã bị hủy', 'The meeting is cancelled');
    const set: Partial<typeof meetings.$inferInsert> = {};
    const changes: string[] = [];
    if (input.title !== undefined) {
      const t = checkTitle(input.title);
      if (t !== m.title) { set.title = t; changes.push('title'); }
    }
    const startsAt = input.startsAt !== undefined ? parseTime(input.startsAt, 'startsAt') : m.startsAt;
    const endsAt = input.endsAt !== undefined ? (input.endsAt ? parseTime(input.endsAt, 'endsAt') : null) : m.endsAt;
    if (startsAt.getTime() !== m.startsAt.getTime()) {
      checkTimes(startsAt, endsAt, now);
      set.startsAt = startsAt;
      changes.push('startsAt');
    } else if (endsAt && endsAt.getTime() <= startsAt.getTime()) {
      throw badRequest('endsAt: thời gian kết thúc phải sau thời gian bắt đầu', 'endsAt: must be after startsAt');
    }
    if ((endsAt?.getTime() ?? null) !== (m.endsAt?.getTime() ?? null)) { set.endsAt = endsAt; changes.push('endsAt'); }
    if (input.place !== undefined) {
      const p = checkPlace(input.place);
      if (p !== m.place) { set.place = p; changes.push('place'); }
    }
    if (input.link !== undefined) {
      const l = checkLink(input.link);
      if (l !== m.link) { set.link = l; changes.push('link'); }
    }
    if (agenda) {
      if (agenda.length < m.agenda.length) {
        const [used] = await tx.execute<{ i: number }>(sql`
          select max(agenda_index) as i from (
            select agenda_index from ${meetingFiles} where meeting_id = ${m.id}
            union all select agenda_index from ${meetingComments} where meeting_id = ${m.id}) x`);
        if (used?.i !== null && used?.i !== undefined && Number(used.i) >= agenda.length) {
          throw conflict(`agenda: mục ${Number(used.i) + 1} đã có tài liệu hoặc góp ý nên không bỏ được`, `agenda: item ${Number(used.i) + 1} has papers or comments and cannot be dropped`);
        }
      }
      if (JSON.stringify(agenda) !== JSON.stringify(m.agenda)) { set.agenda = agenda; changes.push('agenda'); }
    }
    if (input.cancelled) { set.status = 'cancelled'; changes.push('status'); }
    const events: NewEvent[] = [];
    let all = participants;
    if (added) {
      const haveUnits = new Set(participants.map((p) => p.unitId));
      const haveUsers = new Set(participants.map((p) => p.userId));
      const rows = [
        ...added.unitIds.filter((u) => !haveUnits.has(u)).map((unitId) => ({ meetingId: m.id, unitId })),
        ...added.userIds.filter((u) => !haveUsers.has(u)).map((userId) => ({ meetingId: m.id, userId })),
      ];
      if (rows.length) {
        const inserted = await tx.insert(meetingParticipants).values(rows).returning();
        all = [...participants, ...inserted];
        changes.push('participants');
        const next = { ...m, ...set };
        const who = audience(next, inserted);
        events.push({
          type: 'meeting.invited', at: now, actor, unitIds: [m.hostUnitId, ...who.unitIds], userIds: who.userIds,
          data: { ...meetingFacts(next), invitedUnitIds: inserted.flatMap((p) => (p.unitId ? [p.unitId] : [])), invitedUserIds: inserted.flatMap((p) => (p.userId ? [p.userId] : [])) },
        });
      }
    }
    if (changes.length === 0) return m;
    const [updated] = await tx.update(meetings).set({ ...set, updatedAt: now }).where(eq(meetings.id, m.id)).returning();
    const changed = changes.filter((c) => c !== 'participants');
    if (changed.length) {
      events.unshift(meetingEvent('meeting.changed', now, actor, updated!, all, {
        changes: changed, ...(input.cancelled ? { reason: input.reason?.trim() || null } : {}),
        previous: { startsAt: m.startsAt.toISOString(), place: m.place, link: m.link },
      }));
    }
    await recordEvents(tx, events);
    return updated!;
  });
}

/** The participant rows of these ids (answers and attendance work on one). */
export async function participantRows(db: Pick<Deps, 'db'>['db'], ids: string[]) {
  return ids.length ? db.select().from(meetingParticipants).where(inArray(meetingParticipants.id, ids)) : [];
}
