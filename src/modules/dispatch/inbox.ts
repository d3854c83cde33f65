import { and, asc, desc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import type { Deps } from '../../lib/deps.js';
import { badRequest } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import type { Actor } from '../../lib/actor.js';
import { vnDate } from '../../lib/time.js';
import { loadOwnDocument } from '../documents/access.js';
import { documentFiles, documents, type Urgency } from '../documents/tables.js';
import { units } from '../orgs/tables.js';
import { type DeliveryStatus, deliveries } from './tables.js';
import { transportByOrganId } from './outbound.js';
import { deliveryCan } from './policy.js';
import { summarise } from '../signing/verdicts.js';
import type { SignatureVerdict } from '../signing/engine.js';
import { fileVerdicts } from '../signing/tables.js';
import { events } from '../events/tables.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;
// Unacknowledged flash dispatches come first, whatever their age. `flash` is the document's urgency,
// kept on the delivery, so the whole order is read off deliveries_inbox_order_idx (the same
// expression): a page costs LIMIT index entries, not a sort of the unit's history.
const pending = sql<boolean>`(${deliveries.flash} and ${deliveries.acknowledgedAt} is null)`;
// The main file's signature verdicts, in the same query (one round trip for the page).
const mainVerdicts = sql<SignatureVerdict[] | null>`(
  select ${fileVerdicts.verdicts} from ${documentFiles} join ${fileVerdicts} on ${fileVerdicts.sha256} = ${documentFiles.sha256}
  where ${documentFiles.documentId} = ${documents.id} and ${documentFiles.role} = 'main' limit 1)`;

// Only what a row shows: the whole documents row would drag its recipients list (2,000 ids for a
// province-wide dispatch, stored out of line) through every page — at 1M documents that was most of
// the page's 6 ms.
const inboxDocument = {
  id: documents.id, type: documents.type, number: documents.number, notation: documents.notation, subject: documents.subject,
  urgency: documents.urgency, dueDate: documents.dueDate, issuedAt: documents.issuedAt, senderName: documents.senderName,
};

/**
 * The unit's incoming documents: unacknowledged flash first, then newest, each with `can`. Withdrawn (recalled)
 * copies are left out unless asked for by status. The cursor is `pending|deliveredAt|id` of the last item.
 */
export async function listInbox(
  deps: Pick<Deps, 'db'>,
  actor: Actor,
  q: { status?: DeliveryStatus; urgency?: Urgency; cursor?: string; limit?: number },
) {
  const limit = q.limit ?? 50;
  const where: (SQL | undefined)[] = [eq(deliveries.recipientUnitId, actor.unitId)];
  where.push(q.status ? eq(deliveries.status, q.status) : ne(deliveries.status, 'recalled'));
  if (q.urgency) where.push(eq(documents.urgency, q.urgency));
  if (q.cursor) {
    const [flag, at, id] = Buffer.from(q.cursor, 'base64url').toString().split('|');
    if (!flag || !at || !id || Number.isNaN(Date.parse(at)) || !isUuid(id)) {
      throw badRequest('Con trỏ phân trang không hợp lệ', 'Invalid cursor');
    }
    where.push(sql`(${pending}, ${deliveries.deliveredAt}, ${deliveries.id}) < (${flag === '1'}, ${at}::timestamptz, ${id}::uuid)`);
  }
  const rows = await deps.db
    .select({ d: deliveries, doc: inboxDocument, issuer: { id: units.id, name: units.name, code: units.code }, pending, verdicts: mainVerdicts })
    .from(deliveries)
    .innerJoin(documents, eq(documents.id, deliveries.documentId))
    .innerJoin(units, eq(units.id, documents.issuerUnitId))
    .where(and(...where))
    .orderBy(desc(pending), desc(deliveries.deliveredAt), desc(deliveries.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ d, doc, issuer, verdicts }) => ({
      deliveryId: d.id,
      document: {
        id: doc.id, type: doc.type, number: doc.number, notation: doc.notation, subject: doc.subject, urgency: doc.urgency,
        dueDate: doc.dueDate, issuedAt: iso(doc.issuedAt),
        // A paper document (văn bản giấy): its sender is on no system; the name the clerk registered is the issuer shown.
        issuer: doc.senderName !== null ? { ...issuer, name: doc.senderName } : issuer, paper: doc.senderName !== null,
      },
      status: d.status,
      deliveredAt: d.deliveredAt.toISOString(),
      readAt: iso(d.readAt),
      acknowledgedAt: iso(d.acknowledgedAt),
      incomingNumber: d.incomingNumber,
      /** valid | indeterminate | untrusted | invalid | unsigned — the verdict on the main file's signatures. */
      signature: verdicts ? summarise(verdicts) : 'unsigned',
      /** What the caller may do with this copy (pass the actor with its delegations for `assign`). */
      can: { ...deliveryCan(actor, d), report: false },
    })),
    nextCursor:
      rows.length > limit && last
        ? Buffer.from(`${last.pending ? 1 : 0}|${last.d.deliveredAt.toISOString()}|${last.d.id}`).toString('base64url')
        : null,
  };
}

