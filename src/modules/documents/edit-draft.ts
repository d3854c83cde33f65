import { eq, inArray, or } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import type { Actor } from '../../lib/actor.js';
import { badRequest, conflict, forbidden } from '../../lib/errors.js';
import { recordEvents } from '../events/service.js';
import { loadDraftFor } from './access.js';
import { forgetBlobRows, forgetUnreferenced } from './blobs.js';
import { checkPaperRecipients, checkRecipients, checkSigner, checkSubject, type PaperRecipientInput } from './create-draft.js';
import { draftAudience } from './draft-flow.js';
import { mainFiles } from './file-content.js';
import { checkTypeForUnit, normaliseType } from './numbering.js';
import { getUnit } from '../orgs/units.js';
import { isFrozen, mayEditDraft } from './policy.js';
import type { DocumentRow } from './present.js';
import { type Secrecy, type Urgency, documentFileVersions, documentFiles, documents } from './tables.js';

export interface DraftPatch {
  type?: string;
  subject?: string;
  recipients?: string[];
  paperRecipients?: PaperRecipientInput[];
  urgency?: Urgency;
  secrecy?: Secrecy;
  dueDate?: string | null;
  signerId?: string | null;
}

const returnedFirst = () => conflict(
  'Dự thảo đã được lãnh đạo ký: cần trả lại dự thảo (hủy chữ ký) trước khi sửa hoặc xóa',
  'The draft has been signed by a leader: it must be returned first (voiding the signature) before it is changed or deleted',
);

/** Checks shared by editing and deleting: a draft the caller sees, its author or a clerk of the issuer, not signed. */
async function editableDraft(tx: Tx, actor: Actor, id: string): Promise<DocumentRow> {
  const doc = await loadDraftFor(tx, actor, id, { forUpdate: true });
  if (doc.status !== 'draft') throw conflict('Văn bản đã ban hành, không sửa hay xóa được', 'The document has been issued and can no longer be changed or deleted');
  if (!mayEditDraft(actor, doc)) throw forbidden('Chỉ người soạn thảo hoặc văn thư được sửa, xóa dự thảo', 'Only the author or a clerk can change or delete a draft');
  const main = (await mainFiles(tx, [doc.id])).get(doc.id) ?? null;
  if (isFrozen(doc, main)) throw returnedFirst();
  return doc;
}

/** Changes any field of a draft (PATCH /api/documents/:id), checked as on creation; one event naming the fields changed. */
export async function patchDraft(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, id: string, patch: DraftPatch): Promise<DocumentRow> {
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const doc = await editableDraft(tx, actor, id);
    const set: Partial<typeof documents.$inferInsert> = {};
    if (patch.type !== undefined) {
      const type = normaliseType(patch.type);
      if (!type) throw badRequest(`Loại văn bản "${patch.type}" không có trong danh mục`, `Unknown document type "${patch.type}"`);
      const issuer = await getUnit(tx, doc.issuerUnitId);
      if (issuer) checkTypeForUnit(issuer, type);
      set.type = type;
    }
    if (patch.subject !== undefined) set.subject = checkSubject(patch.subject);
    if (patch.recipients !== undefined) set.recipients = await checkRecipients({ db: tx }, patch.recipients, doc.issuerUnitId);
    if (patch.paperRecipients !== undefined) set.paperRecipients = await checkPaperRecipients({ db: tx }, patch.paperRecipients);
    if (patch.urgency !== undefined) set.urgency = patch.urgency;
    if (patch.dueDate !== undefined) {
      if (patch.dueDate !== null && Number.isNaN(Date.parse(patch.dueDate))) throw badRequest('Hạn xử lý không hợp lệ', 'Invalid due date');
      set.dueDate = patch.dueDate;
    }
    if (patch.signerId !== undefined) {
      if (patch.signerId !== null) await checkSigner({ db: tx }, patch.signerId, doc.issuerUnitId);
      set.signerId = patch.signerId;
    }
    if (patch.secrecy !== undefined) {
      if (patch.secrecy !== 'none') {
        const [file] = await tx.select({ id: documentFiles.id }).from(documentFiles).where(eq(documentFiles.documentId, doc.id)).limit(1);
        if (file) {
          throw conflict('Dự thảo đã có tệp: văn bản mật không được lưu nội dung trên hệ thống mạng', 'The draft holds files: a secret document cannot hold electronic content');
        }
      }
      set.secrecy = patch.secrecy;
    }
    const fields = Object.keys(set);
    if (fields.length === 0) return doc;
    const [row] = await tx.update(documents).set({ ...set, updatedAt: at }).where(eq(documents.id, doc.id)).returning();
    await recordEvents(tx, [{
      type: 'document.updated', at, actor, documentId: doc.id, unitIds: [...new Set([doc.issuerUnitId, ...(doc.draftingUnitId ? [doc.draftingUnitId] : [])])],
      userIds: await draftAudience(tx, row!), data: { fields, subject: row!.subject, flowState: row!.flowState, status: row!.status, awaitingUserId: row!.awaitingUserId },
    }]);
    return row!;
  });
}

