import { sql } from 'drizzle-orm';
import { type AnyPgColumn, bigserial, boolean, date, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

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
    /** Set when a reorganisation dissolves or merges the unit (with `validTo`); its documents stay. */
    dissolvedAt: timestamp('dissolved_at', { withTimezone: true }),
    /** The first day the unit exists (Vietnam date); null = always (before any reorganisation we know of). */
    validFrom: date('valid_from'),
    /** The LAST day the unit existed, inclusive (the day before a merge/dissolution took effect); null = current. */
    validTo: date('valid_to'),
    /** The unit that took over its people, open work and registers (merge, dissolve with a successor). */
    successorId: uuid('successor_id').references((): AnyPgColumn => units.id),
    /** Contact details (no history): shown in the directory and the exchange header. */
    address: text('address'),
    phone: text('phone'),
    email: text('email'),
    website: text('website'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('units_parent_idx').on(t.parentId)],
);

/**
 * The names and codes a unit has had (renames through a reorganisation), so registers, timelines
 * and search show the name valid at a document's date. One row per period; the current one has
 * `validTo` null. Dates are Vietnam dates, both ends inclusive; `validFrom` null = since always.
 */
export const unitNames = pgTable(
  'unit_names',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    name: text('name').notNull(),
    shortName: text('short_name').notNull(),
    code: text('code').notNull(),
    validFrom: date('valid_from'),
    validTo: date('valid_to'),
  },
  (t) => [index('unit_names_unit_idx').on(t.unitId, t.validFrom)],
);

export const UNIT_CHANGE_KINDS = ['rename', 'move', 'merge', 'split', 'dissolve'] as const;
export type UnitChangeKind = (typeof UNIT_CHANGE_KINDS)[number];

/**
 * The log of a reorganisation: one row per change of an applied plan (`planId` groups them), what it
 * did to which units and who took over. The `unit.reorganised` event of the same transaction
 * carries the same `planId`.
 */
export const unitChanges = pgTable(
  'unit_changes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    planId: uuid('plan_id').notNull(),
    effectiveOn: date('effective_on').notNull(),
    kind: text('kind').$type<UnitChangeKind>().notNull(),
    /** The units the change is about (renamed, moved, merged away, split, dissolved). */
    unitIds: uuid('unit_ids').array().notNull(),
    /** The units that took over (merge target, split parts, dissolve successor); empty for rename/move. */
    successorIds: uuid('successor_ids').array().notNull().default(sql`'{}'::uuid[]`),
    /** What changed: old and new names/codes/parents, counts of what moved. */
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    actorUserId: uuid('actor_user_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('unit_changes_plan_idx').on(t.planId), index('unit_changes_units_idx').using('gin', t.unitIds)],
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
