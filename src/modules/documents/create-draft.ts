import type { Deps } from '../../lib/deps.js';
import { badRequest, forbidden } from '../../lib/errors.js';
import { type Actor, hasRole } from '../../lib/actor.js';
import { isUuid } from '../../lib/ids.js';
import { recordEvents } from '../events/service.js';
import { findActiveUnits, getUnit } from '../orgs/units.js';
import { endedUnits, refuseEndedRecipients } from '../orgs/history.js';
import { getUser } from '../orgs/users.js';
import { loadDocument } from './access.js';
import { checkTypeForUnit, normaliseType } from './numbering.js';
import { presentDocument, type DocumentRow } from './present.js';
import { type PaperRecipient, type Secrecy, type Urgency, documents } from './tables.js';

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
  /** A user of a department drafting for its parent unit: the parent (draftingUnitId is then the department). */
  issuerUnitId?: string | null;
  /** Addressees that get paper: unit ids, or `{name}` (free text), or `{unitId, name}` as presented. */
  paperRecipients?: PaperRecipientInput[];
}

export type PaperRecipientInput = string | { unitId?: string | null; name?: string | null };

/**
 * Paper addressees: a known, active unit (its name is stored with it) or a non-empty name of at
 * most 200 characters; duplicates dropped, order kept.
 */
export async function checkPaperRecipients(deps: Pick<Deps, 'db'>, list: PaperRecipientInput[]): Promise<PaperRecipient[]> {
  const ids = list.map((r) => (typeof r === 'string' ? r : r.unitId ?? null)).filter((x): x is string => typeof x === 'string');
  const found = new Map((await findActiveUnits(deps.db, [...new Set(ids.filter(isUuid))])).map((u) => [u.id, u]));
  const out: PaperRecipient[] = [];
  const seen = new Set<string>();
  for (const [i, r] of list.entries()) {
    const unitId = typeof r === 'string' ? r : r.unitId ?? null;
    if (unitId !== null) {
      const unit = isUuid(unitId) ? found.get(unitId) : undefined;
      if (!unit) throw badRequest(`Nơi nhận bản giấy thứ ${i + 1} không phải đơn vị đang hoạt động: ${String(unitId).slice(0, 64)}`, `Paper recipient ${i + 1} is not an active unit: ${String(unitId).slice(0, 64)}`);
      if (!seen.has(`u:${unit.id}`)) out.push({ unitId: unit.id, name: unit.name });
      seen.add(`u:${unit.id}`);
      continue;
    }
    const name = typeof r === 'object' && typeof r.name === 'string' ? r.name.normalize('NFC').trim() : '';
    if (name.length === 0 || name.length > 200) {
      throw badRequest(`Nơi nhận bản giấy thứ ${i + 1} phải là một đơn vị hoặc một tên từ 1 đến 200 ký tự`, `Paper recipient ${i + 1} must be a unit or a name of 1 to 200 characters`);
    }
    if (!seen.has(`n:${name}`)) out.push({ unitId: null, name });
    seen.add(`n:${name}`);
  }
  return out;
}

/** The issuing unit of a new draft: the author's own, or — for a user of a department — its parent. */
export async function resolveIssuer(deps: Pick<Deps, 'db'>, actor: Actor, issuerUnitId: string | null | undefined): Promise<{ issuerUnitId: string; fromDepartment: boolean }> {
  if (!issuerUnitId || issuerUnitId === actor.unitId) return { issuerUnitId: actor.unitId, fromDepartment: false };
  const own = await getUnit(deps.db, actor.unitId);
  if (!own || own.parentId !== issuerUnitId) {
    throw badRequest('Chỉ soạn được văn bản cho đơn vị mình hoặc đơn vị cấp trên trực tiếp', 'You can only draft for your own unit or the unit it belongs to');
  }
  const parent = (await findActiveUnits(deps.db, [issuerUnitId]))[0];
  if (!parent) throw badRequest('Đơn vị ban hành không còn hoạt động', 'The issuing unit is no longer active');
  return { issuerUnitId, fromDepartment: true };
}

/** The signer named must be an active leader of the issuing unit. */
export async function checkSigner(deps: Pick<Deps, 'db'>, signerId: string, issuerUnitId: string): Promise<void> {
  const signer = isUuid(signerId) ? await getUser(deps.db, signerId) : undefined;
  if (!signer || signer.disabled || signer.unitId !== issuerUnitId || !signer.roles.includes('leader')) {
    throw badRequest('Người ký phải là lãnh đạo của đơn vị ban hành', 'The signer must be a leader of the issuing unit');
  }
}

