import { and, asc, eq, gte, inArray, isNotNull, isNull, like, lt, ne, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client.js';
import { deliveries } from '../dispatch/tables.js';
import { documents } from '../documents/tables.js';
import { assignments } from '../handling/tables.js';
import { units, users } from '../orgs/tables.js';
import { unitNameAt } from '../orgs/history.js';

/** One unit's entries over [start, end); `limit` + 1 rows at most are read, so callers can tell "too many". */
export interface RegisterParams {
  unitId: string;
  /** The code of a unit that has ended (a reorganisation): numbers of its incoming register that moved with open work to the successor are still its entries. */
  endedCode?: string;
  start: Date;
  end: Date;
  limit: number;
}

// Above this many recipients a register says "N đơn vị" instead of listing them.
export const MAX_LISTED_RECIPIENTS = 5;

/** Documents the unit issued (recalled ones included) with issuedAt in [start, end). */
export function issuedByUnitIn(p: { unitId: string; start: Date; end: Date }) {
  return and(
    eq(documents.issuerUnitId, p.unitId),
    // A numbered document is in the register from its numbering on (its number is committed).
    inArray(documents.status, ['issuing', 'issued', 'recalled']),
    gte(documents.issuedAt, p.start),
    lt(documents.issuedAt, p.end),
  );
}

const drafting = alias(units, 'drafting');

/**
 * The signer of record: `documents.signed_by` (set when the leader signs, cleared when a signed
 * draft is returned); for rows signed before it was recorded, the last `document.signed` event not
 * followed by a return. Null when no leader signed.
 */
const signerOfRecord = sql`coalesce(${documents.signedBy}, (
  select e.actor_user_id from events e
  where e.document_id = ${documents.id} and e.type = 'document.signed'
    and not exists (select 1 from events r where r.document_id = e.document_id and r.type = 'document.returned' and r.id > e.id)
  order by e.id desc limit 1))`;

/**
 * Sổ đăng ký văn bản đi: the documents the unit issued in the range (recalled ones too: the
 * register keeps them, with a note), in order of issue. Recipients are the deliveries actually
 * made, listed by name while few enough to list, and the paper recipients drafted; "ký nhận"
 * counts the deliveries the recipients' clerks accepted (vào sổ).
 */
export async function outgoingEntries(db: DbOrTx, p: RegisterParams) {
  return db
    .select({
      notation: documents.notation,
      type: documents.type,
      subject: documents.subject,
      status: documents.status,
      urgency: documents.urgency,
      secrecy: documents.secrecy,
      issuedAt: documents.issuedAt,
      recalledAt: documents.recalledAt,
      // Scalar lookups, not a join: a join condition holding a subquery cannot be hashed or use an
      // index, which made the register test every user against every document (45 s at 100k documents).
      signerName: sql<string | null>`(select su.full_name from users su where su.id = ${signerOfRecord})`,
      signerTitle: sql<string | null>`(select su.title from users su where su.id = ${signerOfRecord})`,
      signerCompetence: documents.signerCompetence,
      draftingShortName: drafting.shortName,
      paperRecipients: documents.paperRecipients,
      recipientCount: sql<number>`(select count(*)::int from deliveries rd where rd.document_id = ${documents.id})`,
      recipientNames: sql<string | null>`(
        select case when count(*) > ${MAX_LISTED_RECIPIENTS} then null else string_agg(${unitNameAt(sql`ru.id`, documents.issuedAt)}, ', ' order by ru.code) end
        from deliveries rd join units ru on ru.id = rd.recipient_unit_id where rd.document_id = ${documents.id})`,
      receivedCount: sql<number>`(select count(*)::int from deliveries rd where rd.document_id = ${documents.id} and rd.accepted_at is not null)`,
      lastReceivedAt: sql<Date | null>`(select max(rd.accepted_at) from deliveries rd where rd.document_id = ${documents.id})`.mapWith(documents.issuedAt),
      replacesNotation: sql<string | null>`(select o.notation from documents o where o.id = ${documents.replaces})`,
      replacedByNotation: sql<string | null>`(
        select string_agg(n.notation, ', ' order by n.issued_at) from documents n
        where n.replaces = ${documents.id} and n.status in ('issuing', 'issued', 'recalled') and n.notation is not null)`,
    })
    .from(documents)
    .leftJoin(drafting, eq(drafting.id, documents.draftingUnitId))
    .where(issuedByUnitIn(p))
    .orderBy(asc(documents.issuedAt), asc(documents.number), asc(documents.id))
    .limit(p.limit + 1);
}
export type OutgoingEntry = Awaited<ReturnType<typeof outgoingEntries>>[number];

// The leader's top-level lead assignments on a delivery (not cancelled): who the document went to.
const leadOf = (deliveryId: typeof deliveries.id) => sql`
  from assignments la
  left join units lu on lu.id = la.assignee_unit_id
  left join users lp on lp.id = la.assignee_user_id
  where la.delivery_id = ${deliveryId} and la.role = 'lead' and la.parent_id is null and la.status <> 'cancelled'`;

/**
 * Sổ đăng ký văn bản đến: deliveries the unit accepted (so they carry a số đến) with acceptedAt
 * in the range, in incoming-number order; withdrawn ones stay listed with their status.
 */
export async function incomingEntries(db: DbOrTx, p: RegisterParams) {
  return db
    .select({
      deliveredAt: deliveries.deliveredAt,
      incomingNumber: deliveries.incomingNumber,
      status: deliveries.status,
      // Named as it was on the document's date ("UBND xã A (nay là xã C)" for a unit since merged).
      issuerName: sql<string>`coalesce(${unitNameAt(units.id, sql`coalesce(${documents.issuedAt}, ${deliveries.deliveredAt})`)}, ${units.name})`,
      /** A paper document from a sender on no system: the sender as registered (the author). */
      senderName: documents.senderName,
      notation: documents.notation,
      issuedAt: documents.issuedAt,
      /** A paper document: the date printed on it. */
      signedOn: documents.signedOn,
      urgency: documents.urgency,
      type: documents.type,
      subject: documents.subject,
      leads: sql<string | null>`(select string_agg(coalesce(lp.full_name || ' (' || lu.name || ')', lp.full_name, lu.name), '; ' order by la.created_at) ${leadOf(deliveries.id)})`,
      passedOnAt: sql<Date | null>`(select min(la.created_at) ${leadOf(deliveries.id)})`.mapWith(assignments.createdAt),
      // Ký nhận, electronically: the first report of the lead (or of a person it handed the work to).
      receivedByLeadAt: sql<Date | null>`(
        select min(pe.created_at) from progress_entries pe join assignments pa on pa.id = pe.assignment_id
        where pa.delivery_id = ${deliveries.id} and pa.role = 'lead' and pa.status <> 'cancelled')`.mapWith(assignments.createdAt),
    })
    .from(deliveries)
    .innerJoin(documents, eq(documents.id, deliveries.documentId))
    .innerJoin(units, eq(units.id, documents.issuerUnitId))
    .where(
      and(
        p.endedCode
          ? or(eq(deliveries.recipientUnitId, p.unitId), and(eq(deliveries.redirectedFromUnitId, p.unitId), like(deliveries.incomingSeries, `%:${p.endedCode}`)))
          : eq(deliveries.recipientUnitId, p.unitId),
        isNotNull(deliveries.incomingNumber),
        gte(deliveries.acceptedAt, p.start),
        lt(deliveries.acceptedAt, p.end),
      ),
    )
    // Series are "incoming:<year>", so a range across New Year lists last year's numbers first.
    .orderBy(asc(deliveries.incomingSeries), asc(deliveries.incomingNumber))
    .limit(p.limit + 1);
}
export type IncomingEntry = Awaited<ReturnType<typeof incomingEntries>>[number];

const assigneeUnit = alias(units, 'assignee_unit');
const assigneeUser = alias(users, 'assignee_user');

/**
 * Sổ theo dõi giải quyết văn bản đến: the unit's lead assignments (top level, not cancelled)
 * created in the range, by số đến. Progress is the latest note on the assignment or on one handed
 * on from it; the reply is any document of this unit issued in answer to the incoming one.
 */
export async function followUpEntries(db: DbOrTx, p: RegisterParams) {
  return db
    .select({
      incomingNumber: deliveries.incomingNumber,
      deliveryStatus: deliveries.status,
      notation: documents.notation,
      type: documents.type,
      subject: documents.subject,
      issuedAt: documents.issuedAt,
      signedOn: documents.signedOn,
      authorName: sql<string>`coalesce(${documents.senderName}, (select iu.name from units iu where iu.id = ${documents.issuerUnitId}))`,
      assigneeUnitName: assigneeUnit.name,
      assigneeUserName: assigneeUser.fullName,
      dueDate: assignments.dueDate,
      status: assignments.status,
      completedAt: assignments.completedAt,
      // Cooperating units and persons of the same direction (top level, not cancelled).
      cooperating: sql<string | null>`(
        select string_agg(coalesce(cp.full_name || ' (' || cu.name || ')', cp.full_name, cu.name), '; ' order by ca.created_at, ca.id)
        from assignments ca left join units cu on cu.id = ca.assignee_unit_id left join users cp on cp.id = ca.assignee_user_id
        where ca.delivery_id = ${assignments.deliveryId} and ca.role = 'cooperate' and ca.parent_id is null and ca.status <> 'cancelled')`,
      // The latest report; reports made in the same instant end with the one that completed the work.
      progressAt: sql<Date | null>`(
        select pe.created_at from progress_entries pe join assignments pa on pa.id = pe.assignment_id
        where pa.id = ${assignments.id} or pa.parent_id = ${assignments.id}
        order by pe.created_at desc, pe.done desc, pe.id desc limit 1)`.mapWith(assignments.createdAt),
      progress: sql<string | null>`(
        select pe.note from progress_entries pe join assignments pa on pa.id = pe.assignment_id
        where pa.id = ${assignments.id} or pa.parent_id = ${assignments.id}
        order by pe.created_at desc, pe.done desc, pe.id desc limit 1)`,
      replies: sql<string | null>`(
        select string_agg(r.notation, ', ' order by r.issued_at) from documents r
        where r.responds_to = ${assignments.documentId} and r.issuer_unit_id = ${assignments.unitId} and r.notation is not null)`,
    })
    .from(assignments)
    .innerJoin(deliveries, eq(deliveries.id, assignments.deliveryId))
    .innerJoin(documents, eq(documents.id, assignments.documentId))
    .leftJoin(assigneeUnit, eq(assigneeUnit.id, assignments.assigneeUnitId))
    .leftJoin(assigneeUser, eq(assigneeUser.id, assignments.assigneeUserId))
    .where(
      and(
        eq(assignments.unitId, p.unitId),
        eq(assignments.role, 'lead'),
        isNull(assignments.parentId),
        ne(assignments.status, 'cancelled'),
        gte(assignments.createdAt, p.start),
        lt(assignments.createdAt, p.end),
      ),
    )
    .orderBy(asc(deliveries.incomingSeries), asc(deliveries.incomingNumber), asc(assignments.createdAt), asc(assignments.id))
    .limit(p.limit + 1);
}
export type FollowUpEntry = Awaited<ReturnType<typeof followUpEntries>>[number];
