import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../http/types.js';
import { IdParams, Security, Uuid } from '../../http/schemas.js';
import { unauthorized } from '../../lib/errors.js';
import { ROLES, USER_POSITIONS } from '../orgs/tables.js';
import { presentUser } from '../orgs/users.js';
import { changeOwnPassword, disableUser, enableUser, resetPassword, updateAccount } from './accounts.js';
import { type AuthDeps, authenticate, login, logout } from './service.js';
import { TooManyAttempts } from './throttle.js';
import * as S from './schemas.js';

const RoleT = Type.Union(ROLES.map((r) => Type.Literal(r)));
const PositionT = Type.Union([...USER_POSITIONS.map((p) => Type.Literal(p)), Type.Null()], { description: 'head | deputy | acting | by_order | null' });

/** A 429 carries `retry-after` (seconds); the error handler writes the body. */
async function withRetryAfter<T>(reply: FastifyReply, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TooManyAttempts) reply.header('retry-after', String(err.retryAfterSeconds));
    throw err;
  }
}

export async function authRoutes(app: App, deps: AuthDeps) {
  /** The session of this request's token (the onRequest hook has already accepted it). */
  const sessionOf = async (req: FastifyRequest) => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) throw unauthorized('Cần đăng nhập', 'Authentication required');
    return (await authenticate(deps, m[1]!)).sessionId;
  };

  app.post(
    '/api/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Đăng nhập — log in with username and password (429 with retry-after after too many failures)',
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }),
        response: { 200: S.LoginBody, ...S.Errors },
      },
    },
    async (req, reply) => {
      const { token, user } = await withRetryAfter(reply, () =>
        login(deps, req.body, { address: req.ip, userAgent: req.headers['user-agent'] ?? null }));
      return { token, user: presentUser(user) };
    },
  );

  app.post(
    '/api/auth/logout',
    { schema: { tags: ['auth'], summary: 'Đăng xuất — ends this session (this token); its sockets are disconnected', security: Security, response: { 204: S.NoContent, ...S.Errors } } },
    async (req, reply) => {
      await logout(deps, req.actor, await sessionOf(req));
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/me/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Đổi mật khẩu — change my password; every other session of mine ends, this one stays',
        security: Security,
        body: Type.Object(
          { current: Type.String({ minLength: 1, maxLength: 1024 }), next: Type.String({ minLength: 8, maxLength: 1024 }) },
          { additionalProperties: false },
        ),
        response: { 200: S.PasswordChangedBody, ...S.Errors },
      },
    },
    async (req, reply) => {
      const sid = await sessionOf(req);
      return withRetryAfter(reply, () => changeOwnPassword(deps, req.actor, sid, req.body));
    },
  );

  app.patch(
    '/api/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'Sửa tài khoản (admin) — a change of roles or unit ends the person\'s sessions',
        security: Security,
        params: IdParams,
        body: Type.Object(
          {
            fullName: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
            title: Type.Optional(Type.String({ maxLength: 255 })),
            roles: Type.Optional(Type.Array(RoleT, { minItems: 1, maxItems: 4 })),
            unitId: Type.Optional(Uuid),
            position: Type.Optional(PositionT),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: S.UserBody, ...S.Errors },
      },
    },
    async (req) => ({ user: presentUser(await updateAccount(deps, req.actor, req.params.id, req.body)) }),
  );

  app.post(
    '/api/users/:id/disable',
    { schema: { tags: ['users'], summary: 'Khóa tài khoản (admin) — its sessions and sockets end', security: Security, params: IdParams, response: { 200: S.UserBody, ...S.Errors } } },
    async (req) => ({ user: presentUser(await disableUser(deps, req.actor, req.params.id)) }),
  );

  app.post(
    '/api/users/:id/enable',
    { schema: { tags: ['users'], summary: 'Mở khóa tài khoản (admin)', security: Security, params: IdParams, response: { 200: S.UserBody, ...S.Errors } } },
    async (req) => ({ user: presentUser(await enableUser(deps, req.actor, req.params.id)) }),
  );

  app.post(
    '/api/users/:id/password',
    {
      schema: {
        tags: ['users'],
        summary: 'Đặt lại mật khẩu (admin) — every session of the person ends',
        security: Security,
        params: IdParams,
        body: Type.Object({ password: Type.String({ minLength: 8, maxLength: 1024 }) }, { additionalProperties: false }),
        response: { 200: S.UserBody, ...S.Errors },
      },
    },
    async (req) => ({ user: presentUser(await resetPassword(deps, req.actor, req.params.id, req.body.password)) }),
  );
}
