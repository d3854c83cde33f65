/** The roles a user may hold (API: admin, clerk = văn thư, leader, officer). */
export const ROLES = ['admin', 'clerk', 'leader', 'officer'] as const;
export type Role = (typeof ROLES)[number];

/** What a leader may hand to a deputy for a date range (handling's delegations). */
export const DELEGATION_SCOPES = ['sign', 'assign'] as const;
export type DelegationScope = (typeof DELEGATION_SCOPES)[number];

/** Who is acting: passed into every service instead of loose ids. */
export interface Actor {
  userId: string;
  unitId: string;
  roles: Role[];
  /**
   * Leader powers held today through a delegation, each naming the leader acted for. Loaded by
   * `withDelegations` (handling) where a policy needs it; absent means "none known".
   */
  delegated?: Partial<Record<DelegationScope, string>>;
}

export const hasRole = (actor: Actor, ...roles: Role[]) => roles.some((r) => actor.roles.includes(r));

/**
 * May `actor` act as a leader of its own unit for `scope`? Its leaders may; so may a deputy holding
 * a delegation for that scope today. `onBehalfOf` names the leader the deputy acts for.
 */
export function leaderPower(actor: Actor, scope: DelegationScope): { allowed: boolean; onBehalfOf: string | null } {
  if (hasRole(actor, 'leader')) return { allowed: true, onBehalfOf: null };
  const from = actor.delegated?.[scope];
  return from ? { allowed: true, onBehalfOf: from } : { allowed: false, onBehalfOf: null };
}