/**
 * Deletes a never-issued draft (its author or a clerk; not while signed): its files and their
 * versions go, and each stored object no other row refers to is forgotten. `beforeDelete` lets the
 * caller remove what other modules keep of the draft (two-step signing in progress) in the same
 * transaction; `referencedElsewhere` says which addresses other modules' rows still use.
 */
export async function deleteDraft(
  deps: Pick<Deps, 'db' | 'clock' | 'store' | 'log'>,
  actor: Actor,
  id: string,
  hooks: { beforeDelete(tx: Tx, doc: DocumentRow): Promise<void>; referencedElsewhere(tx: Tx, shas: string[]): Promise<Set<string>> },
): Promise<void> {
  const at = deps.clock();
  let forgotten: string[] = [];
  await deps.db.transaction(async (tx) => {
    const doc = await editableDraft(tx, actor, id);
    const [other] = await tx.select({ id: documents.id }).from(documents).where(or(eq(documents.respondsTo, doc.id), eq(documents.replaces, doc.id))).limit(1);
    if (other) throw conflict('Một văn bản khác trả lời hoặc thay thế dự thảo này nên không xóa được', 'Another document answers or replaces this draft, so it cannot be deleted');
    const audience = await draftAudience(tx, doc);
    await hooks.beforeDelete(tx, doc);
    const files = await tx.select().from(documentFiles).where(eq(documentFiles.documentId, doc.id));
    const fileIds = files.map((f) => f.id);
    const versions = fileIds.length ? await tx.select().from(documentFileVersions).where(inArray(documentFileVersions.fileId, fileIds)) : [];
    const shas = [...new Set([...files.map((f) => f.sha256), ...versions.map((v) => v.sha256)])];
    if (fileIds.length) {
      await tx.delete(documentFileVersions).where(inArray(documentFileVersions.fileId, fileIds));
      await tx.delete(documentFiles).where(inArray(documentFiles.id, fileIds));
    }
    await tx.delete(documents).where(eq(documents.id, doc.id));
    forgotten = await forgetBlobRows(tx, shas, hooks.referencedElsewhere);
    await recordEvents(tx, [{
      type: 'document.deleted', at, actor, documentId: doc.id, unitIds: [...new Set([doc.issuerUnitId, ...(doc.draftingUnitId ? [doc.draftingUnitId] : [])])],
      userIds: audience, data: { subject: doc.subject, type: doc.type, files: files.length, flowState: doc.flowState, status: 'deleted', awaitingUserId: null },
    }]);
  });
  // The objects whose rows went with the draft (after commit: a failed transaction keeps them).
  await forgetUnreferenced(deps, forgotten);
}
