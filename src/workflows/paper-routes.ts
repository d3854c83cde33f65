import { Type } from 'typebox';
import { Errors, OneOf, Security, Uuid } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Deps } from '../lib/deps.js';
import { AppError } from '../lib/errors.js';
import { URGENCIES } from '../modules/documents/tables.js';
import { type PaperPart, registerPaperIncoming } from './paper-incoming.js';

/** POST /api/incoming/paper (OpenAPI only: the route streams the parts itself). */
const PaperForm = Type.Object({
  type: Type.String({ description: 'document type abbreviation (QĐ, TB, CV for công văn …), checked against the list of types' }),
  subject: Type.String({ description: 'trích yếu, 1–500 characters' }),
  senderName: Type.String({ description: 'the sending body or person as printed, 1–300 characters; shown as the issuer' }),
  number: Type.Optional(Type.String({ description: 'the number printed on the paper (a positive integer)' })),
  notation: Type.Optional(Type.String({ description: 'số, ký hiệu as printed, at most 64 characters' })),
  signedOn: Type.Optional(Type.String({ format: 'date', description: 'the date printed on the paper, YYYY-MM-DD, not after today' })),
  urgency: Type.Optional(OneOf(URGENCIES)),
  file: Type.Array(Type.String({ format: 'binary' }), {
    description: 'one or more parts, at most 20: JPEG/PNG photos (made into one PDF, one A4 page each, in the order sent) and/or PDFs (kept as they are); the first file sent is the main file',
  }),
});

const PaperBody = Type.Object({
  documentId: Uuid,
  deliveryId: Uuid,
  incomingNumber: Type.Integer({ description: 'số đến: the next number of the unit\'s incoming register' }),
});

/** Registering an incoming paper document (văn bản giấy) from a scan. */
export async function paperRoutes(app: App, deps: Deps) {
  app.post('/api/incoming/paper', {
    schema: {
      tags: ['incoming'], security: Security, summary: 'Vào sổ văn bản đến bằng giấy (ảnh chụp hoặc bản quét) — văn thư',
      description: 'Clerk only (403). Multipart: the metadata fields and one or more `file` parts. Files are judged by content: not a PDF, JPEG or PNG → 415 naming the file; a damaged image or PDF → 422; an image over 16 MP (PNG) / 100 MP (JPEG), or images over 200 MP together → 422; a file over MAX_UPLOAD_MB, or the images together over it → 413; no file, a missing or bad field → 400. The document is issued by the unit standing for senders on no system, `senderName` shown as its issuer, and delivered to the clerk\'s unit, accepted at once with the next số đến; then it flows like any delivery. Nothing is kept on any failure.',
      consumes: ['multipart/form-data'],
      bodyDoc: { content: { 'multipart/form-data': PaperForm } },
      response: { 201: PaperBody, ...Errors },
    },
  }, async (req, reply) => {
    if (!req.isMultipart()) {
      throw new AppError('unsupported_media_type', { vi: 'Yêu cầu phải là multipart/form-data', en: 'Request must be multipart/form-data' });
    }
    async function* parts(): AsyncGenerator<PaperPart> {
      for await (const p of req.parts()) {
        if (p.type === 'file') yield { kind: 'file', fieldname: p.fieldname, filename: p.filename, stream: p.file };
        else yield { kind: 'field', name: p.fieldname, value: String(p.value) };
      }
    }
    return reply.code(201).send(await registerPaperIncoming(deps, req.actor, parts()));
  });
}
