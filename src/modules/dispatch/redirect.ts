// Deliveries and a reorganisation: open work of a merged unit goes to its successor, and a document
// addressed to a unit that no longer exists is delivered to the unit that took over.
import { sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { recordEvents } from '../events/service.js';

/**
 * The open deliveries of `fromUnitId` (delivered, accepted, assigned, in progress — not completed,
 * refused or recalled) become the successor's: recipient changed, `redirected_from_unit_id` kept
 * (the first unit it was addressed to), flash alarms ringing on in the successor (they follow the
 * recipient). A delivery the successor already has for the same document stays where it is. A
 * number of the old unit's incoming register (số đến) stays with the delivery, in a series naming
 * that unit (`incoming:2026:<code>`), so it never collides with the successor's own numbers and the
 * old register still lists it. One `delivery.redirected` event per delivery (issuer, old and new unit).
 */
export async function moveOpenDeliveries(tx: DbOrTx, actor: Actor | null, p: { fromUnitId: string; fromCode: string; toUnitId: string; at: Date }): Promise<number> {
  const moved = (await tx.execute(sql`
    update deliveries d set recipient_unit_id = ${p.toUnitId}::uuid,
      redirected_from_unit_id = coalesce(d.redirected_from_unit_id, d.recipient_unit_id),
      incoming_series = case when d.incoming_number is null then d.incoming_series else d.incoming_series || ':' || ${p.fromCode} end
    from documents doc
    where doc.id = d.document_id and d.recipient_unit_id = ${p.fromUnitId}::uuid
      and d.status in ('delivered', 'accepted', 'assigned', 'in_progress')
      and not exists (select 1 from deliveries o where o.document_id = d.document_id and o.recipient_unit_id = ${p.toUnitId}::uuid)
    returning d.id, d.document_id, d.status, doc.issuer_unit_id`)) as unknown as Array<{ id: string; document_id: string; status: string; issuer_unit_id: string }>;
  if (moved.length > 0) {
    await recordEvents(tx, moved.map((d) => ({
      type: 'delivery.redirected', at: p.at, actor, documentId: d.document_id, deliveryId: d.id,
      unitIds: [d.issuer_unit_id, p.fromUnitId, p.toUnitId],
      data: { status: d.status, unitId: p.toUnitId, fromUnitId: p.fromUnitId, issuerUnitId: d.issuer_unit_id, reason: 'reorganisation' },
    })));
  }
  return moved.length;
}

/** How many open deliveries `moveOpenDeliveries` would move (for a plan's report). */
export async function countOpenDeliveries(tx: DbOrTx, unitId: string): Promise<number> {
  const [row] = (await tx.execute(sql`select count(*)::int as n from deliveries where recipient_unit_id = ${unitId}::uuid
    and status in ('delivered', 'accepted', 'assigned', 'in_progress')`)) as unknown as Array<{ n: number }>;
  return row?.n ?? 0;
}

/**
 * The recipients of a document being issued, each resolved to the unit that exists today: a unit
 * merged or dissolved into another is replaced by its successor (followed to the end of the chain),
 * duplicates dropped, the issuer itself dropped. Returns the ids to deliver to and, for each
 * successor reached that way, the unit the document was addressed to.
 */
export async function resolveRecipients(tx: Tx | DbOrTx, recipientIds: string[], issuerUnitId: string): Promise<{ ids: string[]; redirectedFrom: Map<string, string> }> {
  if (recipientIds.length === 0) return { ids: [], redirectedFrom: new Map() };
  const rows = (await tx.execute(sql`
    with recursive chain(start, id, successor_id, ended, depth) as (
      select u.id, u.id, u.successor_id, u.valid_to is not null, 0 from units u where u.id = any(${`{${recipientIds.join(',')}}`}::uuid[])
      union all
      select c.start, s.id, s.successor_id, s.valid_to is not null, c.depth + 1 from chain c join units s on s.id = c.successor_id
      where c.ended and c.depth < 20)
    select distinct on (start) start, id from chain order by start, depth desc`)) as unknown as Array<{ start: string; id: string }>;
  const final = new Map(rows.map((r) => [r.start, r.id]));
  const ids: string[] = [];
  const seen = new Set<string>([issuerUnitId]);
  const redirectedFrom = new Map<string, string>();
  for (const id of recipientIds) {
    const to = final.get(id) ?? id;
    if (seen.has(to)) continue;
    seen.add(to);
    ids.push(to);
    if (to !== id) redirectedFrom.set(to, id);
  }
  return { ids, redirectedFrom };
}

/** Marks the deliveries just made for a document that reached a successor instead of the unit it was addressed to. */
export async function markRedirected(tx: DbOrTx, documentId: string, redirectedFrom: Map<string, string>): Promise<void> {
  if (redirectedFrom.size === 0) return;
  await tx.execute(sql`update deliveries d set redirected_from_unit_id = r.from_id::uuid
    from jsonb_each_text(${JSON.stringify(Object.fromEntries(redirectedFrom))}::text::jsonb) as r(to_id, from_id)
    where d.document_id = ${documentId}::uuid and d.recipient_unit_id = r.to_id::uuid`);
}
