import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../http/types.js';
import { Security } from '../../http/schemas.js';
import type { Deps } from '../../lib/deps.js';
import { AppError } from '../../lib/errors.js';
import { listDirectory, putDirectory } from './directory.js';
import { listInbox, listSent, markDone, openPackage, receivePackage } from './packages.js';
import * as S from './schemas.js';
import { addSystem, authenticateSystem, listSystems, presentSystem, removeSystem, type AxisSystem } from './systems.js';
import type { AxisMessageType } from './tables.js';
import { AxisWaiters } from './waiters.js';

const XML_TYPES = ['application/xml', 'text/xml'];

/**
 * The province's exchange axis (docs/api.md, "The exchange axis"): admin routes under
 * `/api/axis/` (bearer auth, role admin) and the connected systems' API under `/axis/v1/` (HTTP
 * Basic systemId:secret). Nothing is registered unless `AXIS=1`.
 */
export async function axisRoutes(app: App, deps: Deps) {
  if (!deps.config.axis) return;
  const waiters = new AxisWaiters(deps);
  await waiters.start();
  // Before the HTTP server closes: held long-polls answer now instead of keeping it open.
  app.addHook('preClose', async () => waiters.close());

  const tags = ['axis'];
  app.post('/api/axis/systems', {
    schema: {
      tags, security: Security, summary: 'Đăng ký hệ thống kết nối trục (admin); mật khẩu chỉ hiện một lần',
      body: S.AddSystemJson, response: { 201: S.AddSystemBody, ...S.Errors },
    },
  }, async (req, reply) => {
    const { system, secret } = await addSystem(deps, req.actor, req.body);
    return reply.code(201).send({ system: presentSystem(system), secret });
  });
  app.get('/api/axis/systems', {
    schema: { tags, security: Security, summary: 'Các hệ thống kết nối trục (admin)', response: { 200: S.SystemsBody, ...S.Errors } },
  }, async (req) => {
    if (!req.actor.roles.includes('admin')) {
      throw new AppError('forbidden', { vi: 'Chỉ quản trị viên được xem hệ thống kết nối trục', en: 'Only an admin can list the systems connected to the axis' });
    }
    return { systems: (await listSystems(deps.db)).map(presentSystem) };
  });
  app.delete('/api/axis/systems/:systemId', {
    schema: { tags, security: Security, summary: 'Gỡ hệ thống khỏi trục (admin)', params: S.SystemParams, response: { 204: S.NoContent, ...S.Errors } },
  }, async (req, reply) => {
    await removeSystem(deps, req.actor, req.params.systemId);
    return reply.code(204).send();
  });

  await app.register(async (scope) => {
    const v1 = scope as unknown as App;
    const systems = new WeakMap<FastifyRequest, AxisSystem>();
    const systemOf = (req: FastifyRequest) => systems.get(req)!;
    // HTTP Basic systemId:secret (checked by the hook below), not the bearer token.
    const basic: Array<Record<string, string[]>> = [];
    // The body of POST /edocs is read by the handler as a stream (tee to the store and the header reader).
    v1.addContentTypeParser(XML_TYPES, (_req, _payload, done) => done(null, undefined));
    v1.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      if (!req.routeOptions.url) return;
      try {
        systems.set(req, await authenticateSystem(deps.db, req.headers.authorization));
      } catch (err) {
        if (err instanceof AppError && err.status === 401) reply.header('www-authenticate', 'Basic realm="lienthong-axis", charset="UTF-8"');
        throw err;
      }
    });

    v1.put('/axis/v1/directory', {
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags, security: basic, summary: 'Danh sách đơn vị hệ thống phục vụ (thay thế danh sách trước)',
        body: S.PutDirectoryJson, response: { 200: S.DirectoryBody, ...S.Errors },
      },
    }, async (req) => ({ units: await putDirectory(deps, systemOf(req), req.body.units) }));

    v1.get('/axis/v1/directory', {
      schema: { tags, security: basic, summary: 'Danh bạ đơn vị của mọi hệ thống', response: { 200: S.DirectoryBody, ...S.Errors } },
    }, async () => ({ units: await listDirectory(deps.db) }));

    v1.post('/axis/v1/edocs', {
      schema: {
        tags, security: basic, summary: 'Gửi gói tin edXML (văn bản hoặc trạng thái)',
        description: 'The body is an edXML package (application/xml), streamed. The same package again answers the same docId and is kept once.',
        consumes: XML_TYPES,
        bodyDoc: { content: { 'application/xml': S.PackageXml } },
        response: { 202: S.AcceptedBody, ...S.Errors },
      },
      onRequest: async (req) => {
        const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (!XML_TYPES.includes(type)) {
          throw new AppError('unsupported_media_type', { vi: 'Gói tin phải có kiểu application/xml', en: 'The package must be sent as application/xml' });
        }
      },
    }, async (req, reply) => {
      const length = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
      const { docId } = await receivePackage(deps, systemOf(req), req.raw, Number.isFinite(length) ? length : undefined);
      return reply.code(202).send({ docId });
    });

    v1.get('/axis/v1/edocs', {
      schema: {
        tags, security: basic, summary: 'Gói tin chờ các đơn vị của hệ thống (long-poll với wait)',
        querystring: S.InboxQuery, response: { 200: S.InboxBody, ...S.Errors },
      },
    }, async (req, reply) => {
      const system = systemOf(req);
      const q = req.query;
      const items = await waiters.poll(system.id, 'inbox', q.wait ?? 0,
        () => listInbox(deps.db, system, { messagetype: q.messagetype as AxisMessageType | undefined, limit: q.limit ?? 100 }),
        (stop) => reply.raw.once('close', stop));
      return { items };
    });

    v1.get('/axis/v1/edocs/:docId', {
      schema: {
        tags, security: basic, summary: 'Tải gói tin (chỉ hệ thống phục vụ nơi nhận)',
        params: S.DocParams, response: { 200: S.FileBody('application/xml', 'The package as sent'), ...S.Errors },
      },
    }, async (req, reply) => {
      const { stream, size } = await openPackage(deps, systemOf(req), req.params.docId);
      return reply.type('application/xml').header('content-length', size).send(stream);
    });

    v1.post('/axis/v1/edocs/:docId/done', {
      schema: {
        tags, security: basic, summary: 'Đã nhận gói tin: rời hàng đợi của hệ thống (delivered)',
        params: S.DocParams, response: { 200: S.DoneBody, ...S.Errors },
      },
    }, async (req) => markDone(deps, systemOf(req), req.params.docId));

    v1.get('/axis/v1/sent', {
      schema: {
        tags, security: basic, summary: 'Trạng thái chuyển của các gói tin đã gửi, theo thứ tự (long-poll với wait)',
        querystring: S.SentQuery, response: { 200: S.SentBody, ...S.Errors },
      },
    }, async (req, reply) => {
      const system = systemOf(req);
      const q = req.query;
      let cursor = q.since ?? '0';
      const items = await waiters.poll(system.id, 'sent', q.wait ?? 0, async () => {
        const page = await listSent(deps.db, system, Number(cursor), q.limit ?? 500);
        cursor = page.cursor;
        return page.items;
      }, (stop) => reply.raw.once('close', stop));
      return { items, cursor };
    });
  });
}
