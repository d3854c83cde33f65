import { Type } from 'typebox';
import { User } from '../orgs/schemas.js';

/** Shared pieces, re-exported so a routes.ts needs one import. */
export { Errors, FileBody, NoContent } from '../../http/schemas.js';
export { UserBody } from '../orgs/schemas.js';

export const LoginBody = Type.Object({
  token: Type.String({ description: 'send as Authorization: Bearer <token>' }),
  user: User,
});

export const PasswordChangedBody = Type.Object({
  endedSessions: Type.Integer({ description: 'how many other sessions of the caller were ended' }),
});