/** Per recipient, how far it has got; for the issuing unit only (others get 404). */
/** Statuses in which a recipient still owes an answer: past the document's due date, such a delivery is overdue (quá hạn). */
const OPEN_STATUSES: readonly DeliveryStatus[] = ['delivered', 'accepted', 'assigned', 'in_progress'];

export async function getTracking(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, documentId: string) {
  const doc = await loadOwnDocument(deps.db, actor, documentId);
  const late = doc.dueDate !== null && doc.dueDate < vnDate(deps.clock());
  const rows = await deps.db
    .select({
      d: deliveries, unit: { id: units.id, code: units.code, name: units.name, shortName: units.shortName, systemId: units.systemId, systemName: units.systemName },
      // The unit it was addressed to, as it was last named, when a reorganisation sent it to the successor.
      redirectedFromName: sql<string | null>`(select ru.name from units ru where ru.id = ${deliveries.redirectedFromUnitId})`,
    })
    .from(deliveries)
    .innerJoin(units, eq(units.id, deliveries.recipientUnitId))
    .where(eq(deliveries.documentId, doc.id))
    .orderBy(asc(units.code));
  const { history, shares } = await deliveryHistory(deps.db, doc.id);
  const transport = rows.some((r) => r.unit.systemId) ? await transportByOrganId(deps.db, doc.id) : new Map();
  const notified = await notificationsOf(deps.db, doc.id);
  return {
    /** The answer's due date (hạn trả lời), if the document has one. */
    dueDate: doc.dueDate,
    deliveries: rows.map(({ d, unit, redirectedFromName }) => ({
      deliveryId: d.id,
      unit: { id: unit.id, code: unit.code, name: unit.name, shortName: unit.shortName, ...(unit.systemId ? { external: true, systemId: unit.systemId, systemName: unit.systemName } : {}) },
      /** Addressed to a unit merged or dissolved into this one (a reorganisation): "Chuyển đến … (đơn vị cũ đã sáp nhập)". */
      redirectedFrom: d.redirectedFromUnitId ? { unitId: d.redirectedFromUnitId, name: redirectedFromName ?? '' } : null,
      /** For a recipient on another system: how far the package got (queued, sent, delivered, failed), apart from `status`. */
      ...(unit.systemId ? { transport: transport.get(unit.code)?.transport ?? 'queued', transportReason: transport.get(unit.code)?.reason ?? null } : {}),
      status: d.status,
      deliveredAt: d.deliveredAt.toISOString(),
      readAt: iso(d.readAt),
      acknowledgedAt: iso(d.acknowledgedAt),
      acceptedAt: iso(d.acceptedAt),
      incomingNumber: d.incomingNumber,
      refusedAt: iso(d.refusedAt),
      refusalReason: d.refusalReason,
      assignedAt: iso(d.assignedAt),
      completedAt: iso(d.completedAt),
      recalledAt: iso(d.recalledAt),
      escalatedAt: iso(d.escalatedAt),
      /** Past the document's due date (Vietnam date) and not yet completed, refused or recalled. */
      overdue: late && OPEN_STATUSES.includes(d.status),
      recallRequestedAt: iso(d.recallRequestedAt),
      recallRefusalReason: d.recallRefusalReason,
      /** Every step with its edXML status code, time and acting unit, in order. */
      history: history.get(d.id) ?? [],
      /** Every unit the recipient opened the document to (by naming it in an assignment): whom, when, by whom. */
      shares: shares.get(d.id) ?? [],
      /** SMS and email sent to the recipient unit's people about this delivery (modules/notify): "đã nhắn tin 23:04". */
      notifications: notified.get(d.id) ?? [],
    })),
    /** Recipients that get the document on paper ("gửi giấy"): no delivery, so no status to track. */
    paperRecipients: (doc.paperRecipients ?? []).map((p) => ({ unitId: p.unitId, name: p.name, transport: 'paper' as const })),
  };
}

