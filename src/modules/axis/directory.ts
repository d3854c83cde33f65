import { and, asc, eq, inArray, ne, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import { badRequest, conflict, forbidden } from '../../lib/errors.js';
import { ORGAN_ID } from '../orgs/units.js';
import { notifyAxis } from './changes.js';
import type { AxisSystem } from './systems.js';
import { axisDirectory, axisSystems } from './tables.js';

/** Arbitrary constant: directory replacements run one at a time (they are rare and small). */
const DIRECTORY_LOCK = 7_263_110_101;

export interface DirectoryUnit {
  organId: string;
  name: string;
  parentOrganId?: string | null;
  /** The unit's last day (YYYY-MM-DD, inclusive) when it ended in a reorganisation. */
  validTo?: string | null;
  /** The OrganId that took over (merge, dissolution with a successor). */
  successorOrganId?: string | null;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const realDay = (v: string) => DAY.test(v) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v;

/** Does `organId` fall within the system's prefixes (none = any)? */
export const withinPrefixes = (system: Pick<AxisSystem, 'organIdPrefixes'>, organId: string) =>
  system.organIdPrefixes.length === 0 || system.organIdPrefixes.some((p) => organId.startsWith(p));

/**
 * Replaces the list of units `system` serves. An OrganId served by another system → 409 naming
 * it; one outside the system's prefixes → 403. Queued packages for a unit wait for whoever serves
 * it, so a unit that moves to another system takes its queue along.
 */
export async function putDirectory(deps: Pick<Deps, 'db' | 'clock'>, system: AxisSystem, units: DirectoryUnit[]) {
  const seen = new Set<string>();
  for (const u of units) {
    for (const id of [u.organId, ...(u.parentOrganId ? [u.parentOrganId] : []), ...(u.successorOrganId ? [u.successorOrganId] : [])]) {
      if (!ORGAN_ID.test(id)) {
        throw badRequest(`Mã định danh "${id}" không hợp lệ (tối đa 35 ký tự: chữ, số, dấu chấm)`, `OrganId "${id}" is invalid (up to 35 letters, digits or dots)`);
      }
    }
    if (seen.has(u.organId)) throw badRequest(`Mã định danh ${u.organId} lặp lại`, `OrganId ${u.organId} is listed twice`);
    seen.add(u.organId);
    if (!u.name.trim()) throw badRequest(`Thiếu tên đơn vị ${u.organId}`, `Unit ${u.organId} has no name`);
    if (u.validTo && !realDay(u.validTo)) {
      throw badRequest(`validTo của ${u.organId} phải là một ngày có thật dạng YYYY-MM-DD`, `validTo of ${u.organId} must be a real date as YYYY-MM-DD`);
    }
    if (u.successorOrganId && u.successorOrganId === u.organId) {
      throw badRequest(`successorOrganId của ${u.organId} không được là chính nó`, `successorOrganId of ${u.organId} cannot be itself`);
    }
    if (u.successorOrganId && !u.validTo) {
      throw badRequest(`Đơn vị ${u.organId} có successorOrganId thì phải có validTo (ngày cuối)`, `Unit ${u.organId} has a successorOrganId but no validTo (its last day)`);
    }
    if (!withinPrefixes(system, u.organId)) {
      throw forbidden(
        `Hệ thống ${system.systemId} không được phục vụ mã ${u.organId} (tiền tố cho phép: ${system.organIdPrefixes.join(', ')})`,
        `System ${system.systemId} may not serve ${u.organId} (allowed prefixes: ${system.organIdPrefixes.join(', ')})`,
      );
    }
  }
  const at = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${DIRECTORY_LOCK})`);
    const ids = [...seen];
    if (ids.length) {
      const [taken] = await tx
        .select({ organId: axisDirectory.organId, systemId: axisSystems.systemId, name: axisSystems.name })
        .from(axisDirectory)
        .innerJoin(axisSystems, eq(axisSystems.id, axisDirectory.systemId))
        .where(and(inArray(axisDirectory.organId, ids), ne(axisDirectory.systemId, system.id)))
        .orderBy(asc(axisDirectory.organId))
        .limit(1);
      if (taken) {
        throw conflict(
          `Mã định danh ${taken.organId} đã do hệ thống ${taken.systemId} (${taken.name}) phục vụ`,
          `OrganId ${taken.organId} is already served by system ${taken.systemId} (${taken.name})`,
        );
      }
    }
    await tx
      .delete(axisDirectory)
      .where(ids.length ? and(eq(axisDirectory.systemId, system.id), notInArray(axisDirectory.organId, ids)) : eq(axisDirectory.systemId, system.id));
    if (units.length) {
      await tx
        .insert(axisDirectory)
        .values(units.map((u) => ({
          organId: u.organId, systemId: system.id, name: u.name.trim(), parentOrganId: u.parentOrganId ?? null,
          validTo: u.validTo ?? null, successorOrganId: u.successorOrganId ?? null, updatedAt: at,
        })))
        .onConflictDoUpdate({
          target: axisDirectory.organId,
          set: {
            name: sql`excluded.name`, parentOrganId: sql`excluded.parent_organ_id`, validTo: sql`excluded.valid_to`,
            successorOrganId: sql`excluded.successor_organ_id`, updatedAt: sql`excluded.updated_at`,
          },
        });
    }
    // Packages already queued for units it now serves are waiting for it.
    await notifyAxis(tx, [{ kind: 'inbox', systemId: system.id }]);
  });
  return listDirectory(deps.db, system.id);
}

/** Every system's units (or one system's), by OrganId. */
export async function listDirectory(db: Db, systemUuid?: string) {
  const rows = await db
    .select({
      organId: axisDirectory.organId,
      name: axisDirectory.name,
      parentOrganId: axisDirectory.parentOrganId,
      validTo: axisDirectory.validTo,
      successorOrganId: axisDirectory.successorOrganId,
      systemId: axisSystems.systemId,
      systemName: axisSystems.name,
    })
    .from(axisDirectory)
    .innerJoin(axisSystems, eq(axisSystems.id, axisDirectory.systemId))
    .where(systemUuid ? eq(axisDirectory.systemId, systemUuid) : undefined)
    .orderBy(asc(axisDirectory.organId));
  // validTo and successorOrganId only on the units that ended.
  return rows.map(({ validTo, successorOrganId, ...u }) => ({ ...u, ...(validTo ? { validTo } : {}), ...(successorOrganId ? { successorOrganId } : {}) }));
}
