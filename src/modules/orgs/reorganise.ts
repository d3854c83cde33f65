// The orgs module's own part of applying a checked reorganisation plan (check-plan.ts): units, their
// names through time, the log of changes, people, delegations and recipient groups.
// workflows/reorganise.ts runs it with the other modules' parts (deliveries, assignments, drafts) in
// one transaction.
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { recordEvents } from '../events/service.js';
import { dayBefore, type Step } from './check-plan.js';
import { inferLevel } from './levels.js';
import type { NewUnitSpec } from './reorg-types.js';
import { delegations, recipientGroups, unitChanges, unitNames, units, users } from './tables.js';
import type { Unit } from './units.js';

export { checkPlan, dayBefore, planRefused, type Step } from './check-plan.js';

/** The open name period of a unit ends the day before `day`; a new one starts on it. */
async function closeName(tx: DbOrTx, unit: Unit, lastDay: string): Promise<void> {
  const [open] = await tx.select().from(unitNames).where(and(eq(unitNames.unitId, unit.id), isNull(unitNames.validTo))).for('update');
  if (!open) {
    await tx.insert(unitNames).values({ unitId: unit.id, name: unit.name, shortName: unit.shortName, code: unit.code, validFrom: unit.validFrom, validTo: lastDay });
  } else if (open.validFrom !== null && open.validFrom > lastDay) {
    // Renamed again from the same day: that period never was.
    await tx.delete(unitNames).where(eq(unitNames.id, open.id));
  } else {
    await tx.update(unitNames).set({ validTo: lastDay }).where(eq(unitNames.id, open.id));
  }
}

export interface AppliedStep {
  step: Step;
  /** (old unit → the unit that takes over its people and open work) pairs this step makes. */
  handOver: Array<{ from: Unit; to: Unit }>;
  /** Units whose people the admin places (split, dissolve without successor). */
  toPlace: Unit[];
  created: Unit[];
}

/**
 * Applies one checked step to the orgs module's tables in the caller's transaction: the units'
 * rows (an ended unit's `validTo` is the day before `effectiveOn`, `dissolvedAt` set with it), name
 * periods, sub-units of a merged unit moved to the successor, and the change logged.
 */
