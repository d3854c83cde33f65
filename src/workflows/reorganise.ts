import type { DbOrTx } from '../db/client.js';
import type { Actor } from '../lib/actor.js';
import type { ReorganisationPlan, ReorganisationReport } from '../modules/orgs/reorg-types.js';

export type { ReorganisationPlan, ReorganisationReport, UnitChange } from '../modules/orgs/reorg-types.js';

/**
 * Applies a reorganisation plan (rename, move, merge, split, dissolve) in ONE transaction, or on a
 * dry run reports what it would do. Every problem of every row is reported at once (400, nothing
 * applied). Merged/dissolved units end the day before `effectiveOn` (validTo), their successor is
 * set, their people and open work (deliveries, assignments, drafts, delegations) move to it.
 */
export async function reorganise(db: DbOrTx, actor: Actor | null, plan: ReorganisationPlan, at: Date): Promise<ReorganisationReport> {
  void db; void actor; void plan; void at;
  throw new Error('not implemented yet');
}
