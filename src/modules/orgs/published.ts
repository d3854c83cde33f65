import { and, asc, eq, isNotNull, isNull, or } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client.js';
import { units } from './tables.js';

export interface PublishedUnit {
  organId: string;
  name: string;
  parentOrganId: string | null;
  /** Set for a unit that ended in a reorganisation: its last day (inclusive). */
  validTo: string | null;
  /** The unit that took over an ended one: packages addressed to it are delivered there. */
  successorOrganId: string | null;
}

/**
 * What this system publishes to the exchange axis: its current units, and the units it served that
 * ended with a successor (merged, dissolved into another) with their last day and the successor's
 * OrganId — so a package still addressed to one reaches the successor, and the answer about it can
 * name the unit the sender addressed.
 */
export async function listPublishedUnits(db: DbOrTx): Promise<PublishedUnit[]> {
  const parent = alias(units, 'parent');
  const successor = alias(units, 'successor');
  const rows = await db
    .select({
      organId: units.code, name: units.name, parentOrganId: parent.code, validTo: units.validTo, successorOrganId: successor.code,
      dissolvedAt: units.dissolvedAt,
    })
    .from(units)
    .leftJoin(parent, eq(parent.id, units.parentId))
    .leftJoin(successor, eq(successor.id, units.successorId))
    .where(and(
      isNull(units.systemId), eq(units.internal, false),
      or(isNull(units.dissolvedAt), and(isNotNull(units.successorId), isNotNull(units.validTo))),
    ))
    .orderBy(asc(units.code));
  return rows.map((r) => ({
    organId: r.organId, name: r.name, parentOrganId: r.parentOrganId ?? null,
    validTo: r.dissolvedAt || r.validTo ? r.validTo : null, successorOrganId: r.validTo ? r.successorOrganId ?? null : null,
  }));
}
