// The shapes of a reorganisation plan and its report (POST /api/units/reorganise, `cli reorganise`).
import type { UnitKind } from './tables.js';

export interface NewUnitSpec {
  code: string;
  name: string;
  shortName: string;
  /** Absent (split) = the kind of the unit split. */
  kind?: UnitKind;
  /** Absent (split) = the parent of the unit split. */
  parentId?: string | null;
}

export type UnitChange =
  | { kind: 'rename'; unitId: string; name?: string; shortName?: string; code?: string }
  | { kind: 'move'; unitId: string; parentId: string | null }
  | { kind: 'merge'; unitIds: string[]; into: { unitId: string } | NewUnitSpec }
  | { kind: 'split'; unitId: string; into: NewUnitSpec[] }
  | { kind: 'dissolve'; unitId: string; successorId?: string | null };

export interface ReorganisationPlan {
  /** YYYY-MM-DD (Vietnam date): the first day of the new organisation; not after today. */
  effectiveOn: string;
  /** Report what would happen, change nothing. */
  dryRun?: boolean;
  changes: UnitChange[];
}

/** One problem of a plan: the row (0-based index in `changes`) and field concerned. */
export interface PlanProblem {
  index: number;
  field: string;
  message: string;
  messageEn: string;
}

export interface ReportUnit { id: string; code: string; name: string }

/** What a plan does (or would do, on a dry run). */
export interface ReorganisationReport {
  planId: string | null;
  effectiveOn: string;
  dryRun: boolean;
  applied: boolean;
  changes: Array<{
    index: number;
    kind: UnitChange['kind'];
    units: ReportUnit[];
    /** The unit(s) that take over; for a new unit `id` is null on a dry run. */
    successors: Array<{ id: string | null; code: string; name: string; created: boolean }>;
    summary: string;
  }>;
  /** People moved to a successor. */
  usersMoved: Array<{ userId: string; fullName: string; fromUnitId: string; toUnitId: string }>;
  /** People of a split (or dissolved without successor) unit: the admin places them. */
  usersToPlace: Array<{ userId: string; fullName: string; unitId: string }>;
  /** Open work handed to successors, counted per kind. */
  moved: { deliveries: number; assignments: number; drafts: number; delegations: number };
}
