import { Type } from 'typebox';
import type { App } from '../../http/types.js';
import { IdParams, Security, Uuid } from '../../http/schemas.js';
import type { Deps } from '../../lib/deps.js';
import { getUser, listUnitPeople, listUsers, presentUser, createUser } from './users.js';
import { createUnit, listUnits, presentUnit, updateUnit } from './units.js';
import { ROLES, UNIT_KINDS, UNIT_LEVELS } from './tables.js';
import { badRequest, unauthorized } from '../../lib/errors.js';
import { unitsOn } from './history.js';
import * as S from './schemas.js';
import { recipientGroupRoutes } from './recipient-group-routes.js';

const Kind = Type.Union(UNIT_KINDS.map((k) => Type.Literal(k)));
const Level = Type.Union(UNIT_LEVELS.map((l) => Type.Literal(l)), { description: 'province | district | commune; absent = from the parent and the name' });
const RoleT = Type.Union(ROLES.map((r) => Type.Literal(r)));
const Flag = Type.Union([Type.Literal('1'), Type.Literal('0'), Type.Literal('true'), Type.Literal('false')]);
const Any = Type.Unknown({ description: 'not changed here: a reorganisation (POST /api/units/reorganise)' });
const checkDate = (field: string, v: string) => {
  if (Number.isNaN(Date.parse(`${v}T00:00:00Z`)) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v) {
    throw badRequest(`${field}: phải là một ngày có thật theo dạng YYYY-MM-DD`, `"${field}" must be a real date as YYYY-MM-DD`);
  }
  return v;
};

export async function orgRoutes(app: App, deps: Deps) {
  await recipientGroupRoutes(app, deps);
  app.get('/api/me', { schema: { tags: ['auth'], summary: 'Tài khoản đang đăng nhập — the caller', security: Security, response: { 200: S.MeBody, ...S.Errors } } }, async (req) => {
    const user = await getUser(deps.db, req.actor.userId);
    if (!user) throw unauthorized('Tài khoản không còn hiệu lực', 'Account not active');
    return { user: presentUser(user) };
  });

  app.get('/api/units', {
    schema: {
      tags: ['units'], summary: 'Danh sách đơn vị (external=1: cả đơn vị của hệ thống khác trên trục liên thông)', security: Security,
      querystring: Type.Object({
        external: Type.Optional(Flag),
        on: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD: the tree as it was that day, names as of that day' })),
        all: Type.Optional(Flag),
      }),
      response: { 200: S.UnitsBody, ...S.Errors },
    },
  }, async (req) => {
    const yes = (v?: string) => v === '1' || v === 'true';
    if (req.query.on) return { units: (await unitsOn(deps.db, checkDate('on', req.query.on))).map(presentUnit) };
    return { units: (await listUnits(deps.db, { external: yes(req.query.external), all: yes(req.query.all) })).map(presentUnit) };
  });

  app.get('/api/units/:id/users', { schema: { tags: ['units'], summary: 'Người của một đơn vị (của mình hoặc phòng ban trực thuộc)', security: Security, params: IdParams, response: { 200: S.UnitPeopleBody, ...S.Errors } } }, async (req) => ({
    users: await listUnitPeople(deps.db, req.actor, req.params.id),
  }));

  app.post(
    '/api/units',
    {
      schema: {
        tags: ['units'], security: Security,
        body: Type.Object(
          {
            code: Type.String({ minLength: 1, maxLength: 35 }),
            name: Type.String({ minLength: 1, maxLength: 255 }),
            shortName: Type.String({ minLength: 1, maxLength: 20 }),
            kind: Kind,
            level: Type.Optional(Level),
            parentId: Type.Optional(Type.Union([Uuid, Type.Null()])),
            partyTerm: Type.Optional(Type.Union([Type.String({ pattern: '^\\d{4}-\\d{4}$' }), Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 201: S.UnitBody, ...S.Errors },
      },
    },
    async (req, reply) => {
      const unit = await createUnit(deps.db, req.actor, req.body, deps.clock());
      return reply.code(201).send({ unit: presentUnit(unit) });
    },
  );

  app.patch(
    '/api/units/:id',
    {
      schema: {
        tags: ['units'], security: Security, params: IdParams,
        summary: 'Sửa nhiệm kỳ Đảng, địa danh, cấp, liên hệ của đơn vị (admin) — fields without history only; name, shortName, code, parentId, kind → 400: use POST /api/units/reorganise',
        body: Type.Object(
          {
            partyTerm: Type.Optional(Type.Union([Type.String({ maxLength: 20, description: '"2025-2030"' }), Type.Null()])),
            partyTermStartsOn: Type.Optional(Type.Union([Type.String({ maxLength: 32, description: 'YYYY-MM-DD, the day after the congress closed' }), Type.Null()])),
            placeName: Type.Optional(Type.Union([Type.String({ maxLength: 400, description: 'địa danh, ≤ 100 ký tự' }), Type.Null()])),
            level: Type.Optional(Level),
            address: Type.Optional(Type.Union([Type.String({ maxLength: 400 }), Type.Null()])),
            phone: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
            email: Type.Optional(Type.Union([Type.String({ maxLength: 400 }), Type.Null()])),
            website: Type.Optional(Type.Union([Type.String({ maxLength: 400 }), Type.Null()])),
            name: Type.Optional(Any), shortName: Type.Optional(Any), code: Type.Optional(Any), parentId: Type.Optional(Any), kind: Type.Optional(Any),
          },
          { additionalProperties: false },
        ),
        response: { 200: S.UnitBody, ...S.Errors },
      },
    },
    async (req) => ({ unit: presentUnit(await updateUnit(deps.db, req.actor, req.params.id, req.body as never, deps.clock())) }),
  );

  app.get('/api/users', {
    schema: {
      tags: ['users'], summary: 'Danh sách tài khoản (admin) — every user, by name; ?unitId= one unit, ?q= name or username', security: Security,
      querystring: Type.Object({
        unitId: Type.Optional(Uuid),
        q: Type.Optional(Type.String({ maxLength: 100 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
        offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
      }),
      response: { 200: S.UsersBody, ...S.Errors },
    },
  }, async (req) => {
    const { users, total } = await listUsers(deps.db, req.actor, {
      unitId: req.query.unitId, q: req.query.q, limit: req.query.limit ?? 100, offset: req.query.offset ?? 0,
    });
    return { users: users.map(presentUser), total };
  });

  app.post(
    '/api/users',
    {
      schema: {
        tags: ['users'], security: Security,
        body: Type.Object(
          {
            username: Type.String({ minLength: 3, maxLength: 64 }),
            password: Type.String({ minLength: 8, maxLength: 1024 }),
            fullName: Type.String({ minLength: 1, maxLength: 255 }),
            unitId: Uuid,
            roles: Type.Array(RoleT, { minItems: 1, maxItems: 4 }),
            title: Type.Optional(Type.String({ maxLength: 255 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: S.UserBody, ...S.Errors },
      },
    },
    async (req, reply) => {
      const user = await createUser(deps.db, req.actor, req.body, deps.clock());
      return reply.code(201).send({ user: presentUser(user) });
    },
  );
}
