import { Type } from 'typebox';
import type { App } from '../../http/types.js';
import { IdParams, PageQuery, Security } from '../../http/schemas.js';
import type { Deps } from '../../lib/deps.js';
import { withDelegations } from '../orgs/delegations.js';
import { listOutbox } from './outbox.js';
import { type UploadPart, uploadFiles } from './upload-files.js';
import * as S from './schemas.js';


export async function documentRoutes(app: App, deps: Deps) {
  const tags = ['documents'];

  app.post(
    '/api/documents/:id/files',
    {
      schema: {
        tags, security: Security, params: IdParams, summary: 'Đính kèm tệp PDF (multipart, trường "file", tùy chọn "role")',
        description: 'Only while draft; all or nothing. PDFs only (415), at most MAX_UPLOAD_MB each (413); a PDF that cannot be signed — encrypted, certified against changes, damaged — 422 naming the file; a secret document → 409.',
        consumes: ['multipart/form-data'],
        bodyDoc: { content: { 'multipart/form-data': S.FilesForm } },
        response: { 201: S.FilesBody, ...S.Errors },
      },
    },
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





  app.get('/api/outbox', { schema: { tags, security: Security, summary: 'Văn bản đi của đơn vị, mới nhất trước', querystring: Type.Object(PageQuery), response: { 200: S.OutboxBody, ...S.Errors } } }, async (req) =>
    listOutbox(deps, await withDelegations(deps.db, req.actor, deps.clock()), req.query),
  );
}
