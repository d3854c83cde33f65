import { issuedByUnitIn } from './queries.js';
import { and, eq, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import { vnDate } from '../../lib/time.js';
import type { Actor } from '../../lib/actor.js';
import { deliveries } from '../dispatch/tables.js';
import { documentFiles, documents } from '../documents/tables.js';
import { assignments } from '../handling/tables.js';
import type { SignatureVerdict } from '../signing/engine.js';
import { fileVerdicts } from '../signing/tables.js';
import { summarise } from '../signing/verdicts.js';
import { vnYearBounds } from './range.js';

const count = (where: SQL) => sql<number>`count(*) filter (where ${where})`.mapWith(Number);

/** The unit's inbox in numbers; withdrawn (recalled) copies are not counted at all. */
export async function inboxCounts(db: DbOrTx, p: { unitId: string }) {
  const [row] = await db
    .select({
      received: sql<number>`count(*)`.mapWith(Number),
      unread: count(sql`${deliveries.readAt} is null and ${deliveries.status} <> 'refused'`),
      unaccepted: count(sql`${deliveries.status} = 'delivered'`),
      flashPending: count(sql`${documents.urgency} = 'flash' and ${deliveries.acknowledgedAt} is null and ${deliveries.status} <> 'refused'`),
    })
    .from(deliveries)
    .innerJoin(documents, eq(documents.id, deliveries.documentId))
    .where(and(eq(deliveries.recipientUnitId, p.unitId), sql`${deliveries.status} <> 'recalled'`));
  return row!;
}

/** Assignments of the unit still open or in progress whose deadline (a Vietnam date) is before `today`. */
export async function overdueCount(db: DbOrTx, p: { unitId: string; today: string }) {
  const [row] = await db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(assignments)
    .where(and(eq(assignments.unitId, p.unitId), inArray(assignments.status, ['open', 'in_progress']), lt(assignments.dueDate, p.today)));
  return row!.n;
}

/** For each document the unit issued in [start, end): the stored verdicts on its main file, if any. */
export async function issuedMainFileVerdicts(db: DbOrTx, p: { unitId: string; start: Date; end: Date }) {
  return db
    .select({ documentId: documents.id, verdicts: fileVerdicts.verdicts })
    .from(documents)
    .leftJoin(documentFiles, and(eq(documentFiles.documentId, documents.id), eq(documentFiles.role, 'main')))
    .leftJoin(fileVerdicts, eq(fileVerdicts.sha256, documentFiles.sha256))
    .where(issuedByUnitIn(p));
}

/**
 * The unit's dashboard: inbox counts, overdue assignments, and the KPI "signedShare" — of the
 * documents issued this Vietnam year, how many have a main file whose signatures are all valid
 * and trusted (summarise() = 'valid'). A document never verified (no verdict row) counts as unsigned.
 */
export async function getDashboard(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor) {
  const now = deps.clock();
  const today = vnDate(now);
  const year = vnYearBounds(now);
  const [inbox, overdue, verdictRows] = await Promise.all([
    inboxCounts(deps.db, { unitId: actor.unitId }),
    overdueCount(deps.db, { unitId: actor.unitId, today }),
    issuedMainFileVerdicts(deps.db, { unitId: actor.unitId, ...year }),
  ]);
  const signedIds = new Set(
    verdictRows.filter((r) => r.verdicts && summarise(r.verdicts as SignatureVerdict[]) === 'valid').map((r) => r.documentId),
  );
  const issued = new Set(verdictRows.map((r) => r.documentId)).size;
  const signed = signedIds.size;
  return {
    today,
    ...inbox,
    overdue,
    signedShare: { issued, signed, share: issued === 0 ? 0 : signed / issued },
  };
}
