import { and, eq, inArray, ne } from 'drizzle-orm';
import type { Actor } from '../lib/actor.js';
import { hasRole } from '../lib/actor.js';
import type { Deps } from '../lib/deps.js';
import { badRequest, conflict, forbidden } from '../lib/errors.js';
import { vnDate } from '../lib/time.js';
import { createDraftRow } from '../modules/documents/create-draft.js';
import { deliveries } from '../modules/dispatch/tables.js';
import { assignConclusionTasks } from '../modules/handling/conclusion-tasks.js';
import { loadMeetingFor } from '../modules/meetings/audience.js';
import { notHost, recordMeetingTasks, setMeetingDocument } from '../modules/meetings/link-document.js';
import { mayManage } from '../modules/meetings/policy.js';
import { users } from '../modules/orgs/tables.js';
import { withDelegations } from '../modules/orgs/delegations.js';
import { documentWithCan } from './document-can.js';

/**
 * Giấy mời: a draft GM of the host unit addressed to the units invited (and the units of the persons
 * invited from outside the host), created and linked to the meeting in one transaction. From there
 * the normal flow numbers, signs, dispatches and tracks it; the meeting shows its status.
 */
export async function draftMeetingInvitation(deps: Deps, actor: Actor, id: string, input: { signerId?: string | null; subject?: string }) {
  const { meeting: m, participants } = await loadMeetingFor(deps.db, actor, id);
  if (!mayManage(actor, m)) throw notHost();
  if (m.status === 'cancelled') throw conflict('Cuộc họp đã bị hủy', 'The meeting is cancelled');
  if (m.invitationDocumentId) throw conflict('Cuộc họp đã có giấy mời', 'The meeting already has an invitation');
  const personal = participants.flatMap((p) => (p.userId ? [p.userId] : []));
  const personalUnits = personal.length ? (await deps.db.select({ unitId: users.unitId }).from(users).where(inArray(users.id, personal))).map((u) => u.unitId) : [];
  const recipients = [...new Set([...participants.flatMap((p) => (p.unitId ? [p.unitId] : [])), ...personalUnits])].filter((u) => u !== m.hostUnitId);
  const when = m.startsAt.toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });
  const doc = await createDraftRow(deps, actor, {
    type: 'GM', subject: input.subject?.trim() || `Mời dự ${m.title} (${when}${m.place ? `, ${m.place}` : ''})`.slice(0, 500),
    recipients, secrecy: m.secrecy as never, signerId: input.signerId ?? null,
  }, async (tx, row) => {
    const { meeting: locked, participants: ps } = await loadMeetingFor(tx, actor, id, { forUpdate: true });
    if (locked.invitationDocumentId) throw conflict('Cuộc họp đã có giấy mời', 'The meeting already has an invitation');
    await setMeetingDocument(tx, actor, locked, ps, 'invitation', row.id, deps.clock());
  });
  return documentWithCan(deps, await withDelegations(deps.db, actor, deps.clock()), doc);
}

export interface TaskInput { unitId?: string; userId?: string; text: string; dueDate: string }

/**
 * The conclusion's tasks (after the thông báo kết luận is issued to the units concerned): each task
 * to a unit, or a person, becomes an assignment on that unit's copy of the conclusion with its
 * deadline — in the unit's work list, reminded and tracked like any other; the meeting lists them
 * with their status. A host leader's act; everything is checked before anything is written.
 */
export async function assignMeetingTasks(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, id: string, tasks: TaskInput[]) {
  const at = deps.clock();
  const today = vnDate(at);
  return deps.db.transaction(async (tx) => {
    const { meeting: m, participants } = await loadMeetingFor(tx, actor, id, { forUpdate: true });
    if (!mayManage(actor, m) || !hasRole(actor, 'leader')) throw forbidden('Chỉ lãnh đạo đơn vị chủ trì giao nhiệm vụ', 'Only a leader of the host unit assigns the tasks');
    const conclusion = m.conclusionDocumentId;
    if (!conclusion) throw conflict('Cần liên kết thông báo kết luận trước (POST /api/meetings/:id/documents)', 'Link the conclusion first (POST /api/meetings/:id/documents)');
    const copies = await tx.select({ id: deliveries.id, unitId: deliveries.recipientUnitId }).from(deliveries)
      .where(and(eq(deliveries.documentId, conclusion), ne(deliveries.status, 'recalled')));
    if (copies.length === 0) throw conflict('Thông báo kết luận chưa được ban hành tới đơn vị nào', 'The conclusion has not been issued to any unit');
    const copyOf = new Map(copies.map((c) => [c.unitId, c.id]));
    const rows = [];
    for (const [i, t] of tasks.entries()) {
      if (Boolean(t.unitId) === Boolean(t.userId)) throw badRequest(`tasks[${i}]: cần đúng một trong unitId hoặc userId`, `tasks[${i}]: needs exactly one of unitId or userId`);
      const text = t.text.normalize('NFC').trim();
      if (!text) throw badRequest(`tasks[${i}].text: cần nội dung nhiệm vụ`, `tasks[${i}].text: is required`);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(t.dueDate) || Number.isNaN(Date.parse(t.dueDate))) throw badRequest(`tasks[${i}].dueDate: ngày không hợp lệ`, `tasks[${i}].dueDate: invalid date`);
      if (t.dueDate < today) throw badRequest(`tasks[${i}].dueDate: hạn đã qua`, `tasks[${i}].dueDate: the deadline is in the past`);
      let unitId: string;
      if (t.unitId) {
        unitId = t.unitId;
        if (!copyOf.has(unitId)) throw badRequest(`tasks[${i}].unitId: đơn vị không nhận thông báo kết luận`, `tasks[${i}].unitId: the unit did not receive the conclusion`);
      } else {
        const [u] = await tx.select({ unitId: users.unitId }).from(users).where(and(eq(users.id, t.userId!), eq(users.disabled, false)));
        if (!u || !copyOf.has(u.unitId)) throw badRequest(`tasks[${i}].userId: người này không thuộc đơn vị nhận thông báo kết luận`, `tasks[${i}].userId: the person's unit did not receive the conclusion`);
        unitId = u.unitId;
      }
      rows.push({
        deliveryId: copyOf.get(unitId)!, documentId: conclusion, unitId, assigneeUnitId: t.unitId ?? null, assigneeUserId: t.userId ?? null, direction: text, dueDate: t.dueDate,
      });
    }
    const created = await assignConclusionTasks(tx, actor, at, m.hostUnitId, rows);
    await recordMeetingTasks(tx, actor, m, participants, created.map((c) => c.id), at);
    return created;
  });
}
