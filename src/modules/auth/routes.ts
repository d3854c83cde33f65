import { Type } from 'typebox';
import type { App } from '../../http/types.js';
import { presentUser } from '../orgs/users.js';
import { type AuthDeps, login } from './service.js';
import * as S from './schemas.js';

export async function authRoutes(app: App, deps: AuthDeps) {
  app.post(
    '/api/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Đăng nhập — log in with username and password',
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }),
        response: { 200: S.LoginBody, ...S.Errors },
      },
    },
    async (req) => {
      const { token, user } = await login(deps, req.body);
      return { token, user: presentUser(user) };
    },
  );
}
