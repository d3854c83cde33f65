import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import { badRequest, conflict, forbidden } from '../../lib/errors.js';
import type { Actor } from '../auth/actor.js';
import { requestRecallOfDeliveries } from '../dispatch/recall.js';
import { recordEvents } from '../events/service.js';
import { loadReadableDocument } from './access.js';
import { canRecall } from './policy.js';
import { presentDocument } from './present.js';
import { documents } from './tables.js';

/**
 * The issuer's clerk recalls (thu hồi) an issued document with a reason: it is frozen at the
 * sender at once, and every recipient is asked to agree (code 13). A recipient's copy is withdrawn
 * when its clerk agrees (15) and stays if the clerk refuses (16); both sides' timelines record it.
 */
export async function recallDocument(deps: Deps, actor: Actor, documentId: string, reason: string) {
  const why = reason.trim();
  if (!why) throw badRequest('Cần nêu lý do thu hồi', 'A reason for the recall is required');
  const at = deps.clock();
  const doc = await deps.db.transaction(async (tx) => {
    const { doc } = await loadReadableDocument(tx, actor, documentId, { forUpdate: true });
    if (!canRecall(actor, doc)) throw forbidden('Chỉ văn thư của đơn vị ban hành được thu hồi', 'Only a clerk of the issuer can recall');
    if (doc.status !== 'issued') throw conflict('Chỉ thu hồi được văn bản đã ban hành', 'Only an issued document can be recalled');
    const [row] = await tx
      .update(documents)
      .set({ status: 'recalled', recalledAt: at, recallReason: why, updatedAt: at })
      .where(eq(documents.id, doc.id))
      .returning();
    await recordEvents(tx, [
      { type: 'document.recalled', at, actor, documentId: doc.id, unitIds: [doc.issuerUnitId], data: { reason: why } },
    ]);
    await requestRecallOfDeliveries(tx, { documentId: doc.id, issuerUnitId: doc.issuerUnitId, at, actor, reason: why });
    return row!;
  });
  return presentDocument(doc);
}

/**
 * In the transaction that issues a replacement (BussinessDocType 3): the replaced document is
 * frozen and its recipients are asked to withdraw it, with the new notation as the reason.
 */
export async function recallReplaced(tx: Tx, p: { oldId: string; by: { id: string; notation: string }; issuerUnitId: string; at: Date; actor: Actor }) {
  const [old] = await tx.select().from(documents).where(eq(documents.id, p.oldId)).for('update');
  if (!old || old.issuerUnitId !== p.issuerUnitId || old.status !== 'issued') return;
  const reason = `Được thay thế bởi văn bản số ${p.by.notation}`;
  await tx.update(documents).set({ status: 'recalled', recalledAt: p.at, recallReason: reason, updatedAt: p.at }).where(eq(documents.id, old.id));
  await recordEvents(tx, [{ type: 'document.replaced', at: p.at, actor: p.actor, documentId: old.id, unitIds: [old.issuerUnitId], data: { reason, replacedBy: p.by.id } }]);
  await requestRecallOfDeliveries(tx, { documentId: old.id, issuerUnitId: old.issuerUnitId, at: p.at, actor: p.actor, reason });
}
