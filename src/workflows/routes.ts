import { Type } from 'typebox';
import { sendError } from '../http/errors.js';
import { parseRange } from '../http/range.js';
import { IdParams, Security, Uuid, lit } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Deps } from '../lib/deps.js';
import * as S from '../modules/documents/schemas.js';
import * as HS from '../modules/handling/schemas.js';
import { SECRECIES, URGENCIES } from '../modules/documents/tables.js';
import { draftDocument } from './create-draft.js';
import { issueDocument, issueOptionsOf } from './issue-document.js';
import { getDocument, openDocumentFile } from './read-document.js';
import { agreeToRecall, recallDocument } from './recall-document.js';

/** A point on a page of the main file: 0-based page (negative from the end), the text's baseline start in PDF points. */
const Placement = Type.Object({
  page: Type.Integer({ minimum: -10_000, maximum: 10_000 }),
  x: Type.Number({ minimum: 0, maximum: 14_400 }),
  y: Type.Number({ minimum: 0, maximum: 14_400 }),
}, { additionalProperties: false });

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));

/**
 * Routes of the use cases that span modules (drafting with a readable answer, reading, issuing,
 * recalling); each parses, authenticates and calls one workflow. Signing routes are in signing-routes.ts.
 */
export async function workflowRoutes(app: App, deps: Deps) {
  const tags = ['documents'];
  app.post(
    '/api/documents',
    {
      schema: {
        tags, security: Security, summary: 'Soạn dự thảo văn bản đi — create a draft',
        body: Type.Object(
          {
            type: Type.String({ minLength: 1, maxLength: 8 }),
            subject: Type.String({ minLength: 1, maxLength: 500 }),
            recipients: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 5000 }),
            urgency: Type.Optional(lit(URGENCIES)),
            secrecy: Type.Optional(lit(SECRECIES)),
            dueDate: Nullable(Type.String({ format: 'date' })),
            signerId: Nullable(Uuid),
            respondsTo: Nullable(Uuid),
            draftingUnitId: Nullable(Uuid),
            replaces: Nullable(Uuid),
            issuerUnitId: Nullable(Uuid),
            paperRecipients: Type.Optional(S.PaperRecipientsIn),
          },
          { additionalProperties: false },
        ),
        response: { 201: S.DocumentBody, ...S.Errors },
      },
    },
    async (req, reply) => reply.code(201).send({ document: await draftDocument(deps, req.actor, req.body) }),
  );

  app.post('/api/documents/:id/issue', {
    schema: {
      tags, security: Security, params: IdParams, summary: 'Cấp số và ban hành',
      description: 'Clerk of the issuer: number and notation, written with the date onto the main file (where it prints "Số:" and "ngày … tháng … năm", or at the given placements; `stamped: false` in the issue event when neither), the unit seal on the files, one delivery per recipient, in one transaction. 409 for a secret document or one already issued; 422 `unprocessable` for an encrypted or broken PDF or a placement off the page.',
      // The body is optional (most calls send none), so it is checked by issueOptionsOf rather than by the schema.
      bodyDoc: { content: { 'application/json': Type.Object({ numberPlacement: Type.Optional(Placement), datePlacement: Type.Optional(Placement) }, { additionalProperties: false }) }, required: false },
      response: { 200: S.DocumentBody, ...S.Errors },
    },
  }, async (req) => ({
    document: await issueDocument(deps, req.actor, req.params.id, issueOptionsOf(req.body)),
  }));

  app.post(
    '/api/documents/:id/recall',
    {
      schema: {
        tags, security: Security, params: IdParams, summary: 'Thu hồi văn bản',
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
        response: { 200: S.DocumentBody, ...S.Errors },
      },
    },
    async (req) => ({ document: await recallDocument(deps, req.actor, req.params.id, req.body.reason) }),
  );

  app.get('/api/documents/:id', { schema: { tags, security: Security, params: IdParams, summary: 'Văn bản: tệp, chữ ký, dòng thời gian', response: { 200: S.DocumentDetailBody, ...S.Errors } } }, async (req) =>
    getDocument(deps, req.actor, req.params.id),
  );

  app.get(
    '/api/documents/:id/files/:fileId',
    {
      schema: {
        tags, security: Security, params: Type.Object({ id: Uuid, fileId: Uuid }), summary: 'Tải tệp (hỗ trợ Range)',
        description: 'Opening a file counts as reading the delivery. ETag = the SHA-256; If-None-Match → 304.',
        response: {
          200: S.FileBody('application/pdf', 'The file'),
          206: S.FileBody('application/pdf', 'The requested byte range (Content-Range)'),
          304: S.NoContent,
          ...S.Errors,
        },
      },
    },
    async (req, reply) => {
      // `X-Purpose: prefetch` (the app storing papers for offline reading) does not count as reading.
      const file = await openDocumentFile(deps, req.actor, req.params.id, req.params.fileId, { prefetch: req.headers['x-purpose'] === 'prefetch' });
      const etag = `"${file.sha256}"`;
      reply
        .header('accept-ranges', 'bytes')
        .header('etag', etag)
        // The same file id gets new bytes when it is signed, so clients revalidate (cheap: 304 by ETag).
        .header('cache-control', 'private, no-cache')
        .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(file.name)}`)
        .type(file.contentType);
      if (req.headers['if-none-match'] === etag) return reply.code(304).send();
      const range = parseRange(req.headers.range, file.size);
      if (range === 'unsatisfiable') {
        reply.header('content-range', `bytes */${file.size}`);
        return sendError(req, reply, 416, 'range_not_satisfiable', { vi: 'Khoảng byte không hợp lệ', en: 'Range not satisfiable' });
      }
      const stream = await deps.store.get(file.sha256, range ?? undefined);
      if (range) {
        reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${file.size}`);
        reply.header('content-length', range.end - range.start + 1);
      } else {
        reply.header('content-length', file.size);
      }
      return reply.send(stream);
    },
  );
  app.post('/api/deliveries/:id/recall/agree', { schema: { tags: ['incoming'], security: Security, params: IdParams, summary: 'Đồng ý thu hồi (15)', response: { 200: HS.RecallAnswerBody, ...HS.Errors } } }, async (req) => agreeToRecall(deps, req.actor, req.params.id));
}
