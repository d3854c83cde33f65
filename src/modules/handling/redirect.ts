import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { recordEvents } from '../events/service.js';

/**
 * A reorganisation: the open assignments (open, in progress) of a merged unit — those it owns as
 * the receiving unit and those it was named in — become the successor's, deadlines unchanged.
 * One `assignment.moved` event per assignment (old and new unit, the person assigned).
 */
export async function moveOpenAssignments(tx: DbOrTx, actor: Actor | null, p: { fromUnitId: string; toUnitId: string; at: Date }): Promise<number> {
  const moved = (await tx.execute(sql`
    update assignments set
      unit_id = case when unit_id = ${p.fromUnitId}::uuid then ${p.toUnitId}::uuid else unit_id end,
      assignee_unit_id = case when assignee_unit_id = ${p.fromUnitId}::uuid then ${p.toUnitId}::uuid else assignee_unit_id end
    where status in ('open', 'in_progress') and (unit_id = ${p.fromUnitId}::uuid or assignee_unit_id = ${p.fromUnitId}::uuid)
    returning id, document_id, delivery_id, unit_id, assignee_user_id`)) as unknown as Array<{ id: string; document_id: string; delivery_id: string; unit_id: string; assignee_user_id: string | null }>;
  if (moved.length > 0) {
    await recordEvents(tx, moved.map((a) => ({
      type: 'assignment.moved', at: p.at, actor, documentId: a.document_id, unitIds: [p.fromUnitId, p.toUnitId, a.unit_id],
      userIds: a.assignee_user_id ? [a.assignee_user_id] : [],
      data: { assignmentId: a.id, fromUnitId: p.fromUnitId, toUnitId: p.toUnitId, reason: 'reorganisation' },
    })));
  }
  return moved.length;
}
