import { Type } from 'typebox';
import { FileBody, IdParams, Security, Uuid } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Deps } from '../lib/deps.js';
import { AppError } from '../lib/errors.js';
import { exportDocumentPackage } from './export-package.js';
import { registerPackageByHand } from './import-package.js';

const XML_TYPES = ['application/xml', 'text/xml'];
const Errors = {
  '4xx': Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) }),
};

/**
 * Manual exchange (edXML, QCVN 102): the package of an issued document for its issuer, and a
 * package received by other means (e-mail, USB) registered by a clerk as incoming.
 */
export async function exchangeRoutes(app: App, deps: Deps) {
  const tags = ['exchange'];
  app.get('/api/documents/:id/edxml', {
    schema: {
      tags, security: Security, params: IdParams, summary: 'Gói edXML của văn bản đã ban hành (đơn vị ban hành)',
      description: 'The edXML document package (QCVN 102) of an issued document: header signed with the unit seal when it has one, files base64-encoded, streamed. Only its issuing unit; a secret document or a draft → 409.',
      response: { 200: FileBody('application/xml', 'The edXML package'), ...Errors },
    },
  }, async (req, reply) => {
    const { filename, stream } = await exportDocumentPackage(deps, req.actor, req.params.id);
    return reply
      .type('application/xml; charset=utf-8')
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`)
      .send(stream);
  });

  await app.register(async (scope) => {
    const s = scope as unknown as App;
    // The package is read as a stream by the import (never buffered whole).
    s.addContentTypeParser(XML_TYPES, (_req, _payload, done) => done(null, undefined));
    s.post('/api/exchange/edxml', {
      bodyLimit: deps.config.maxPackageBytes,
      schema: {
        tags, security: Security, summary: 'Vào sổ văn bản đến từ một gói edXML nhận ngoài trục (văn thư)',
        description: 'Body: an edXML document package (application/xml), up to MAX_PACKAGE_MB. Registered as incoming for the clerk\'s unit; the same package twice → the same document. Malformed XML, a DOCTYPE, bad base64, a zip bomb or a header signature that does not verify → 400.',
        consumes: XML_TYPES,
        response: { 202: Type.Object({ documentId: Uuid, result: Type.String() }), ...Errors },
      },
    }, async (req, reply) => {
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!XML_TYPES.includes(type)) {
        throw new AppError('unsupported_media_type', { vi: 'Gói tin phải là application/xml', en: 'The package must be application/xml' });
      }
      const r = await registerPackageByHand(deps, req.actor, req.raw);
      return reply.code(202).send({ documentId: r.documentId, result: r.result });
    });
  });
}
