import { eq } from 'drizzle-orm';
import type { Actor } from '../../lib/actor.js';
import type { Deps } from '../../lib/deps.js';
import { badRequest, conflict, forbidden } from '../../lib/errors.js';
import { recordEvents } from '../events/service.js';
import { users } from '../orgs/tables.js';
import { loadMeetingFor, meetingFacts } from './audience.js';
import { pickParticipation } from './answer.js';
import { attendanceOpen, mayManage, type ParticipantRow } from './policy.js';
import { meetingParticipants } from './tables.js';

export interface AttendanceInput { userId?: string; unitId?: string; present?: boolean }

/**
 * Điểm danh, from 30 minutes before the start to the end: a participant taps "Có mặt" for themself
 * (no body, or their own userId) — for a unit participant the unit is marked present with who came;
 * the host's leader or clerk marks others by `unitId` (a participant unit) or `userId` (a person
 * invited, a substitute, or a member of a participant unit). The host sees it (`meeting:updated`).
 */
export async function takeAttendance(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, id: string, input: AttendanceInput) {
  const now = deps.clock();
  const present = input.present ?? true;
  if (input.userId && input.unitId) throw badRequest('userId: chỉ một trong userId hoặc unitId', 'userId: only one of userId or unitId');
  return deps.db.transaction(async (tx) => {
    const { meeting: m, participants } = await loadMeetingFor(tx, actor, id, { forUpdate: true });
    if (m.status === 'cancelled') throw conflict('Cuộc họp đã bị hủy', 'The meeting is cancelled');
    if (!attendanceOpen(m, now)) throw conflict('Chỉ điểm danh từ 30 phút trước giờ họp đến khi kết thúc', 'Attendance opens 30 minutes before the start and closes at the end');
    const self = (!input.userId && !input.unitId) || input.userId === actor.userId;
    let target: ParticipantRow | undefined;
    let who: string | null;
    if (self) {
      target = pickParticipation(actor, participants);
      if (!target) throw forbidden('Chỉ thành phần được mời mới điểm danh', 'Only an invited participant can check in');
      who = actor.userId;
    } else {
      if (!mayManage(actor, m)) throw forbidden('Chỉ đơn vị chủ trì điểm danh người khác', 'Only the host marks others present');
      if (input.unitId) {
        target = participants.find((p) => p.unitId === input.unitId);
        if (!target) throw badRequest('unitId: đơn vị không được mời họp', 'unitId: the unit is not invited');
        who = null;
      } else {
        const [u] = await tx.select({ unitId: users.unitId }).from(users).where(eq(users.id, input.userId!));
        target = participants.find((p) => p.userId === input.userId) ?? participants.find((p) => p.substituteUserId === input.userId)
          ?? (u ? participants.find((p) => p.unitId === u.unitId) : undefined);
        if (!target) throw badRequest('userId: người này không được mời họp', 'userId: this person is not invited');
        who = input.userId!;
      }
    }
    const [row] = await tx.update(meetingParticipants).set({
      present, presentUserId: present ? who ?? target.presentUserId : null, attendanceBy: actor.userId, attendanceAt: now,
    }).where(eq(meetingParticipants.id, target.id)).returning();
    await recordEvents(tx, [{
      type: 'meeting.attendance', at: now, actor, unitIds: [m.hostUnitId, ...(target.unitId ? [target.unitId] : [])], userIds: target.userId ? [target.userId] : [],
      data: { ...meetingFacts(m), participantId: target.id, present, presentUserId: row!.presentUserId },
    }]);
    return row!;
  });
}
