import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { conflict, deliveryNotFound } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import { documents } from '../documents/tables.js';
import { units } from '../orgs/tables.js';
import { recordEvents } from '../events/service.js';
import { stopAlarms } from './alarms.js';
import { queueStatusPackage } from './outbound.js';
import { type DeliveryStatus, STATUS_CODES, deliveries } from './tables.js';

export type DeliveryRow = typeof deliveries.$inferSelect;

/** A delivery locked for change, with what its rules and events need of its document. */
export interface LockedDelivery extends DeliveryRow {
  document: {
    id: string; issuerUnitId: string; subject: string; urgency: string; dueDate: string | null;
    /** The issuer's OrganId, and whether another system serves it (the document came as an edXML package). */
    issuerCode: string; issuerExternal: boolean;
  };
}

/** The delivery, locked until commit, joined to its document; undefined if there is none. */
export async function lockDelivery(tx: Tx, id: string): Promise<LockedDelivery | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await tx
    .select({
      d: deliveries,
      document: { id: documents.id, issuerUnitId: documents.issuerUnitId, subject: documents.subject, urgency: documents.urgency, dueDate: documents.dueDate },
      issuer: { code: units.code, systemId: units.systemId },
    })
    .from(deliveries)
    .innerJoin(documents, eq(documents.id, deliveries.documentId))
    .innerJoin(units, eq(units.id, documents.issuerUnitId))
    .where(eq(deliveries.id, id))
    .for('update', { of: deliveries });
  return row ? { ...row.d, document: { ...row.document, issuerCode: row.issuer.code, issuerExternal: row.issuer.systemId !== null } } : undefined;
}

/**
 * The delivery, locked, if it was addressed to the actor's unit — else the same 404 as for one that
 * does not exist. A recalled copy can no longer be acted on (409) unless `allowRecalled`.
 */
export async function lockDeliveryForUnit(tx: Tx, actor: Actor, id: string, opts: { allowRecalled?: boolean } = {}): Promise<LockedDelivery> {
  const d = await lockDelivery(tx, id);
  if (!d || d.recipientUnitId !== actor.unitId) throw deliveryNotFound();
  if (d.status === 'recalled' && !opts.allowRecalled) throw conflict('Văn bản đã bị thu hồi', 'The document has been recalled');
  return d;
}

/** Everything that can happen to a delivery; some move its status (with an edXML code), some only record. */
export type DeliveryChange =
  | 'read' | 'acknowledged' | 'accepted' | 'refused' | 'assigned' | 'in_progress' | 'completed' | 'recalled' | 'recall_refused';

interface Rule {
  to?: DeliveryStatus;
  /** Statuses it may start from; any when absent. */
  from?: DeliveryStatus[];
  /** The business status code sent to the issuer (QCVN 102). */
  code?: string;
  /** Someone of the unit has handled it: a flash dispatch stops ringing. */
  stopsAlarm: boolean;
  event: string;
  refused: { vi: string; en: string };
}

const DONE = { vi: 'Văn bản đến đã được xử lý tiếp nhận', en: 'The delivery was already accepted or refused' };

/** The status machine of a delivery (edXML business codes 01–06, 15, 16). */
const RULES: Record<DeliveryChange, Rule> = {
  read: { stopsAlarm: false, event: 'delivery.read', refused: DONE },
  acknowledged: { stopsAlarm: true, event: 'delivery.acknowledged', refused: DONE },
  accepted: { to: 'accepted', from: ['delivered'], code: '03', stopsAlarm: true, event: 'delivery.accepted', refused: DONE },
  refused: { to: 'refused', from: ['delivered'], code: '02', stopsAlarm: true, event: 'delivery.refused', refused: DONE },
  assigned: {
    to: 'assigned', from: ['accepted'], code: '04', stopsAlarm: true, event: 'delivery.assigned',
    refused: { vi: 'Văn bản phải được tiếp nhận (vào sổ) trước khi phân công, và chỉ phân công một lần', en: 'The delivery must be accepted first, and is assigned once' },
  },
  in_progress: {
    to: 'in_progress', from: ['assigned'], code: '05', stopsAlarm: true, event: 'delivery.in_progress',
    refused: { vi: 'Văn bản chưa được phân công', en: 'The delivery has not been assigned' },
  },
  completed: {
    to: 'completed', from: ['assigned', 'in_progress'], code: '06', stopsAlarm: true, event: 'delivery.completed',
    refused: { vi: 'Văn bản chưa được phân công', en: 'The delivery has not been assigned' },
  },
  recalled: {
    to: 'recalled', from: ['delivered', 'accepted', 'assigned', 'in_progress', 'completed'], code: '15', stopsAlarm: true, event: 'delivery.recalled',
    refused: { vi: 'Văn bản đã bị thu hồi hoặc từ chối', en: 'The delivery is already recalled or refused' },
  },
  recall_refused: { code: '16', stopsAlarm: false, event: 'delivery.recall_refused', refused: DONE },
};

/** May this change happen to a delivery now? (The status machine, for policies and `can`.) */
export const changeAllowed = (d: Pick<DeliveryRow, 'status'>, change: DeliveryChange): boolean => {
  const from = RULES[change].from;
  return d.status !== 'recalled' && (!from || from.includes(d.status));
};

