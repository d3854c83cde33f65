import { and, desc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import type { Actor } from '../../lib/actor.js';
import { badRequest, conflict, forbidden } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import { recordEvents } from '../events/service.js';
import { events } from '../events/tables.js';
import { users } from '../orgs/tables.js';
import { getUser, peopleOfUnits } from '../orgs/users.js';
import { authorInIssuer, loadDraftFor } from './access.js';
import { byDepartment, canApprove, canReturn, reachedIssuer } from './policy.js';
import { type DocumentRow, presentDocument } from './present.js';
import { documentFileVersions, documentFiles, documents, type FlowState } from './tables.js';

/** Events of trình ký: each is a row of the draft's timeline, with the comment and the names. */
export const FLOW_EVENTS = ['document.submitted', 'document.approved', 'document.returned', 'document.commented'] as const;

const fullName = async (db: DbOrTx, id: string) => (await getUser(db, id))?.fullName ?? '';

/**
 * Everyone who may see the draft in the state it is now in (policy.mayReadDraft): the author,
 * whoever it awaits, the drafting department's leaders (drafted by a department), the issuer's
 * leaders and clerks (written inside the issuer, or handed to it). Who gets `draft:updated`.
 */
export async function draftAudience(db: DbOrTx, doc: DocumentRow): Promise<string[]> {
  const out = new Set<string>([doc.createdBy]);
  if (doc.awaitingUserId) out.add(doc.awaitingUserId);
  if (byDepartment(doc)) for (const id of (await peopleOfUnits(db, [doc.draftingUnitId!], 'leader')).get(doc.draftingUnitId!) ?? []) out.add(id);
  if (doc.status !== 'draft' || reachedIssuer(doc) || (await authorInIssuer(db, doc))) {
    const [leaders, clerks] = await Promise.all([peopleOfUnits(db, [doc.issuerUnitId], 'leader'), peopleOfUnits(db, [doc.issuerUnitId], 'clerk')]);
    for (const id of [...(leaders.get(doc.issuerUnitId) ?? []), ...(clerks.get(doc.issuerUnitId) ?? [])]) out.add(id);
  }
  return [...out];
}

const unitsOf = (doc: DocumentRow) => [...new Set([doc.issuerUnitId, ...(doc.draftingUnitId ? [doc.draftingUnitId] : [])])];

function cleanComment(raw: string | undefined, required: boolean): string | null {
  const text = (raw ?? '').normalize('NFC').trim();
  if (!text) {
    if (required) throw badRequest('Cần ghi ý kiến (1 đến 2000 ký tự)', 'A comment is required (1 to 2000 characters)');
    return null;
  }
  if (text.length > 2000) throw badRequest('Ý kiến tối đa 2000 ký tự', 'A comment has at most 2000 characters');
  return text;
}

/**
 * Whom a draft may go to: an active leader of the issuing unit (→ signing), or — for `submit` of a
 * draft of a department — an active leader of that department (→ review). Else a 400 naming why.
 */
async function targetState(db: DbOrTx, actor: Actor, doc: DocumentRow, toUserId: string, allowReview: boolean): Promise<{ state: FlowState; name: string }> {
  const to = isUuid(toUserId) ? await getUser(db, toUserId) : undefined;
  if (!to || to.disabled) throw badRequest('Người nhận (toUserId) không tồn tại hoặc đã bị khóa', 'The person to hand the draft to (toUserId) does not exist or is disabled');
  if (to.id === actor.userId) throw badRequest('Không thể chuyển dự thảo cho chính mình', 'You cannot hand the draft to yourself');
  if (!to.roles.includes('leader')) throw badRequest(`${to.fullName} không phải lãnh đạo`, `${to.fullName} is not a leader`);
  if (to.unitId === doc.issuerUnitId) return { state: 'signing', name: to.fullName };
  if (allowReview && byDepartment(doc) && to.unitId === doc.draftingUnitId) return { state: 'review', name: to.fullName };
  throw badRequest(
    allowReview && byDepartment(doc)
      ? `${to.fullName} không phải lãnh đạo của phòng soạn thảo hay của đơn vị ban hành`
      : `${to.fullName} không phải lãnh đạo của đơn vị ban hành`,
    allowReview && byDepartment(doc)
      ? `${to.fullName} is not a leader of the drafting department or of the issuing unit`
      : `${to.fullName} is not a leader of the issuing unit`,
  );
}

async function move(tx: Tx, doc: DocumentRow, set: { flowState: FlowState; awaitingUserId: string | null }, at: Date): Promise<DocumentRow> {
  const [row] = await tx.update(documents).set({ ...set, updatedAt: at }).where(eq(documents.id, doc.id)).returning();
  return row!;
}

export interface FlowStep {
  doc: DocumentRow;
  /** The person whose turn it now is (for a Web Push), with the message. */
  notify: { userId: string; title: string; body: string } | null;
}

/** The author hands the draft to a head of the drafting department (review) or a leader of the issuer (signing). */
export async function submitDraft(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, id: string, input: { toUserId: string; comment?: string }): Promise<FlowStep> {
  const comment = cleanComment(input.comment, false);
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const doc = await loadDraftFor(tx, actor, id, { forUpdate: true });
    if (doc.status !== 'draft') throw conflict('Văn bản đã ban hành, không trình được nữa', 'The document is already issued');
    if (actor.userId !== doc.createdBy) throw forbidden('Chỉ người soạn thảo được trình dự thảo', 'Only the author submits a draft');
    if (doc.flowState !== 'drafting' && doc.flowState !== 'returned') {
      throw conflict('Dự thảo đã được trình, đang chờ người khác xử lý', 'The draft has already been submitted and awaits someone else');
    }
    const [main] = await tx.select({ id: documentFiles.id }).from(documentFiles).where(and(eq(documentFiles.documentId, doc.id), eq(documentFiles.role, 'main')));
    if (!main) throw conflict('Dự thảo chưa có tệp chính để trình', 'The draft has no main file to submit');
    const to = await targetState(tx, actor, doc, input.toUserId, true);
    const row = await move(tx, doc, { flowState: to.state, awaitingUserId: input.toUserId }, at);
    const from = await fullName(tx, actor.userId);
    await recordEvents(tx, [{
      type: 'document.submitted', at, actor, documentId: doc.id, unitIds: unitsOf(row), userIds: await draftAudience(tx, row),
      data: { comment, fromName: from, toUserId: input.toUserId, toName: to.name, flowState: to.state, subject: row.subject, authorId: row.createdBy },
    }]);
    return { doc: row, notify: { userId: input.toUserId, title: 'Dự thảo chờ bạn xử lý', body: `${from}: ${row.subject}` } };
  });
}