export async function applyStep(tx: DbOrTx, actor: Actor | null, p: { planId: string; effectiveOn: string; step: Step; at: Date }): Promise<AppliedStep> {
  const { step, effectiveOn, at } = p;
  const lastDay = dayBefore(effectiveOn);
  const reload = async (id: string) => (await tx.select().from(units).where(eq(units.id, id)))[0]!;
  const create = async (spec: NewUnitSpec): Promise<Unit> => {
    const parentLevel = spec.parentId ? (await reload(spec.parentId)).level : null;
    const [u] = await tx.insert(units).values({
      code: spec.code, name: spec.name, shortName: spec.shortName, kind: spec.kind!, parentId: spec.parentId ?? null,
      level: inferLevel(spec.name, parentLevel), validFrom: effectiveOn,
    }).returning();
    await tx.insert(unitNames).values({ unitId: u!.id, name: u!.name, shortName: u!.shortName, code: u!.code, validFrom: effectiveOn, validTo: null });
    return u!;
  };
  const endUnit = async (u: Unit, successorId: string | null) => {
    await closeName(tx, u, lastDay);
    await tx.update(units).set({ validTo: lastDay, dissolvedAt: at, successorId }).where(eq(units.id, u.id));
    if (successorId) await tx.update(units).set({ parentId: successorId }).where(and(eq(units.parentId, u.id), isNull(units.validTo)));
  };
  const out: AppliedStep = { step, handOver: [], toPlace: [], created: [] };
  let unitIds: string[] = [];
  let successorIds: string[] = [];
  let details: Record<string, unknown> = {};
  switch (step.kind) {
    case 'rename': {
      const u = await reload(step.unit.id);
      const next = { name: step.name ?? u.name, shortName: step.shortName ?? u.shortName, code: step.code ?? u.code };
      await closeName(tx, u, lastDay);
      await tx.insert(unitNames).values({ unitId: u.id, ...next, validFrom: effectiveOn, validTo: null });
      await tx.update(units).set(next).where(eq(units.id, u.id));
      unitIds = [u.id];
      details = { before: { name: u.name, shortName: u.shortName, code: u.code }, after: next };
      break;
    }
    case 'move': {
      const u = await reload(step.unit.id);
      await tx.update(units).set({ parentId: step.parentId }).where(eq(units.id, u.id));
      unitIds = [u.id];
      details = { fromParentId: u.parentId, toParentId: step.parentId };
      break;
    }
    case 'merge': {
      const target = 'id' in step.into ? await reload(step.into.id) : await create(step.into);
      if (!('id' in step.into)) out.created.push(target);
      for (const m of step.units) {
        const u = await reload(m.id);
        await endUnit(u, target.id);
        out.handOver.push({ from: u, to: target });
      }
      unitIds = step.units.map((u) => u.id);
      successorIds = [target.id];
      details = { names: step.units.map((u) => u.name), into: { id: target.id, code: target.code, name: target.name, created: out.created.length > 0 } };
      break;
    }
    case 'split': {
      const u = await reload(step.unit.id);
      for (const spec of step.into) out.created.push(await create(spec));
      await endUnit(u, null);
      out.toPlace.push(u);
      unitIds = [u.id];
      successorIds = out.created.map((c) => c.id);
      details = { name: u.name, into: out.created.map((c) => ({ id: c.id, code: c.code, name: c.name })) };
      break;
    }
    case 'dissolve': {
      const u = await reload(step.unit.id);
      await endUnit(u, step.successor?.id ?? null);
      if (step.successor) out.handOver.push({ from: u, to: step.successor });
      else out.toPlace.push(u);
      unitIds = [u.id];
      successorIds = step.successor ? [step.successor.id] : [];
      details = { name: u.name, successor: step.successor ? { id: step.successor.id, name: step.successor.name } : null };
      break;
    }
  }
  await tx.insert(unitChanges).values({ planId: p.planId, effectiveOn, kind: step.kind, unitIds, successorIds, details, actorUserId: actor?.userId ?? null, createdAt: at });
  await recordEvents(tx, [{
    type: 'unit.reorganised', at, actor, unitIds: [...unitIds, ...successorIds],
    data: { planId: p.planId, effectiveOn, kind: step.kind, unitIds, successorIds, ...details },
  }]);
  return out;
}

/**
 * The people of `from` move to `to` (their sessions are ended by the caller: a change of unit);
 * open and future delegations of `from` go with them; recipient groups naming `from` name `to`.
 */
export async function handOverPeople(tx: DbOrTx, actor: Actor | null, p: { from: Unit; to: Unit; at: Date; today: string }) {
  const moved = await tx.update(users).set({ unitId: p.to.id }).where(eq(users.unitId, p.from.id)).returning({ id: users.id, fullName: users.fullName, disabled: users.disabled });
  const dels = await tx.update(delegations).set({ unitId: p.to.id })
    .where(and(eq(delegations.unitId, p.from.id), isNull(delegations.revokedAt), sql`${delegations.endsOn} >= ${p.today}`))
    .returning({ id: delegations.id });
  // Saved recipient lists: the successor in place of the old unit, once.
  await tx.execute(sql`update recipient_groups set unit_ids = (
      select array_agg(distinct x) from unnest(array_replace(unit_ids, ${p.from.id}::uuid, ${p.to.id}::uuid)) x)
    where ${p.from.id}::uuid = any(unit_ids)`);
  await tx.update(recipientGroups).set({ unitId: p.to.id }).where(eq(recipientGroups.unitId, p.from.id));
  if (moved.length > 0 || dels.length > 0) {
    await recordEvents(tx, [{
      type: 'unit.people_moved', at: p.at, actor, unitIds: [p.from.id, p.to.id], userIds: moved.map((u) => u.id),
      data: { fromUnitId: p.from.id, toUnitId: p.to.id, users: moved.length, delegations: dels.length },
    }]);
  }
  return { users: moved, delegations: dels.length };
}

/** The people of a unit (for the list the admin places after a split). */
export async function peopleOf(tx: DbOrTx, unitIds: string[]) {
  if (unitIds.length === 0) return [];
  return tx.select({ id: users.id, fullName: users.fullName, unitId: users.unitId }).from(users).where(inArray(users.unitId, unitIds));
}
