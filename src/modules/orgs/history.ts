// Units through time: which units had ended (merged, split, dissolved) and into whom, the tree as it
// was on a day, and the SQL that names a unit as it was named on a document's date
// (`unit_name_on(unit, day)`, migration 0029: "UBND xã A (nay là xã C)").
import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { isUuid } from '../../lib/ids.js';
import { badRequest } from '../../lib/errors.js';
import { dayBefore } from './check-plan.js';
import type { Unit } from './units.js';

/** SQL: the name of the unit `unitId` on the Vietnam day of `at` (a timestamptz), "(nay là …)" added for a unit that no longer exists. */
export const unitNameAt = (unitId: SQL | unknown, at: SQL | unknown): SQL =>
  sql`unit_name_on(${unitId}, ((${at}) at time zone 'Asia/Ho_Chi_Minh')::date)`;

/** SQL: the same on a Vietnam date (YYYY-MM-DD). */
export const unitNameOn = (unitId: SQL | unknown, day: SQL | unknown): SQL => sql`unit_name_on(${unitId}, (${day})::date)`;

/** The name of a unit on a day (YYYY-MM-DD), "(nay là …)" added for a unit that no longer exists. */
export async function unitNameOnDay(db: DbOrTx, unitId: string, day: string): Promise<string> {
  const [row] = (await db.execute(sql`select ${unitNameOn(sql`${unitId}::uuid`, day)} as name`)) as unknown as Array<{ name: string | null }>;
  return row?.name ?? '';
}

export interface EndedUnit {
  unit: Pick<Unit, 'id' | 'name' | 'validTo'>;
  /** The unit that carries on today (the end of the successor chain), null when there is none. */
  successor: Pick<Unit, 'id' | 'name' | 'shortName'> | null;
}

/** Among `ids`, the units that have ended (validTo set), each with the unit that carries on today. */
export async function endedUnits(db: DbOrTx, ids: string[]): Promise<Map<string, EndedUnit>> {
  const valid = [...new Set(ids.filter(isUuid))];
  if (valid.length === 0) return new Map();
  const rows = (await db.execute(sql`
    with recursive chain(start, id, successor_id, ended, depth) as (
      select u.id, u.id, u.successor_id, u.valid_to is not null, 0 from units u
      where u.id = any(${`{${valid.join(',')}}`}::uuid[]) and u.valid_to is not null
      union all
      select c.start, s.id, s.successor_id, s.valid_to is not null, c.depth + 1 from chain c join units s on s.id = c.successor_id
      where c.ended and c.depth < 20)
    select distinct on (c.start) c.start, o.name as start_name, o.valid_to as start_valid_to,
      c.id as last_id, c.ended as last_ended, l.name as last_name, l.short_name as last_short_name
    from chain c join units o on o.id = c.start join units l on l.id = c.id
    order by c.start, c.depth desc`)) as unknown as Array<{
      start: string; start_name: string; start_valid_to: string; last_id: string; last_ended: boolean; last_name: string; last_short_name: string;
    }>;
  return new Map(rows.map((r) => [r.start, {
    unit: { id: r.start, name: r.start_name, validTo: String(r.start_valid_to).slice(0, 10) },
    successor: r.last_id !== r.start && !r.last_ended ? { id: r.last_id, name: r.last_name, shortName: r.last_short_name } : null,
  }]));
}

/**
 * A draft may not be addressed to a unit that has ended: 400 naming the unit that took over
 * ("… đã sáp nhập vào …"), or saying it no longer exists.
 */
export function refuseEndedRecipients(ended: Map<string, EndedUnit>): void {
  const first = [...ended.values()][0];
  if (!first) return;
  const since = first.unit.validTo ? nextDay(first.unit.validTo) : null;
  const more = ended.size > 1 ? ` (và ${ended.size - 1} nơi nhận khác)` : '';
  const moreEn = ended.size > 1 ? ` (and ${ended.size - 1} more)` : '';
  if (first.successor) {
    throw badRequest(
      `Nơi nhận ${first.unit.name} đã sáp nhập vào ${first.successor.name}${since ? ` từ ngày ${vnDay(since)}` : ''}; hãy gửi cho ${first.successor.name}${more}`,
      `Recipient ${first.unit.name} was merged into ${first.successor.name}${since ? ` on ${since}` : ''}; send to ${first.successor.name}${moreEn}`,
    );
  }
  throw badRequest(
    `Nơi nhận ${first.unit.name} không còn hoạt động${since ? ` từ ngày ${vnDay(since)}` : ''}${more}`,
    `Recipient ${first.unit.name} no longer exists${since ? ` (since ${since})` : ''}${moreEn}`,
  );
}

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const vnDay = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

/** The units of `unitId`'s past: those whose successor chain leads to it (their registers are now its). */
export async function predecessorsOf(db: DbOrTx, unitId: string): Promise<string[]> {
  const rows = (await db.execute(sql`
    with recursive up(id, depth) as (
      select u.id, 1 from units u where u.successor_id = ${unitId}::uuid
      union select u.id, up.depth + 1 from units u join up on u.successor_id = up.id where up.depth < 20)
    select id from up`)) as unknown as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

/**
 * The units as they were on `day`: those existing that day (validFrom ≤ day ≤ validTo), each with
 * the name, short name and code it bore then. Parents are today's (moves keep no history).
 */
export async function unitsOn(db: DbOrTx, day: string): Promise<Unit[]> {
  const rows = (await db.execute(sql`
    select u.id from units u
    where not u.internal and u.system_id is null
      and (u.valid_from is null or u.valid_from <= ${day}::date) and (u.valid_to is null or u.valid_to >= ${day}::date)`)) as unknown as Array<{ id: string }>;
  if (rows.length === 0) return [];
  const names = (await db.execute(sql`
    select distinct on (u.id) u.*, n.name as n_name, n.short_name as n_short_name, n.code as n_code
    from units u left join unit_names n on n.unit_id = u.id
      and (n.valid_from is null or n.valid_from <= ${day}::date) and (n.valid_to is null or n.valid_to >= ${day}::date)
    where u.id = any(${`{${rows.map((r) => r.id).join(',')}}`}::uuid[])
    order by u.id, n.valid_from desc nulls last`)) as unknown as Array<Record<string, unknown>>;
  return names.map(rowToUnit).sort((a, b) => a.code.localeCompare(b.code));
}

/** A raw `units` row (plus the name columns of a period) as drizzle would return it. */
function rowToUnit(r: Record<string, unknown>): Unit {
  const day = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));
  const ts = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  return {
    id: r.id as string, code: (r.n_code ?? r.code) as string, name: (r.n_name ?? r.name) as string, shortName: (r.n_short_name ?? r.short_name) as string,
    kind: r.kind as Unit['kind'], level: r.level as Unit['level'], parentId: (r.parent_id ?? null) as string | null,
    partyTerm: (r.party_term ?? null) as string | null, partyTermStartsOn: day(r.party_term_starts_on), placeName: (r.place_name ?? null) as string | null,
    internal: Boolean(r.internal), systemId: (r.system_id ?? null) as string | null, systemName: (r.system_name ?? null) as string | null,
    dissolvedAt: ts(r.dissolved_at), validFrom: day(r.valid_from), validTo: day(r.valid_to), successorId: (r.successor_id ?? null) as string | null,
    address: (r.address ?? null) as string | null, phone: (r.phone ?? null) as string | null, email: (r.email ?? null) as string | null,
    website: (r.website ?? null) as string | null, createdAt: ts(r.created_at)!,
  };
}

export { dayBefore };
