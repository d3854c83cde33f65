import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import type { Actor } from '../lib/actor.js';
import { hasRole } from '../lib/actor.js';
import { forbidden } from '../lib/errors.js';
import { vnDate } from '../lib/time.js';
import { endSessions } from '../modules/auth/service.js';
import { moveOpenDeliveries } from '../modules/dispatch/redirect.js';
import { moveDrafts } from '../modules/documents/redirect.js';
import { moveOpenAssignments } from '../modules/handling/redirect.js';
import { applyStep, checkPlan, handOverPeople, peopleOf, planRefused } from '../modules/orgs/reorganise.js';
import type { ReorganisationPlan, ReorganisationReport } from '../modules/orgs/reorg-types.js';

export type { ReorganisationPlan, ReorganisationReport, UnitChange } from '../modules/orgs/reorg-types.js';

/** Thrown inside a dry run's transaction so that everything it did is rolled back. */
class DryRun extends Error {
  constructor(readonly report: ReorganisationReport) {
    super('dry run');
  }
}

/**
 * Applies a reorganisation plan (rename, move, merge, split, dissolve) in ONE transaction, or on a
 * dry run reports what it would do and changes nothing (the same work, rolled back, so the report
 * is exactly what applying would do). Every problem of every row is reported at once (400 with
 * `problems`, nothing applied). `effectiveOn` is today or earlier (a future date is refused: no job
 * waits for it). A merged or dissolved unit ends the day before `effectiveOn` (`validTo`), its
 * successor set; its people (sessions ended: a change of unit), open deliveries, assignments,
 * drafts and delegations go to the successor, each with its event. People of a split unit, or of
 * one dissolved without a successor, are listed for the admin to place.
 */
export async function reorganise(db: DbOrTx, actor: Actor | null, plan: ReorganisationPlan, at: Date): Promise<ReorganisationReport> {
  if (actor && !hasRole(actor, 'admin')) throw forbidden('Chỉ quản trị viên được tổ chức lại đơn vị', 'Only an admin can reorganise units');
  const today = vnDate(at);
  const dryRun = plan.dryRun === true;
  try {
    return await db.transaction(async (tx) => {
      // One plan at a time: two admins applying plans at once would each check against a tree the other changes.
      await tx.execute(sql`select pg_advisory_xact_lock(7263110015)`);
      const { steps, problems } = await checkPlan(tx, plan, today);
      if (problems.length > 0) throw planRefused(problems);
      const planId = randomUUID();
      const report: ReorganisationReport = {
        planId: dryRun ? null : planId, effectiveOn: plan.effectiveOn, dryRun, applied: !dryRun,
        changes: [], usersMoved: [], usersToPlace: [], moved: { deliveries: 0, assignments: 0, drafts: 0, delegations: 0 },
      };
      const toPlace = new Set<string>();
      for (const step of steps) {
        const done = await applyStep(tx, actor, { planId, effectiveOn: plan.effectiveOn, step, at });
        for (const { from, to } of done.handOver) {
          const people = await handOverPeople(tx, actor, { from, to, at, today });
          for (const u of people.users) {
            report.usersMoved.push({ userId: u.id, fullName: u.fullName, fromUnitId: from.id, toUnitId: to.id });
            if (!dryRun) await endSessions(tx, { userId: u.id, unitId: from.id, reason: 'unit', actor }, at);
          }
          report.moved.delegations += people.delegations;
          report.moved.deliveries += await moveOpenDeliveries(tx, actor, { fromUnitId: from.id, fromCode: from.code, toUnitId: to.id, at });
          report.moved.assignments += await moveOpenAssignments(tx, actor, { fromUnitId: from.id, toUnitId: to.id, at });
          report.moved.drafts += await moveDrafts(tx, actor, { fromUnitId: from.id, toUnitId: to.id, at });
        }
        done.toPlace.forEach((u) => toPlace.add(u.id));
        const units = step.kind === 'merge' ? step.units : [step.unit];
        const successors = step.kind === 'merge' ? [step.into] : step.kind === 'split' ? step.into : step.kind === 'dissolve' && step.successor ? [step.successor] : [];
        const created = new Map(done.created.map((c) => [c.code, c]));
        report.changes.push({
          index: step.index, kind: step.kind,
          units: units.map((u) => ({ id: u.id, code: u.code, name: u.name })),
          successors: successors.map((s) => {
            const made = created.get(s.code);
            return { id: made ? (dryRun ? null : made.id) : ("id" in s ? (s.id as string) : null), code: s.code, name: s.name, created: Boolean(made) };
          }),
          summary: summaryOf(step, successors.map((s) => s.name)),
        });
      }
      report.usersToPlace = (await peopleOf(tx, [...toPlace])).map((u) => ({ userId: u.id, fullName: u.fullName, unitId: u.unitId }));
      if (dryRun) throw new DryRun(report);
      return report;
    });
  } catch (err) {
    if (err instanceof DryRun) return err.report;
    throw err;
  }
}

function summaryOf(step: Parameters<typeof applyStep>[2]['step'], successorNames: string[]): string {
  switch (step.kind) {
    case 'rename': return `Đổi tên/mã ${step.unit.name} → ${[step.name, step.shortName, step.code].filter(Boolean).join(' · ')}`;
    case 'move': return `Chuyển ${step.unit.name} sang đơn vị cấp trên mới`;
    case 'merge': return `Sáp nhập ${step.units.map((u) => u.name).join(', ')} vào ${successorNames[0]}`;
    case 'split': return `Chia tách ${step.unit.name} thành ${successorNames.join(', ')}`;
    case 'dissolve': return `Giải thể ${step.unit.name}${successorNames[0] ? `, kế thừa: ${successorNames[0]}` : ''}`;
  }
}
