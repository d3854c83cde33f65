import { Type } from 'typebox';
import type { App } from '../../http/types.js';
import { IdParams, Security } from '../../http/schemas.js';
import type { Deps } from '../../lib/deps.js';
import { deleteOwnSubscription, listOwnSubscriptions } from './devices.js';
import { deleteSubscription, saveSubscription, vapidKeys } from './web-push.js';
import * as S from './schemas.js';

const Sub = Type.Object(
  {
    endpoint: Type.String({ minLength: 10, maxLength: 2048 }),
    keys: Type.Object({ p256dh: Type.String({ minLength: 80, maxLength: 100 }), auth: Type.String({ minLength: 16, maxLength: 32 }) }),
    expirationTime: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  },
  { additionalProperties: false },
);

export async function realtimeRoutes(app: App, deps: Deps) {
  const tags = ['push'];
  app.get('/api/push/vapid-public-key', { schema: { tags, security: Security, summary: 'Khóa VAPID cho Web Push', response: { 200: S.VapidKeyBody, ...S.Errors } } }, async () => ({ publicKey: (await vapidKeys(deps.db)).publicKey }));
  app.post('/api/push/subscriptions', { schema: { tags, security: Security, body: Sub, summary: 'Đăng ký Web Push (PushSubscription.toJSON())', response: { 201: S.SubscriptionBody, ...S.Errors } } }, async (req, reply) =>
    reply.code(201).send({ subscription: await saveSubscription(deps, req.actor, req.body, req.headers['user-agent']) }),
  );
  app.delete('/api/push/subscriptions', { schema: { tags, security: Security, summary: 'Hủy đăng ký Web Push', body: Type.Object({ endpoint: Type.String({ maxLength: 2048 }) }), response: { 204: S.NoContent, ...S.Errors } } }, async (req, reply) => {
    await deleteSubscription(deps.db, req.actor, req.body.endpoint);
    return reply.code(204).send();
  });
  // The account page: which of my devices will ring.
  app.get('/api/me/push-subscriptions', {
    schema: {
      tags, security: Security, summary: 'Các trình duyệt của tôi nhận Web Push',
      querystring: Type.Object({ endpoint: Type.Optional(Type.String({ maxLength: 2048, description: 'this browser\'s endpoint, to mark thisDevice' })) }, { additionalProperties: false }),
      response: { 200: S.DevicesBody, ...S.Errors },
    },
  }, async (req) => ({ subscriptions: await listOwnSubscriptions(deps.db, req.actor, req.query.endpoint) }));
  app.delete('/api/me/push-subscriptions/:id', { schema: { tags, security: Security, summary: 'Bỏ một trình duyệt của tôi khỏi Web Push', params: IdParams, response: { 204: S.NoContent, ...S.Errors } } }, async (req, reply) => {
    await deleteOwnSubscription(deps.db, req.actor, req.params.id);
    return reply.code(204).send();
  });
}