/** Trích yếu: 1 to 500 characters after trimming. */
export function checkSubject(raw: string): string {
  const subject = raw.trim().normalize('NFC');
  if (subject.length === 0 || subject.length > 500) {
    throw badRequest('Trích yếu phải có từ 1 đến 500 ký tự', 'Subject must be 1 to 500 characters');
  }
  return subject;
}

/** Recipients must all be known, active units; returns them deduplicated in the order given. */
export async function checkRecipients(deps: Pick<Deps, 'db'>, ids: string[], issuerUnitId: string): Promise<string[]> {
  const unique = [...new Set(ids)];
  const bad = unique.filter((id) => !isUuid(id));
  const found = new Set((await findActiveUnits(deps.db, unique.filter(isUuid))).map((u) => u.id));
  const unknown = [...bad, ...unique.filter((id) => isUuid(id) && !found.has(id))];
  // A unit merged or dissolved by a reorganisation: refused naming the unit that took over.
  if (unknown.length) refuseEndedRecipients(await endedUnits(deps.db, unknown));
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
 * A draft belongs to the author's unit, or — `issuerUnitId` — to the parent of the author's
 * department (the department is then its drafting unit); the signer named must be a leader of the
 * issuing unit. The caller has checked that `respondsTo`, when given, is a document the actor may read.
 */
export async function createDraft(deps: Deps, actor: Actor, input: DraftInput): Promise<ReturnType<typeof presentDocument>> {
  return presentDocument(await createDraftRow(deps, actor, input));
}

export async function createDraftRow(deps: Deps, actor: Actor, input: DraftInput): Promise<DocumentRow> {
  if (!hasRole(actor, 'clerk', 'leader', 'officer')) {
    throw forbidden('Tài khoản không có quyền soạn văn bản', 'Only clerks, leaders and officers draft documents');
  }
  const type = normaliseType(input.type);
  if (!type) throw badRequest(`Loại văn bản "${input.type}" không có trong danh mục`, `Unknown document type "${input.type}"`);
  const subject = checkSubject(input.subject);
  const { issuerUnitId, fromDepartment } = await resolveIssuer(deps, actor, input.issuerUnitId);
  // Party-only types (KL, QĐi, TT) for Party committees, State-only ones for the others: refused at
  // draft, not first at issue.
  const issuer = await getUnit(deps.db, issuerUnitId);
  if (issuer) checkTypeForUnit(issuer, type);
  const recipients = await checkRecipients(deps, input.recipients, issuerUnitId);
  const paperRecipients = await checkPaperRecipients(deps, input.paperRecipients ?? []);
  if (input.dueDate && Number.isNaN(Date.parse(input.dueDate))) throw badRequest('Hạn xử lý không hợp lệ', 'Invalid due date');
  if (input.signerId) await checkSigner(deps, input.signerId, issuerUnitId);
  if (fromDepartment) {
    if (input.draftingUnitId && input.draftingUnitId !== actor.unitId) {
      throw badRequest('Văn bản do phòng, ban soạn cho đơn vị cấp trên có đơn vị soạn thảo là chính phòng, ban đó', 'A department drafting for its parent is itself the drafting unit');
    }
  } else if (input.draftingUnitId) {
    const unit = isUuid(input.draftingUnitId) ? await getUnit(deps.db, input.draftingUnitId) : undefined;
    if (!unit || unit.parentId !== actor.unitId) {
      throw badRequest('Đơn vị soạn thảo phải trực thuộc đơn vị ban hành', 'The drafting unit must belong to the issuing unit');
    }
  }
  // Whether the caller may read the document answered (`respondsTo`) is checked by the workflow
  // that calls this (workflows/create-draft.ts), where deliveries are known.
  if (input.replaces) {
    const old = await loadDocument(deps.db, input.replaces).catch(() => null);
    if (!old || old.issuerUnitId !== issuerUnitId || old.status !== 'issued') {
      throw badRequest('Chỉ thay thế được văn bản đã ban hành của chính đơn vị', 'Only an issued document of the same unit can be replaced');
    }
  }
  const at = deps.clock();
  const doc: DocumentRow = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(documents)
      .values({
        issuerUnitId,
        createdBy: actor.userId,
        type,
        subject,
        urgency: input.urgency ?? 'normal',
        secrecy: input.secrecy ?? 'none',
        dueDate: input.dueDate ?? null,
        signerId: input.signerId ?? null,
        draftingUnitId: fromDepartment ? actor.unitId : input.draftingUnitId ?? null,
        paperRecipients,
        respondsTo: input.respondsTo ?? null,
        replaces: input.replaces ?? null,
        recipients,
        createdAt: at,
        updatedAt: at,
      })
      .returning();
    await recordEvents(tx, [
      { type: 'document.drafted', at, actor, documentId: row!.id, unitIds: [...new Set([issuerUnitId, actor.unitId])], data: { subject, type } },
    ]);
    return row!;
  });
  return doc;
}