/** The reviewer it awaits passes it on to a leader of the issuer (signing). */
export async function approveDraft(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, id: string, input: { toUserId: string; comment?: string }): Promise<FlowStep> {
  const comment = cleanComment(input.comment, false);
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const doc = await loadDraftFor(tx, actor, id, { forUpdate: true });
    if (doc.status !== 'draft' || doc.flowState !== 'review') {
      throw conflict('Dự thảo không ở bước xem xét (chờ duyệt) nên không chuyển tiếp được', 'The draft is not in review, so it cannot be approved');
    }
    if (!canApprove(actor, doc)) throw forbidden('Chưa đến lượt bạn xử lý dự thảo này', 'It is not your turn on this draft');
    const to = await targetState(tx, actor, doc, input.toUserId, false);
    const row = await move(tx, doc, { flowState: to.state, awaitingUserId: input.toUserId }, at);
    const from = await fullName(tx, actor.userId);
    await recordEvents(tx, [{
      type: 'document.approved', at, actor, documentId: doc.id, unitIds: unitsOf(row), userIds: await draftAudience(tx, row),
      data: { comment, fromName: from, toUserId: input.toUserId, toName: to.name, flowState: to.state, subject: row.subject, authorId: row.createdBy },
    }]);
    return { doc: row, notify: { userId: input.toUserId, title: 'Dự thảo chờ bạn xử lý', body: `${from}: ${row.subject}` } };
  });
}

/**
 * Back to its author with a comment: by the person it awaits (review, signing), or once signed by a
 * leader of the issuer — which voids the signature: the main file goes back to its latest
 * version's bytes and the signer of record is cleared.
 */
