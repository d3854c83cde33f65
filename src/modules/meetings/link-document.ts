import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import type { Deps } from '../../lib/deps.js';
import { badRequest, forbidden } from '../../lib/errors.js';
import { recordEvents } from '../events/service.js';
import { loadMeetingFor, meetingEvent } from './audience.js';
import type { LinkedDocument, ReadableDocuments } from './input.js';
import { mayManage, type MeetingRow, type ParticipantRow } from './policy.js';
import { type MeetingDocumentRole, meetings, meetingTasks } from './tables.js';

/** The document types each role takes: giấy mời; biên bản; thông báo (kết luận) or a Party kết luận. */
export const ROLE_TYPES: Record<MeetingDocumentRole, string[]> = { invitation: ['GM'], minutes: ['BB'], conclusion: ['TB', 'KL'] };
const COLUMN = { invitation: 'invitationDocumentId', minutes: 'minutesDocumentId', conclusion: 'conclusionDocumentId' } as const;

export const notHost = () => forbidden('Chỉ lãnh đạo hoặc văn thư của đơn vị chủ trì', 'Only a leader or clerk of the host unit');

/** Checks a document for a role: the host's own (drafted or issued by the host unit), of the role's type. */
export function checkMeetingDocument(m: MeetingRow, role: MeetingDocumentRole, doc: LinkedDocument | undefined): void {
  if (!doc || doc.issuerUnitId !== m.hostUnitId) throw badRequest('documentId: không tìm thấy văn bản của đơn vị chủ trì', 'documentId: no such document of the host unit');
  if (!ROLE_TYPES[role].includes(doc.type)) {
    throw badRequest(`documentId: ${role} phải là văn bản loại ${ROLE_TYPES[role].join(' hoặc ')}`, `documentId: the ${role} must be of type ${ROLE_TYPES[role].join(' or ')}`);
  }
}

/** Inside the caller's transaction: the meeting's invitation, minutes or conclusion is now this document (replacing one linked before). */
export async function setMeetingDocument(tx: Tx, actor: Actor, m: MeetingRow, participants: ParticipantRow[], role: MeetingDocumentRole, documentId: string, at: Date): Promise<MeetingRow> {
  const [updated] = await tx.update(meetings).set({ [COLUMN[role]]: documentId, updatedAt: at }).where(eq(meetings.id, m.id)).returning();
  await recordEvents(tx, [meetingEvent('meeting.documents_linked', at, actor, updated!, participants, { role, documentId })]);
  return updated!;
}

/**
 * The host links a document of its own issued through the normal flow (numbered, signed,
 * dispatched, tracked there): the giấy mời (GM), the biên bản (BB) or the thông báo kết luận (TB, or
 * a Party KL). A draft may be linked before it is issued; the meeting shows its status.
 */
export async function linkMeetingDocument(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, id: string, input: { documentId: string; role: MeetingDocumentRole }, readable: ReadableDocuments) {
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const { meeting: m, participants } = await loadMeetingFor(tx, actor, id, { forUpdate: true });
    if (!mayManage(actor, m)) throw notHost();
    const doc = (await readable(tx, actor, [input.documentId])).get(input.documentId);
    checkMeetingDocument(m, input.role, doc);
    return setMeetingDocument(tx, actor, m, participants, input.role, input.documentId, at);
  });
}

/** Inside the caller's transaction: these assignments are the meeting's conclusion tasks. */
export async function recordMeetingTasks(tx: Tx, actor: Actor, m: MeetingRow, participants: ParticipantRow[], assignmentIds: string[], at: Date): Promise<void> {
  if (assignmentIds.length === 0) return;
  await tx.insert(meetingTasks).values(assignmentIds.map((assignmentId) => ({ meetingId: m.id, assignmentId, createdAt: at })));
  await recordEvents(tx, [meetingEvent('meeting.tasks_assigned', at, actor, m, participants, { assignmentIds })]);
}
