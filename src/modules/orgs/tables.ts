import { sql } from 'drizzle-orm';
import { type AnyPgColumn, boolean, date, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const UNIT_KINDS = ['party', 'council', 'government', 'department', 'school', 'other'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];
/** Administrative level (cấp): tỉnh, huyện, xã — beside `kind`, so recipients can be picked by group ("all communes' People's Committees"). */
export const UNIT_LEVELS = ['province', 'district', 'commune'] as const;
export type UnitLevel = (typeof UNIT_LEVELS)[number];
/** head (cấp trưởng), deputy (cấp phó, signs KT.), acting (quyền, Q.), by_order (TL.). */
export const USER_POSITIONS = ['head', 'deputy', 'acting', 'by_order'] as const;
export type UserPosition = (typeof USER_POSITIONS)[number];
import { DELEGATION_SCOPES, type DelegationScope, ROLES, type Role } from '../../lib/actor.js';

export { DELEGATION_SCOPES, type DelegationScope, ROLES, type Role };

export const units = pgTable(
  'units',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Electronic identifier (mã định danh, edXML OrganId). */
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    shortName: text('short_name').notNull(),
    kind: text('kind').$type<UnitKind>().notNull(),
    /** Administrative level; inferred from the parent and the name when not given (levels.ts). */
    level: text('level').$type<UnitLevel>().notNull().default('district'),
    parentId: uuid('parent_id').references((): AnyPgColumn => units.id),
    /** Party term label (nhiệm kỳ) used for Party-style numbering, e.g. "2025-2030"; null = derived from the date. */
    partyTerm: text('party_term'),
    /** The day after the congress that opened the term closed: Party numbers restart on it (null = 1 January of the congress year). */
    partyTermStartsOn: date('party_term_starts_on'),
    /** Place name written in the date line ("Sơn Hà, ngày 05 tháng 02 năm 2026"); null = derived from the unit's name. */
    placeName: text('place_name'),
    /** The built-in administrators' unit: never a recipient, never listed for picking. */
    internal: boolean('internal').notNull().default(false),
    /**
     * A unit served by another system on the province's exchange axis (from the axis directory):
     * that system's id and name. Null for the units this system serves. Such a unit is a valid
     * recipient; what is sent to it leaves as an edXML package.
     */
    systemId: text('system_id'),
    systemName: text('system_name'),
    /** Set when a reorganisation dissolves or merges the unit; its documents stay. */
    dissolvedAt: timestamp('dissolved_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('units_parent_idx').on(t.parentId)],
);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull().unique(),
    passwordHash: text('password_hash').notNull(),
    fullName: text('full_name').notNull(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    roles: text('roles').array().$type<Role[]>().notNull().default(sql`'{}'::text[]`),
    title: text('title').notNull().default(''),
    /** Where the person stands in the unit's leadership, for the competence line of a signature (thẩm quyền ký). */
    position: text('position').$type<UserPosition>(),
    disabled: boolean('disabled').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('users_unit_idx').on(t.unitId)],
);

/** A leader away hands signing and assigning to a deputy for a date range (Vietnam dates, inclusive). */
export const delegations = pgTable(
  'delegations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    fromUserId: uuid('from_user_id').notNull().references(() => users.id),
    toUserId: uuid('to_user_id').notNull().references(() => users.id),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on').notNull(),
    scopes: text('scopes').array().$type<DelegationScope[]>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('delegations_to_idx').on(t.toUserId)],
);

/**
 * A unit's own saved recipient list (nhóm nơi nhận), e.g. "Các xã vùng lũ": kept by its clerks and
 * leaders, seen by no other unit. `unitIds` are checked to be active units when saved.
 */
export const recipientGroups = pgTable(
  'recipient_groups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    name: text('name').notNull(),
    unitIds: uuid('unit_ids').array().notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('recipient_groups_unit_idx').on(t.unitId)],
);
