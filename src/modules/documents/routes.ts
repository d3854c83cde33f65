import { Type } from 'typebox';
import type { App } from '../../http/types.js';
import { parseRange } from '../../http/range.js';
import { IdParams, PageQuery, Security, Uuid, lit } from '../../http/schemas.js';
import { sendError } from '../../http/errors.js';
import type { Deps } from '../../lib/deps.js';
import { createDraft } from './create-draft.js';
import { getDocument, listOutbox, openDocumentFile } from './get-document.js';
import { issueDocument } from './issue-document.js';
import { recallDocument } from './recall-document.js';
import { SECRECIES, URGENCIES } from './tables.js';
import { type UploadPart, uploadFiles } from './upload-files.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));

export async function documentRoutes(app: App, deps: Deps) {
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
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => reply.code(201).send({ document: await createDraft(deps, req.actor, req.body) }),
  );

  app.post(
    '/api/documents/:id/files',
    { schema: { tags, security: Security, params: IdParams, summary: 'Đính kèm tệp PDF (multipart, trường "file", tùy chọn "role")' } },
    async (req, reply) => {
      async function* parts(): AsyncGenerator<UploadPart> {
        for await (const p of req.parts()) {
          if (p.type === 'file') yield { kind: 'file', filename: p.filename, stream: p.file };
          else yield { kind: 'field', name: p.fieldname, value: String(p.value) };
        }
      }
      const files = await uploadFiles(deps, req.actor, req.params.id, parts());
      return reply.code(201).send({ files });
    },
  );

  app.post('/api/documents/:id/issue', { schema: { tags, security: Security, params: IdParams, summary: 'Cấp số và ban hành' } }, async (req) => ({
    document: await issueDocument(deps, req.actor, req.params.id),
  }));

  app.post(
    '/api/documents/:id/recall',
    {
      schema: {
        tags, security: Security, params: IdParams, summary: 'Thu hồi văn bản',
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
      },
    },
    async (req) => ({ document: await recallDocument(deps, req.actor, req.params.id, req.body.reason) }),
  );

  app.get('/api/documents/:id', { schema: { tags, security: Security, params: IdParams } }, async (req) =>
    getDocument(deps, req.actor, req.params.id),
  );

  app.get(
    '/api/documents/:id/files/:fileId',
    { schema: { tags, security: Security, params: Type.Object({ id: Uuid, fileId: Uuid }), summary: 'Tải tệp (hỗ trợ Range)' } },
    async (req, reply) => {
      const file = await openDocumentFile(deps, req.actor, req.params.id, req.params.fileId);
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

  app.get('/api/outbox', { schema: { tags, security: Security, querystring: Type.Object(PageQuery) } }, async (req) =>
    listOutbox(deps, req.actor, req.query),
  );
}