export async function returnDraft(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, id: string, input: { comment: string }): Promise<FlowStep> {
  const comment = cleanComment(input.comment, true);
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const doc = await loadDraftFor(tx, actor, id, { forUpdate: true });
    if (doc.status !== 'draft') throw conflict('Văn bản đã ban hành, không trả lại được', 'The document is already issued and cannot be returned');
    if (doc.flowState === 'drafting' || doc.flowState === 'returned') {
      throw conflict('Dự thảo chưa được trình nên không có gì để trả lại', 'The draft has not been submitted, so there is nothing to return');
    }
    if (!canReturn(actor, doc)) {
      throw forbidden(
        doc.flowState === 'signed' ? 'Chỉ lãnh đạo của đơn vị ban hành được trả lại dự thảo đã ký' : 'Chưa đến lượt bạn xử lý dự thảo này',
        doc.flowState === 'signed' ? 'Only a leader of the issuing unit can return a signed draft' : 'It is not your turn on this draft',
      );
    }
    const voided = doc.flowState === 'signed' || doc.signedBy !== null ? await voidLeaderSignature(tx, doc) : false;
    const [row] = await tx
      .update(documents)
      .set({ flowState: 'returned', awaitingUserId: null, signedBy: null, signedAt: null, signerCompetence: null, updatedAt: at })
      .where(eq(documents.id, doc.id))
      .returning();
    const from = await fullName(tx, actor.userId);
    const audience = new Set([...(await draftAudience(tx, row!)), ...(await draftAudience(tx, doc))]);
    await recordEvents(tx, [{
      type: 'document.returned', at, actor, documentId: doc.id, unitIds: unitsOf(doc), userIds: [...audience],
      data: {
        comment, fromName: from, toUserId: doc.createdBy, toName: await fullName(tx, doc.createdBy), flowState: 'returned',
        previousFlowState: doc.flowState, voidedSignature: voided, subject: doc.subject, authorId: doc.createdBy,
      },
    }]);
    return { doc: row!, notify: { userId: doc.createdBy, title: 'Dự thảo bị trả lại', body: `${from}: ${comment}` } };
  });
}

/** The main file goes back to its latest uploaded version (the bytes before the leader's signature). */
async function voidLeaderSignature(tx: Tx, doc: DocumentRow): Promise<boolean> {
  const [main] = await tx.select().from(documentFiles).where(and(eq(documentFiles.documentId, doc.id), eq(documentFiles.role, 'main'))).for('update');
  if (!main) return false;
  const [latest] = await tx.select().from(documentFileVersions).where(eq(documentFileVersions.fileId, main.id)).orderBy(desc(documentFileVersions.version)).limit(1);
  if (!latest) throw conflict('Không tìm thấy bản chưa ký của tệp chính', 'The unsigned version of the main file is missing');
  await tx.update(documentFiles).set({ sha256: latest.sha256, size: latest.size, name: latest.name, leaderBox: null }).where(eq(documentFiles.id, main.id));
  return true;
}

/** A comment on a draft, by anyone who may see it: a row of its timeline. */
export async function commentOnDraft(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, id: string, input: { text: string }) {
  const text = cleanComment(input.text, true)!;
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const doc = await loadDraftFor(tx, actor, id);
    if (doc.status !== 'draft') throw conflict('Chỉ góp ý được trên dự thảo', 'Comments are for drafts only');
    await recordEvents(tx, [{
      type: 'document.commented', at, actor, documentId: doc.id, unitIds: unitsOf(doc), userIds: await draftAudience(tx, doc),
      data: { text, comment: text, fromName: await fullName(tx, actor.userId), flowState: doc.flowState, status: doc.status, awaitingUserId: doc.awaitingUserId },
    }]);
    const [ev] = await tx.select().from(events).where(and(eq(events.documentId, doc.id), eq(events.type, 'document.commented'))).orderBy(desc(events.id)).limit(1);
    return ev!;
  });
}

/** Drafts waiting for the caller ("Chờ tôi xử lý"), the latest handed over first, with who handed each and since when. */
export async function listAwaiting(db: DbOrTx, actor: Actor) {
  const rows = await db
    .select()
    .from(documents)
    .where(and(eq(documents.awaitingUserId, actor.userId), eq(documents.status, 'draft')))
    .orderBy(desc(documents.updatedAt), desc(documents.id))
    .limit(500);
  if (rows.length === 0) return [];
  const steps = await db
    .select({ documentId: events.documentId, actorUserId: events.actorUserId, at: events.at, id: events.id })
    .from(events)
    .where(and(inArray(events.documentId, rows.map((r) => r.id)), inArray(events.type, ['document.submitted', 'document.approved'])))
    .orderBy(desc(events.id));
  const last = new Map<string, (typeof steps)[number]>();
  for (const s of steps) if (s.documentId && !last.has(s.documentId)) last.set(s.documentId, s);
  const ids = [...new Set([...last.values()].map((s) => s.actorUserId).filter((x): x is string => Boolean(x)))];
  const names = new Map((ids.length ? await db.select({ id: users.id, fullName: users.fullName }).from(users).where(inArray(users.id, ids)) : []).map((u) => [u.id, u.fullName]));
  return rows.map((d) => {
    const s = last.get(d.id);
    return {
      ...presentDocument(d),
      from: s?.actorUserId ? { id: s.actorUserId, fullName: names.get(s.actorUserId) ?? '' } : null,
      since: (s?.at ?? d.updatedAt).toISOString(),
    };
  });
}
