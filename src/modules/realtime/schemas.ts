import { Type } from 'typebox';
import { Uuid } from '../../http/schemas.js';

/** Shared pieces, re-exported so a routes.ts needs one import. */
export { Errors, FileBody, NoContent } from '../../http/schemas.js';

export const VapidKeyBody = Type.Object({ publicKey: Type.String({ description: 'VAPID application server key (base64url)' }) });
export const SubscriptionBody = Type.Object({ subscription: Type.Object({ id: Uuid }) });
