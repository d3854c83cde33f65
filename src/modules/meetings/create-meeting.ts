import type { Deps } from '../../lib/deps.js';
import type { Actor } from '../../lib/actor.js';
import { forbidden } from '../../lib/errors.js';
import { hasRole } from '../../lib/actor.js';
import { recordEvents } from '../events/service.js';
import type { Secrecy } from '../documents/tables.js';
import { meetingEvent } from './audience.js';
import {
  type AgendaInput, type ParticipantInput, type ReadableDocuments,
  checkAgenda, checkLink, checkParticipants, checkPerson, checkPlace, checkTimes, checkTitle, parseTime,
} from './input.js';
import { meetingParticipants, meetings } from './tables.js';

export interface MeetingInput {
  title: string;
  startsAt: string;
  endsAt?: string | null;
  place?: string | null;
  link?: string | null;
  chairUserId?: string | null;
  participants: ParticipantInput[];
  agenda?: AgendaInput[];
  secrecy?: Secrecy;
}

/**
 * A leader or clerk convenes a meeting for their unit (the host): everything is checked before
 * anything is written (an unknown participant, a past start, an end before the start → 400 naming
 * the field), then the meeting, its participants and the `meeting.created` event — the invitation
 * pushed to every participant (`meeting:invited`) — go in one transaction.
 */
export async function createMeeting(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, input: MeetingInput, readable: ReadableDocuments) {
  if (!hasRole(actor, 'leader', 'clerk')) throw forbidden('Chỉ lãnh đạo hoặc văn thư được tạo cuộc họp', 'Only a leader or clerk can convene a meeting');
  const now = deps.clock();
  const title = checkTitle(input.title);
  const startsAt = parseTime(input.startsAt, 'startsAt');
  const endsAt = input.endsAt ? parseTime(input.endsAt, 'endsAt') : null;
  checkTimes(startsAt, endsAt, now);
  const place = checkPlace(input.place);
  const link = checkLink(input.link);
  const chairUserId = input.chairUserId ? (await checkPerson(deps.db, input.chairUserId, 'chairUserId')).id : null;
  const { unitIds, userIds } = await checkParticipants(deps.db, input.participants);
  const agenda = await checkAgenda(deps.db, actor, input.agenda ?? [], readable);
  return deps.db.transaction(async (tx) => {
    const [m] = await tx.insert(meetings).values({
      hostUnitId: actor.unitId, createdBy: actor.userId, title, startsAt, endsAt, place, link, chairUserId,
      secrecy: input.secrecy ?? 'none', agenda, createdAt: now, updatedAt: now,
    }).returning();
    const participants = await tx.insert(meetingParticipants).values([
      ...unitIds.map((unitId) => ({ meetingId: m!.id, unitId })),
      ...userIds.map((userId) => ({ meetingId: m!.id, userId })),
    ]).returning();
    await recordEvents(tx, [meetingEvent('meeting.created', now, actor, m!, participants, {
      invitedUnitIds: unitIds, invitedUserIds: [...new Set([...userIds, ...(chairUserId ? [chairUserId] : [])])],
    })]);
    return m!;
  });
}
