import { Type } from 'typebox';
import { Uuid } from '../../http/schemas.js';

/** Shared pieces, re-exported so a routes.ts needs one import. */
export { Errors, FileBody, NoContent } from '../../http/schemas.js';

export const VapidKeyBody = Type.Object({ publicKey: Type.String({ description: 'VAPID application server key (base64url)' }) });
export const SubscriptionBody = Type.Object({ subscription: Type.Object({ id: Uuid }) });

export const Device = Type.Object({
  id: Uuid,
  createdAt: Type.String({ format: 'date-time' }),
  label: Type.String({ description: 'browser · system, from the User-Agent sent when subscribing ("Chrome · Android")' }),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  thisDevice: Type.Boolean({ description: 'the subscription whose endpoint the request named' }),
});
export const DevicesBody = Type.Object({ subscriptions: Type.Array(Device) });
