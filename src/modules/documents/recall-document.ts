import { eq } from 'drizzle-orm';
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
