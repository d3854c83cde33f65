import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { sql } from 'drizzle-orm';
import { Type } from 'typebox';
import { frameworkErrors, installErrorHandler, sendError } from './http/errors.js';
import { openapiTransform, openapiTransformObject } from './http/openapi.js';
import { cachedCompilers } from './http/schema-cache.js';
import type { App } from './http/types.js';
import type { Deps } from './lib/deps.js';
import { AppError } from './lib/errors.js';
import { authRoutes } from './modules/auth/routes.js';
import { authenticateCached } from './modules/auth/service.js';
import { dispatchRoutes } from './modules/dispatch/routes.js';
import { documentRoutes } from './modules/documents/routes.js';
import { orgRoutes } from './modules/orgs/routes.js';
import { signingRoutes } from './modules/signing/routes.js';
import { realtimeRoutes } from './modules/realtime/routes.js';
import { registerRoutes } from './modules/registers/routes.js';
import { handlingRoutes } from './modules/handling/routes.js';
import { createSocketServer } from './modules/realtime/socket.js';
import { startExchange } from './jobs/exchange.js';
import { startWorkers } from './jobs/workers.js';
import { startTextJob } from './jobs/text.js';
import { detectOcr } from './modules/search/ocr.js';
import { pendingTexts } from './modules/search/text-queue.js';
import { webRoutes } from './web/plugin.js';
import { workflowRoutes } from './workflows/routes.js';
import { signingWorkflowRoutes } from './workflows/signing-routes.js';
import { exchangeRoutes } from './workflows/exchange-routes.js';
import { searchRoutes } from './workflows/search-routes.js';
import { startIndexer } from './modules/search/indexer.js';
import { notifyRoutes } from './modules/notify/routes.js';
import { startNotifier } from './jobs/notify.js';

export interface AppDeps extends Deps {
  secret: Uint8Array;
  /** Run the flash-alarm worker on this instance (default yes; every replica may). */
  alarms?: boolean;
}

const EMPTY_SHA = '0'.repeat(64);

/** The HTTP app, wired from its parts; no I/O happens here beyond what `deps` already opened. */
export async function buildApp(deps: AppDeps): Promise<App> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: deps.config.maxJsonBytes,
    trustProxy: deps.config.trustProxy,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    // Fastify's own compilers, each schema compiled once per process (http/schema-cache.ts).
    schemaController: { compilersFactory: cachedCompilers },
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();

  installErrorHandler(app);
  await app.register(multipart, {
    limits: { fileSize: deps.config.maxUploadBytes, files: 20, fields: 20, parts: 60, fieldSize: 64 * 1024 },
    throwFileSizeLimit: true,
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'lienthong', version: '0.1.0', description: 'Liên thông văn bản điện tử — inter-agency document exchange' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    // Multipart and other self-read bodies are described by a route's `schema.bodyDoc` (OpenAPI only).
    transform: openapiTransform,
    transformObject: openapiTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/api/') || req.routeOptions.config?.public || !req.routeOptions.url) return;
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) return sendError(req, reply, 401, 'unauthorized', { vi: 'Cần đăng nhập', en: 'Authentication required' });
    try {
      // Cached for at most 5 s, evicted on every replica when the session ends (auth/session-cache.ts).
      req.actor = (await authenticateCached(deps, m[1]!)).actor;
    } catch (err) {
      if (err instanceof AppError) return sendError(req, reply, err.status, err.code, err.text);
      throw err;
    }
  });

  // Asked once at start (tesseract --list-langs); the text job and /healthz use the answer.
  const ocrStatus = detectOcr({ command: deps.config.ocrCommand, language: deps.config.ocrLanguage });
  app.get(
    '/healthz',
    {
      schema: {
        hide: true,
        response: {
          200: Type.Object({
            status: Type.String({ description: 'ok' }),
            details: Type.Object({
              ocr: Type.Union([Type.Literal('available'), Type.Literal('unavailable')], { description: 'Scanned pages are read (Tesseract with OCR_LANGUAGE)' }),
              textQueue: Type.Integer({ description: 'Files waiting for their text to be read (counted up to 10000)' }),
              sms: Type.Boolean({ description: 'SMS notifications are configured (SMS_URL)' }),
              email: Type.Boolean({ description: 'Email notifications are configured (SMTP_URL)' }),
            }),
          }),
          503: Type.Object({ status: Type.String({ description: 'unavailable' }) }),
        },
      },
    }, async (req, reply) => {
    try {
      await deps.db.execute(sql`select 1`);
      await deps.store.stat(EMPTY_SHA);
      const [ocr, textQueue] = await Promise.all([ocrStatus, pendingTexts(deps.db)]);
      return {
        status: 'ok',
        details: { ocr: ocr.available ? ('available' as const) : ('unavailable' as const), textQueue, sms: Boolean(deps.config.sms), email: Boolean(deps.config.mail) },
      };
    } catch (err) {
      req.log.warn({ err }, 'health check failed');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });

  await authRoutes(app, deps);
  await orgRoutes(app, deps);
  await documentRoutes(app, deps);
  await dispatchRoutes(app, deps);
  await signingRoutes(app, deps);
  await (await import('./modules/signing/pki-routes.js')).pkiRoutes(app, deps);
  await realtimeRoutes(app, deps);
  await registerRoutes(app, deps);
  await handlingRoutes(app, deps);
  await (await import('./modules/axis/routes.js')).axisRoutes(app, deps);
  await workflowRoutes(app, deps);
  await (await import('./workflows/draft-routes.js')).draftRoutes(app, deps);
  await (await import('./workflows/preview-routes.js')).previewRoutes(app, deps);
  await signingWorkflowRoutes(app, deps);
  await exchangeRoutes(app, deps);
  await searchRoutes(app, deps);
  await notifyRoutes(app, deps);
  await (await import('./workflows/paper-routes.js')).paperRoutes(app, deps);
  await (await import('./workflows/reorganise-routes.js')).reorganiseRoutes(app, deps);
  await webRoutes(app, deps);

  const io = createSocketServer(app.server, deps);
  const workers = await startWorkers(deps, io, { alarms: deps.alarms ?? true });
  // The search index follows committed events (searches also catch it up before they run).
  const indexer = await startIndexer(deps);
  // SMS and email beyond the browser, derived from committed events (jobs/notify.ts).
  const notifier = await startNotifier(deps);
  // The text of stored files (search), read in the background; TEXT_EXTRACTION=0 turns it off here.
  const texts = deps.config.textExtraction ? await startTextJob(deps) : null;
  // The daily signed (and, with TSA_URL, timestamped) checkpoint of the audit chain.
  (await import('./jobs/audit.js')).startAuditJob(app, deps);
  // Connected to the province's exchange axis: publish, send, receive (jobs/exchange.ts).
  const exchange = deps.config.axisClient ? startExchange(deps) : null;
  app.decorate('exchange', exchange);
  app.decorate('io', io);
  // Before the HTTP server closes: it would otherwise wait for open websockets forever.
  app.addHook('preClose', async () => {
    await exchange?.stop();
    await workers.stop();
    await indexer.stop();
    await notifier.stop();
    await texts?.stop();
    io.disconnectSockets(true);
    io.engine.close();
  });
  return app;
}
