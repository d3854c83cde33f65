import type { Actor } from '../../lib/actor.js';
import type { Deps } from '../../lib/deps.js';
import { badRequest, conflict, forbidden } from '../../lib/errors.js';
import { recordEvents } from '../events/service.js';
import { loadMeetingFor, meetingFacts } from './audience.js';
import { mayComment } from './policy.js';
import { meetingComments } from './tables.js';

/**
 * Góp ý dự thảo: a participant (or the chair, or the host) comments on an agenda item's draft. The
 * comments are collected for the host (GET /api/meetings/:id shows them all to the host unit and the
 * chair; a participant sees its own side's). The host is told (`meeting:updated`, event `commented`).
 */
export async function commentOnMeeting(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, id: string, input: { agendaIndex: number; text: string }) {
  const now = deps.clock();
  const text = input.text.normalize('NFC').trim();
  if (!text) throw badRequest('text: cần nội dung góp ý', 'text: is required');
  return deps.db.transaction(async (tx) => {
    const { meeting: m, participants } = await loadMeetingFor(tx, actor, id);
    if (m.status === 'cancelled') throw conflict('Cuộc họp đã bị hủy', 'The meeting is cancelled');
    if (!mayComment(actor, m, participants)) throw forbidden('Không có quyền góp ý', 'Not allowed to comment');
    if (!Number.isInteger(input.agendaIndex) || input.agendaIndex < 0 || input.agendaIndex >= m.agenda.length) {
      throw badRequest(`agendaIndex: chương trình họp có ${m.agenda.length} mục (từ 0)`, `agendaIndex: the agenda has ${m.agenda.length} items (from 0)`);
    }
    const [c] = await tx.insert(meetingComments).values({ meetingId: m.id, agendaIndex: input.agendaIndex, userId: actor.userId, unitId: actor.unitId, text, createdAt: now }).returning();
    await recordEvents(tx, [{
      type: 'meeting.commented', at: now, actor, unitIds: [m.hostUnitId], userIds: [actor.userId, ...(m.chairUserId ? [m.chairUserId] : [])],
      data: { ...meetingFacts(m), commentId: c!.id, agendaIndex: input.agendaIndex },
    }]);
    return { id: c!.id, agendaIndex: c!.agendaIndex, text: c!.text, createdAt: c!.createdAt.toISOString(), userId: c!.userId, unitId: c!.unitId };
  });
}
