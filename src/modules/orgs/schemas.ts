import { Type } from 'typebox';
import { Nullable, OneOf, Uuid } from '../../http/schemas.js';
import { ROLES, UNIT_KINDS, UNIT_LEVELS, USER_POSITIONS } from './tables.js';

/** Shared pieces, re-exported so a routes.ts needs one import. */
export { Errors, FileBody, NoContent } from '../../http/schemas.js';

/** presentUser */
export const User = Type.Object({
  id: Uuid,
  username: Type.String(),
  fullName: Type.String(),
  unitId: Uuid,
  roles: Type.Array(OneOf(ROLES)),
  title: Type.String({ description: 'position, e.g. "Chủ tịch"; may be empty' }),
  position: Nullable(OneOf(USER_POSITIONS, { description: 'head (cấp trưởng), deputy (cấp phó), acting (quyền), by_order (thừa lệnh); null = none' })),
  disabled: Type.Boolean({ description: 'a disabled account cannot log in' }),
});

/** presentUnit */
export const Unit = Type.Object({
  id: Uuid,
  code: Type.String({ description: 'electronic identifier (mã định danh, edXML OrganId)' }),
  name: Type.String(),
  shortName: Type.String(),
  kind: OneOf(UNIT_KINDS),
  level: OneOf(UNIT_LEVELS, { description: 'administrative level (cấp): province (tỉnh), district (huyện), commune (xã)' }),
  parentId: Nullable(Uuid),
  partyTerm: Type.Optional(Nullable(Type.String({ description: 'Party units: the current term, e.g. "2025-2030"' }))),
  partyTermStartsOn: Type.Optional(Nullable(Type.String({ description: 'YYYY-MM-DD: the day after the congress closed; Party numbers restart on it' }))),
  placeName: Type.Optional(Nullable(Type.String({ description: 'place name of the date line ("Sơn Hà, ngày …"); null = from the unit name' }))),
  external: Type.Optional(Type.Boolean({ description: 'served by another system on the exchange axis' })),
  systemId: Type.Optional(Nullable(Type.String())),
  systemName: Type.Optional(Nullable(Type.String())),
  validFrom: Type.Optional(Nullable(Type.String({ description: 'YYYY-MM-DD: first day the unit exists; null = always' }))),
  validTo: Type.Optional(Nullable(Type.String({ description: 'YYYY-MM-DD: last day it existed (inclusive); null = current' }))),
  successorId: Type.Optional(Nullable(Uuid)),
  address: Type.Optional(Nullable(Type.String())),
  phone: Type.Optional(Nullable(Type.String())),
  email: Type.Optional(Nullable(Type.String())),
  website: Type.Optional(Nullable(Type.String())),
});

/** A person of a unit, for picking an assignee or a deputy (listUnitPeople). */
export const UnitPerson = Type.Object({
  id: Uuid,
  fullName: Type.String(),
  title: Type.String(),
  roles: Type.Array(OneOf(ROLES)),
  unitId: Uuid,
});

export const MeBody = Type.Object({ user: User });
export const UserBody = Type.Object({ user: User });
export const UnitBody = Type.Object({ unit: Unit });
export const UnitsBody = Type.Object({ units: Type.Array(Unit) });
export const UsersBody = Type.Object({ users: Type.Array(User), total: Type.Integer({ description: 'how many match, all pages together' }) });
export const UnitPeopleBody = Type.Object({ users: Type.Array(UnitPerson) });
