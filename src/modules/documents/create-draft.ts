import type { Deps } from '../../lib/deps.js';
import { badRequest, forbidden } from '../../lib/errors.js';
import { type Actor, hasRole } from '../../lib/actor.js';
import { isUuid } from '../../lib/ids.js';
import { recordEvents } from '../events/service.js';
import { findActiveUnits, getUnit } from '../orgs/units.js';
import { getUser } from '../orgs/users.js';
import { loadDocument } from './access.js';
import { isIssuerMember } from './policy.js';
import { normaliseType } from './numbering.js';
import { presentDocument, type DocumentRow } from './present.js';
import { type Secrecy, type Urgency, documents } from './tables.js';

export interface DraftInput {
  type: string;
  subject: string;
  recipients: string[];
  urgency?: Urgency;
  secrecy?: Secrecy;
  dueDate?: string | null;
  signerId?: string | null;
  respondsTo?: string | null;
  draftingUnitId?: string | null;
  replaces?: string | null;
}

/** Recipients must all be known, active units; returns them deduplicated in the order given. */
export async function checkRecipients(deps: Pick<Deps, 'db'>, ids: string[], issuerUnitId: string): Promise<string[]> {
  const unique = [...new Set(ids)];
  const bad = unique.filter((id) => !isUuid(id));
  const found = new Set((await findActiveUnits(deps.db, unique.filter(isUuid))).map((u) => u.id));
  const unknown = [...bad, ...unique.filter((id) => isUuid(id) && !found.has(id))];
  if (unknown.length) {
    throw badRequest(
      `Nơi nhận không tồn tại: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? '…' : ''}`,
      `Unknown recipient units: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? '…' : ''}`,
    );
  }
  if (unique.includes(issuerUnitId)) throw badRequest('Đơn vị không tự gửi văn bản cho chính mình', 'A unit cannot send a document to itself');
  return unique;
}

/**
 * A draft belongs to the author's unit; the signer named must be a leader of that unit. The caller
 * has checked that `respondsTo`, when given, is a document the actor may read.
 */
export async function createDraft(deps: Deps, actor: Actor, input: DraftInput): Promise<ReturnType<typeof presentDocument>> {
  if (!hasRole(actor, 'clerk', 'leader', 'officer')) {
    throw forbidden('Tài khoản không có quyền soạn văn bản', 'Only clerks, leaders and officers draft documents');
  }
  const type = normaliseType(input.type);
  if (!type) throw badRequest(`Loại văn bản "${input.type}" không có trong danh mục`, `Unknown document type "${input.type}"`);
  const subject = input.subject.trim().normalize('NFC');
  if (subject.length === 0 || subject.length > 500) {
    throw badRequest('Trích yếu phải có từ 1 đến 500 ký tự', 'Subject must be 1 to 500 characters');
  }
  const recipients = await checkRecipients(deps, input.recipients, actor.unitId);
  if (input.dueDate && Number.isNaN(Date.parse(input.dueDate))) throw badRequest('Hạn xử lý không hợp lệ', 'Invalid due date');
  if (input.signerId) {
    const signer = isUuid(input.signerId) ? await getUser(deps.db, input.signerId) : undefined;
    if (!signer || signer.unitId !== actor.unitId || !signer.roles.includes('leader')) {
      throw badRequest('Người ký phải là lãnh đạo của đơn vị ban hành', 'The signer must be a leader of the issuing unit');
    }
  }
  if (input.draftingUnitId) {
    const unit = isUuid(input.draftingUnitId) ? await getUnit(deps.db, input.draftingUnitId) : undefined;
    if (!unit || unit.parentId !== actor.unitId) {
      throw badRequest('Đơn vị soạn thảo phải trực thuộc đơn vị ban hành', 'The drafting unit must belong to the issuing unit');
    }
  }
  // Whether the caller may read the document answered (`respondsTo`) is checked by the workflow
  // that calls this (workflows/create-draft.ts), where deliveries are known.
  if (input.replaces) {
    const old = await loadDocument(deps.db, input.replaces).catch(() => null);
    if (!old || !isIssuerMember(actor, old) || old.status !== 'issued') {
      throw badRequest('Chỉ thay thế được văn bản đã ban hành của chính đơn vị', 'Only an issued document of the same unit can be replaced');
    }
  }
  const at = deps.clock();
  const doc: DocumentRow = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(documents)
      .values({
        issuerUnitId: actor.unitId,
        createdBy: actor.userId,
        type,
        subject,
        urgency: input.urgency ?? 'normal',
        secrecy: input.secrecy ?? 'none',
        dueDate: input.dueDate ?? null,
        signerId: input.signerId ?? null,
        draftingUnitId: input.draftingUnitId ?? null,
        respondsTo: input.respondsTo ?? null,
        replaces: input.replaces ?? null,
        recipients,
        createdAt: at,
        updatedAt: at,
      })
      .returning();
    await recordEvents(tx, [
      { type: 'document.drafted', at, actor, documentId: row!.id, unitIds: [actor.unitId], data: { subject, type } },
    ]);
    return row!;
  });
  return presentDocument(doc);
}
