import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { recordEvents } from '../events/service.js';

/**
 * A reorganisation: the drafts of a merged unit (as issuer, or as the drafting department) become
 * the successor's, with their files, flow and signer; a recipient that is the successor itself is
 * dropped (a unit does not send to itself). Issued documents stay the old unit's: its registers keep
 * them under its name. One `document.moved` event per draft.
 */
export async function moveDrafts(tx: DbOrTx, actor: Actor | null, p: { fromUnitId: string; toUnitId: string; at: Date }): Promise<number> {
  const moved = (await tx.execute(sql`
    update documents set
      issuer_unit_id = case when issuer_unit_id = ${p.fromUnitId}::uuid then ${p.toUnitId}::uuid else issuer_unit_id end,
      drafting_unit_id = case when drafting_unit_id = ${p.fromUnitId}::uuid then ${p.toUnitId}::uuid else drafting_unit_id end,
      recipients = case when issuer_unit_id = ${p.fromUnitId}::uuid then array_remove(recipients, ${p.toUnitId}::uuid) else recipients end,
      updated_at = ${p.at.toISOString()}::timestamptz
    where status = 'draft' and (issuer_unit_id = ${p.fromUnitId}::uuid or drafting_unit_id = ${p.fromUnitId}::uuid)
    returning id, issuer_unit_id`)) as unknown as Array<{ id: string; issuer_unit_id: string }>;
  if (moved.length > 0) {
    await recordEvents(tx, moved.map((d) => ({
      type: 'document.moved', at: p.at, actor, documentId: d.id, unitIds: [p.fromUnitId, p.toUnitId, d.issuer_unit_id],
      data: { fromUnitId: p.fromUnitId, toUnitId: p.toUnitId, reason: 'reorganisation' },
    })));
  }
  return moved.length;
}
