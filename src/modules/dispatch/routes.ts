import { Type } from 'typebox';
import type { App } from '../../http/types.js';
import { IdParams, PageQuery, Security, lit } from '../../http/schemas.js';
import type { Deps } from '../../lib/deps.js';
import { URGENCIES } from '../documents/tables.js';
import { withDelegations } from '../orgs/delegations.js';
import { getTracking, listInbox } from './inbox.js';
import { acceptDelivery, acknowledgeDelivery, markDeliveryRead, refuseDelivery } from './status.js';
import { DELIVERY_STATUSES, STATUS_CODES, type deliveries } from './tables.js';
import * as S from './schemas.js';
import { trackingCsv } from './tracking-csv.js';


function presentStatus(d: typeof deliveries.$inferSelect) {
  return { deliveryId: d.id, status: d.status, statusCode: STATUS_CODES[d.status], incomingNumber: d.incomingNumber };
}

export async function dispatchRoutes(app: App, deps: Deps) {
  const tags = ['incoming'];
  app.get(
    '/api/inbox',
    {
      schema: {
        tags, security: Security, summary: 'Văn bản đến — hỏa tốc chưa nhận trước, rồi mới nhất',
        querystring: Type.Object({ status: Type.Optional(lit(DELIVERY_STATUSES)), urgency: Type.Optional(lit(URGENCIES)), ...PageQuery }),
        response: { 200: S.InboxBody, ...S.Errors },
      },
    },
    async (req) => listInbox(deps, await withDelegations(deps.db, req.actor, deps.clock()), req.query),
  );
  app.post('/api/deliveries/:id/read', { schema: { tags, security: Security, params: IdParams, summary: 'Đã xem (also recorded when a file is opened)', response: { 200: S.DeliveryStatusBody, ...S.Errors } } }, async (req) =>
    presentStatus(await markDeliveryRead(deps, req.actor, req.params.id)),
  );
  app.post('/api/deliveries/:id/acknowledge', { schema: { tags, security: Security, params: IdParams, summary: 'Đã nhận — stops a flash alarm for the whole unit', response: { 200: S.DeliveryStatusBody, ...S.Errors } } }, async (req) =>
    presentStatus(await acknowledgeDelivery(deps, req.actor, req.params.id)),
  );
  app.post('/api/deliveries/:id/accept', { schema: { tags, security: Security, params: IdParams, summary: 'Tiếp nhận, vào sổ (clerk): incoming number (03)', response: { 200: S.DeliveryStatusBody, ...S.Errors } } }, async (req) =>
    presentStatus(await acceptDelivery(deps, req.actor, req.params.id)),
  );
  app.post(
    '/api/deliveries/:id/refuse',
    {
      schema: {
        tags, security: Security, params: IdParams, summary: 'Từ chối (clerk, 02)',
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
        response: { 200: S.DeliveryStatusBody, ...S.Errors },
      },
    },
    async (req) => presentStatus(await refuseDelivery(deps, req.actor, req.params.id, req.body.reason)),
  );
  app.get('/api/documents/:id/tracking', { schema: { tags: ['documents'], security: Security, params: IdParams, summary: 'Theo dõi: từng nơi nhận (issuer only)', response: { 200: S.TrackingBody, ...S.Errors } } }, async (req) =>
    getTracking(deps, req.actor, req.params.id),
  );
  app.get('/api/documents/:id/tracking.csv', {
    schema: {
      tags: ['documents'], security: Security, params: IdParams, summary: 'Theo dõi dạng CSV: một dòng mỗi nơi nhận, chưa nhận trước (issuer only)',
      response: { 200: { content: { 'text/csv': { schema: Type.Unsafe<string>({ type: 'string', description: 'UTF-8 with BOM, RFC 4180, CRLF' }) } } }, ...S.Errors },
    },
  }, async (req, reply) => {
    const tracking = await getTracking(deps, req.actor, req.params.id);
    return reply
      .header('content-disposition', `attachment; filename="theo-doi-${req.params.id}.csv"`)
      .header('cache-control', 'private, no-store')
      .type('text/csv; charset=utf-8')
      .send(trackingCsv(tracking.deliveries));
  });
}
