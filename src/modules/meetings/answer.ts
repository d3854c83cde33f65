import { and, eq } from 'drizzle-orm';
import type { Actor } from '../../lib/actor.js';
import type { Deps } from '../../lib/deps.js';
import { badRequest, conflict, forbidden } from '../../lib/errors.js';
import { recordEvents, type NewEvent } from '../events/service.js';
import { units } from '../orgs/tables.js';
import { loadMeetingFor, meetingFacts } from './audience.js';
import { checkPerson } from './input.js';
import { mayAnswer, participationsOf, type ParticipantRow } from './policy.js';
import { meetingParticipants, type RsvpAnswer } from './tables.js';

export interface RsvpInput { answer: RsvpAnswer; substituteUserId?: string | null; unitId?: string }

/** Which of the caller's participations an act is about: the unit named, else the personal invitation, else the unit's. */
export function pickParticipation(actor: Actor, participants: ParticipantRow[], unitId?: string): ParticipantRow | undefined {
  const mine = participationsOf(actor, participants);
  if (unitId) return mine.find((p) => p.unitId === unitId);
  return mine.find((p) => p.userId === actor.userId) ?? mine.find((p) => p.unitId === actor.unitId) ?? mine[0];
}

/**
 * A participant answers: yes, no, or a substitute sent instead (a person of the participant's unit or
 * of one of its departments). A unit is answered by its leader or clerk; a person answers for themself.
 * Until the meeting starts; answering again replaces the answer. The host sees it (`meeting:updated`),
 * and a substitute is invited personally (`meeting:invited`).
 */
export async function answerMeeting(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, id: string, input: RsvpInput) {
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const { meeting: m, participants } = await loadMeetingFor(tx, actor, id, { forUpdate: true });
    const p = pickParticipation(actor, participants, input.unitId);
    if (!p) {
      throw forbidden('Chỉ thành phần được mời mới trả lời giấy mời', 'Only an invited participant can answer');
    }
    if (!mayAnswer(actor, p)) throw forbidden('Lãnh đạo hoặc văn thư của đơn vị được mời trả lời thay đơn vị', 'A leader or clerk of the invited unit answers for it');
    if (m.status === 'cancelled') throw conflict('Cuộc họp đã bị hủy', 'The meeting is cancelled');
    if (now.getTime() >= m.startsAt.getTime()) throw conflict('Cuộc họp đã bắt đầu', 'The meeting has started');
    let substitute: string | null = null;
    if (input.answer === 'substitute') {
      if (!input.substituteUserId) throw badRequest('substituteUserId: cần người đi thay', 'substituteUserId: is required for a substitute');
      const s = await checkPerson(tx, input.substituteUserId, 'substituteUserId');
      const home = p.unitId ?? (await checkPerson(tx, p.userId!, 'userId')).unitId;
      const [su] = await tx.select({ id: units.id, parentId: units.parentId }).from(units).where(eq(units.id, s.unitId));
      if (s.unitId !== home && su?.parentId !== home) {
        throw badRequest('substituteUserId: người đi thay phải thuộc đơn vị được mời', 'substituteUserId: the substitute must belong to the invited unit');
      }
      substitute = s.id;
    } else if (input.substituteUserId) {
      throw badRequest('substituteUserId: chỉ dùng khi cử người đi thay', 'substituteUserId: only with answer "substitute"');
    }
    const [row] = await tx.update(meetingParticipants).set({ answer: input.answer, substituteUserId: substitute, answeredBy: actor.userId, answeredAt: now })
      .where(and(eq(meetingParticipants.id, p.id), eq(meetingParticipants.meetingId, m.id))).returning();
    const facts = meetingFacts(m);
    const events: NewEvent[] = [{
      type: 'meeting.answered', at: now, actor,
      unitIds: [m.hostUnitId, ...(p.unitId ? [p.unitId] : [])], userIds: [...(p.userId ? [p.userId] : []), ...(substitute ? [substitute] : [])],
      data: { ...facts, participantId: p.id, unitId: p.unitId, userId: p.userId, answer: input.answer, substituteUserId: substitute },
    }];
    if (substitute && substitute !== p.substituteUserId) {
      events.push({ type: 'meeting.invited', at: now, actor, unitIds: [m.hostUnitId], userIds: [substitute], data: { ...facts, invitedUnitIds: [], invitedUserIds: [substitute], substituteFor: p.id } });
    }
    await recordEvents(tx, events);
    return row!;
  });
}