/**
 * The SMS and emails about each delivery of a document (a read of modules/notify's table): channel,
 * the address masked (0912***678, n***@so.gov.vn — the issuer learns that and when, not the
 * number), the person, when, and the status (pending, sending, sent, failed, cancelled).
 */
async function notificationsOf(db: Pick<Deps, 'db'>['db'], documentId: string) {
  const rows = await db.execute<{ delivery_id: string; channel: string; to: string; status: string; at: Date | string; person: string | null }>(sql`
    select n.delivery_id, n.channel, n."to", n.status, coalesce(n.sent_at, n.created_at) as at, u.full_name as person
    from notifications n left join users u on u.id = n.user_id
    where n.document_id = ${documentId} and n.delivery_id is not null order by n.created_at, n.id`);
  const out = new Map<string, Array<{ channel: string; to: string; at: string; status: string; person: string | null }>>();
  for (const r of rows) {
    const to = r.channel === 'sms' ? r.to.replace(/^(\d{4})\d+(\d{3})$/, '$1***$2') : r.to.replace(/^(.)[^@]*@/, '$1***@');
    const list = out.get(r.delivery_id) ?? [];
    list.push({ channel: r.channel, to, at: new Date(r.at).toISOString(), status: r.status, person: r.person });
    out.set(r.delivery_id, list);
  }
  return out;
}

const CODES: Record<string, string | null> = {
  'delivery.created': '01', 'delivery.refused': '02', 'delivery.accepted': '03', 'delivery.assigned': '04',
  'delivery.in_progress': '05', 'delivery.completed': '06', 'delivery.recall_requested': '13', 'delivery.recalled': '15',
  'delivery.recall_refused': '16', 'delivery.read': null, 'delivery.acknowledged': null, 'delivery.escalated': null,
  'delivery.shared': null, 'delivery.redirected': null,
};

export interface Share {
  unitId: string; unitName: string; at: string;
  /** The person who named the unit (the recipient's leader or deputy) and the recipient unit. */
  by: string | null; byUnitId: string;
}

async function deliveryHistory(db: Pick<Deps, 'db'>['db'], documentId: string) {
  const rows = await db
    .select({ type: events.type, at: events.at, deliveryId: events.deliveryId, actorUnitId: events.actorUnitId, actorUserId: events.actorUserId, data: events.data })
    .from(events)
    .where(and(eq(events.documentId, documentId), sql`${events.deliveryId} is not null`, sql`${events.type} like 'delivery.%'`))
    .orderBy(asc(events.id));
  const history = new Map<string, Array<{ event: string; code: string | null; at: string; actorUnitId: string | null }>>();
  const shares = new Map<string, Share[]>();
  const sharedRows: Array<{ deliveryId: string; unitId: string; at: string; by: string | null; byUnitId: string }> = [];
  for (const r of rows) {
    if (!(r.type in CODES)) continue;
    const list = history.get(r.deliveryId!) ?? [];
    list.push({ event: r.type.slice('delivery.'.length), code: CODES[r.type] ?? null, at: r.at.toISOString(), actorUnitId: r.actorUnitId });
    history.set(r.deliveryId!, list);
    if (r.type === 'delivery.shared') {
      const data = r.data as { unitId?: string; sharedWith?: unknown };
      for (const unitId of Array.isArray(data.sharedWith) ? data.sharedWith : []) {
        if (typeof unitId === 'string') sharedRows.push({ deliveryId: r.deliveryId!, unitId, at: r.at.toISOString(), by: r.actorUserId, byUnitId: data.unitId ?? r.actorUnitId ?? '' });
      }
    }
  }
  if (sharedRows.length > 0) {
    const names = new Map((await db.select({ id: units.id, name: units.name }).from(units).where(inArray(units.id, [...new Set(sharedRows.map((s) => s.unitId))]))).map((u) => [u.id, u.name]));
    for (const { deliveryId, ...s } of sharedRows) {
      const list = shares.get(deliveryId) ?? [];
      list.push({ ...s, unitName: names.get(s.unitId) ?? '' });
      shares.set(deliveryId, list);
    }
  }
  return { history, shares };
}
