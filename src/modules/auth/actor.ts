import type { Role } from '../orgs/tables.js';

/** Who is acting: passed into every service instead of loose ids. */
export interface Actor {
  userId: string;
  unitId: string;
  roles: Role[];
}

export const hasRole = (actor: Actor, ...roles: Role[]) => roles.some((r) => actor.roles.includes(r));