/** The columns a change sets, beside its status. */
function columnsFor(change: DeliveryChange, d: DeliveryRow, actor: Actor | null, at: Date, reason?: string): Partial<typeof deliveries.$inferInsert> {
  const by = actor?.userId ?? null;
  const firstRead = d.readAt ? {} : { readAt: at, readBy: by };
  switch (change) {
    case 'read': return { readAt: at, readBy: by };
    case 'acknowledged': return { acknowledgedAt: at, acknowledgedBy: by, ...firstRead };
    case 'accepted': return { acceptedAt: at, acceptedBy: by, ...firstRead };
    case 'refused': return { refusedAt: at, refusedBy: by, refusalReason: reason ?? null };
    case 'assigned': return { assignedAt: at };
    case 'in_progress': return { inProgressAt: at };
    case 'completed': return { completedAt: at };
    case 'recalled': return { recalledAt: at, recallAnsweredAt: at };
    case 'recall_refused': return { recallAnsweredAt: at, recallRefusalReason: reason ?? null };
  }
}

/**
 * The one way a delivery changes: checks the status machine, updates the row, stops a flash alarm
 * when someone of the unit has handled it, and writes the event the issuer's tracking, pushes (to
 * the issuer's and the recipient's unit) and sync are derived from — all in the caller's
 * transaction. `set` adds columns a change carries (the incoming number); `data` goes into the event.
 */
export async function transitionDelivery(
  tx: Tx,
  actor: Actor | null,
  d: LockedDelivery,
  change: DeliveryChange,
  p: {
    at: Date; set?: Partial<typeof deliveries.$inferInsert>; data?: Record<string, unknown>; reason?: string;
    /** The change was reported by the other system (a status package): nothing is sent back. */
    fromRemote?: boolean;
  },
): Promise<DeliveryRow> {
  const rule = RULES[change];
  if (!changeAllowed(d, change)) {
    if (d.status === 'recalled') throw conflict('Văn bản đã bị thu hồi', 'The document has been recalled');
    throw conflict(rule.refused.vi, rule.refused.en);
  }
  const set = { ...columnsFor(change, d, actor, p.at, p.reason), ...(rule.to ? { status: rule.to } : {}), ...p.set };
  const [row] = await tx.update(deliveries).set(set).where(eq(deliveries.id, d.id)).returning();
  if (rule.stopsAlarm) await stopAlarms(tx, [d.id], p.at);
  const issuerUnitId = d.document.issuerUnitId;
  // A document from another system: its sender learns every business step as a status package
  // (QCVN 102), and the acknowledgement of a flash document as 01 "Đã nhận văn bản hỏa tốc".
  if (d.document.issuerExternal && !p.fromRemote) {
    const code = change === 'acknowledged' ? '01' : rule.code;
    if (code) {
      const description = change === 'acknowledged' ? `Đã nhận văn bản hỏa tốc lúc ${vnDateTime(p.at)}` : (p.reason ?? DESCRIPTIONS[change] ?? '');
      await queueStatusPackage(tx, { documentId: d.documentId, deliveryId: d.id, toOrganId: d.document.issuerCode, statusCode: code, at: p.at, data: { description, staffUserId: actor?.userId ?? null } });
    }
  }
  await recordEvents(tx, [{
    type: rule.event, at: p.at, actor, documentId: d.documentId, deliveryId: d.id, unitIds: [issuerUnitId, d.recipientUnitId],
    data: {
      status: row!.status, ...(rule.code ? { code: rule.code } : {}), unitId: d.recipientUnitId, issuerUnitId,
      ...(p.reason !== undefined ? { reason: p.reason } : {}), ...p.data,
    },
  }]);
  return row!;
}

export const statusCode = (s: DeliveryStatus) => STATUS_CODES[s];

/** The words of a status package, in Vietnamese as the receiving clerk reads them. */
const DESCRIPTIONS: Partial<Record<DeliveryChange, string>> = {
  accepted: 'Đã tiếp nhận, vào sổ văn bản đến', assigned: 'Đã phân công xử lý', in_progress: 'Đang xử lý',
  completed: 'Đã hoàn thành xử lý', recalled: 'Đồng ý thu hồi',
};

/** dd/MM/yyyy HH:mm in Vietnam time (UTC+7). */
function vnDateTime(at: Date): string {
  const v = new Date(at.getTime() + 7 * 3600_000).toISOString();
  return `${v.slice(11, 16)} ${v.slice(8, 10)}/${v.slice(5, 7)}/${v.slice(0, 4)}`;
}

/** The delivery of `documentId` to `unitId`, locked (a status package from that unit's system names it so). */
export async function lockDeliveryOf(tx: Tx, documentId: string, unitId: string): Promise<LockedDelivery | undefined> {
  const [row] = await tx.select({ id: deliveries.id }).from(deliveries).where(and(eq(deliveries.documentId, documentId), eq(deliveries.recipientUnitId, unitId)));
  return row ? lockDelivery(tx, row.id) : undefined;
}

/**
 * The delivery of `documentId` to a unit that has since ended in a reorganisation and whose
 * successor — followed to the end of the chain (≤ 20 steps) — is `unitId`: how an answer from the
 * unit that took over finds the delivery its sender addressed to the old unit. Locked.
 */
export async function lockDeliveryOfPredecessor(tx: Tx, documentId: string, unitId: string): Promise<LockedDelivery | undefined> {
  const rows = (await tx.execute(sql`
    with recursive chain(start, id, successor_id, ended, depth) as (
      select u.id, u.id, u.successor_id, u.valid_to is not null, 0
        from deliveries d join units u on u.id = d.recipient_unit_id where d.document_id = ${documentId}::uuid
      union all
      select c.start, s.id, s.successor_id, s.valid_to is not null, c.depth + 1 from chain c join units s on s.id = c.successor_id
      where c.ended and c.depth < 20)
    select d.id from chain c join deliveries d on d.document_id = ${documentId}::uuid and d.recipient_unit_id = c.start
    where c.id = ${unitId}::uuid and c.depth > 0 order by c.depth limit 1`)) as unknown as Array<{ id: string }>;
  return rows[0] ? lockDelivery(tx, rows[0].id) : undefined;
}
