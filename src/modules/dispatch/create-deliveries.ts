import { sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { recordEvents } from '../events/service.js';


/**
 * One delivery per recipient unit inside the issuing transaction (one statement whatever the
 * number of recipients); `flash` is copied from the document's urgency (the inbox's first rows). Their events are written by `recordDeliveriesCreated`, so the caller
 * can insert the rows before it takes the document number and keep the number lock short.
 */
export async function insertDeliveries(
  tx: Tx,
  p: { documentId: string; recipientUnitIds: string[]; at: Date },
): Promise<Array<{ id: string; recipientUnitId: string }>> {
  const rows = (await tx.execute(sql`
    insert into deliveries (document_id, recipient_unit_id, delivered_at, flash)
    select ${p.documentId}::uuid, u.id::uuid, ${p.at.toISOString()}::timestamptz, d.urgency = 'flash'
    from jsonb_array_elements_text(${JSON.stringify(p.recipientUnitIds)}::text::jsonb) with ordinality as u(id, n)
    cross join (select urgency from documents where id = ${p.documentId}::uuid) d
    order by u.n
    returning id, recipient_unit_id`)) as unknown as Array<{ id: string; recipient_unit_id: string }>;
  return rows.map((r) => ({ id: r.id, recipientUnitId: r.recipient_unit_id }));
}

export async function recordDeliveriesCreated(
  tx: Tx,
  p: {
    documentId: string; issuerUnitId: string; at: Date; actor: Actor | null; deliveries: Array<{ id: string; recipientUnitId: string }>;
    /** Shown by the recipient's screen the moment it arrives, so kept with the event. */
    document: { subject: string; urgency: string; issuerName: string };
  },
): Promise<void> {
  await recordEvents(
    tx,
    p.deliveries.map((d) => ({
      type: 'delivery.created', at: p.at, actor: p.actor, documentId: p.documentId, deliveryId: d.id,
      unitIds: [p.issuerUnitId, d.recipientUnitId],
      data: { status: 'delivered', unitId: d.recipientUnitId, issuerUnitId: p.issuerUnitId, issuerName: p.document.issuerName, subject: p.document.subject, urgency: p.document.urgency },
    })),
    // Ids at commit (events/service.ts): the event-order lock is held only for the move and the commit.
    { atCommit: true },
  );
}
