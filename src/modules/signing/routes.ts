import type { MultipartFile } from '@fastify/multipart';
import { Type } from 'typebox';
import type { App } from '../../http/types.js';
import { IdParams, Security } from '../../http/schemas.js';
import type { Deps } from '../../lib/deps.js';
import { AppError, badRequest } from '../../lib/errors.js';
import { listCertificates, uploadCertificate, uploadSignatureImage } from './keys-service.js';
import { addTrustAnchor, listTrustAnchors } from './trust-service.js';
import { verifyUploadedPdf } from './verdicts.js';
import { CERT_OWNERS, type CertOwner } from './tables.js';
import * as S from './schemas.js';

const SMALL_FILE = 1024 * 1024;

/** Reads a small multipart form (a key file, an image) whole: fields may come before or after the file. */
async function smallForm(parts: AsyncIterableIterator<MultipartFile | { type: 'field'; fieldname: string; value: unknown }>, limit: number) {
  const fields: Record<string, string> = {};
  let file: Buffer | null = null;
  for await (const part of parts) {
    if (part.type === 'file') {
      if (part.fieldname !== 'file' || file) {
        part.file.resume();
        continue;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of part.file) {
        size += (c as Buffer).length;
        if (size > limit) throw new AppError('payload_too_large', { vi: 'Tệp quá lớn', en: 'File too large' });
        chunks.push(c as Buffer);
      }
      file = Buffer.concat(chunks);
    } else {
      fields[part.fieldname] = String(part.value);
    }
  }
  if (!file) throw badRequest('Thiếu tệp (trường "file")', 'Missing file (field "file")');
  return { file, fields };
}

function ownerOf(fields: Record<string, string>): CertOwner {
  const owner = fields.owner ?? 'user';
  if (!(CERT_OWNERS as readonly string[]).includes(owner)) throw badRequest('Trường owner phải là user hoặc unit', 'Field owner must be user or unit');
  return owner as CertOwner;
}

export async function signingRoutes(app: App, deps: Deps) {
  const tags = ['signatures'];
  app.post('/api/certificates', {
    schema: {
      tags, security: Security, summary: 'Cài chứng thư số (PKCS#12): owner = user | unit',
      description: 'owner unit: the unit seal (clerk or leader). A wrong passphrase, an expired certificate or one without a signing key usage → 400. The key is stored encrypted and never returned.',
      consumes: ['multipart/form-data'],
      bodyDoc: { content: { 'multipart/form-data': S.CertificateForm } },
      response: { 201: S.CertificateBody, ...S.Errors },
    },
  }, async (req, reply) => {
    const { file, fields } = await smallForm(req.parts() as never, SMALL_FILE);
    const certificate = await uploadCertificate(deps, req.actor, { p12: file, passphrase: fields.passphrase ?? '', owner: ownerOf(fields) });
    return reply.code(201).send({ certificate });
  });
  app.get('/api/certificates', { schema: { tags, security: Security, summary: 'Chứng thư số của tôi và của đơn vị (no key material)', response: { 200: S.CertificatesBody, ...S.Errors } } }, async (req) => ({ certificates: await listCertificates(deps, req.actor) }));
  app.post('/api/signature-images', {
    schema: {
      tags, security: Security, summary: 'Hình chữ ký (user) hoặc con dấu (unit), PNG nền trong suốt',
      consumes: ['multipart/form-data'],
      bodyDoc: { content: { 'multipart/form-data': S.SignatureImageForm } },
      response: { 201: S.SignatureImageBody, ...S.Errors },
    },
  }, async (req, reply) => {
    const { file, fields } = await smallForm(req.parts() as never, SMALL_FILE);
    return reply.code(201).send({ image: await uploadSignatureImage(deps, req.actor, { png: file, owner: ownerOf(fields) }) });
  });

  app.post(
    '/api/trust-anchors',
    {
      schema: {
        tags, security: Security, summary: 'Thêm chứng thư gốc tin cậy (PEM, text/plain hoặc {pem})',
        description: 'Admin. Signatures are trusted only if they chain to an anchor.',
        consumes: ['text/plain', 'application/json'],
        bodyDoc: { content: { 'text/plain': S.TrustAnchorText, 'application/json': S.TrustAnchorJson } },
        response: { 201: S.TrustAnchorBody, ...S.Errors },
      },
    },
    async (req, reply) => {
      const body = req.body as unknown;
      const pem = typeof body === 'string' ? body : body && typeof body === 'object' && typeof (body as { pem?: unknown }).pem === 'string' ? (body as { pem: string }).pem : null;
      if (!pem) throw badRequest('Cần chứng thư PEM (text/plain hoặc {"pem": "…"})', 'A PEM certificate is required (text/plain or {"pem": "…"})');
      return reply.code(201).send({ trustAnchor: await addTrustAnchor(deps, req.actor, pem) });
    },
  );
  app.get('/api/trust-anchors', { schema: { tags, security: Security, summary: 'Chứng thư gốc tin cậy', response: { 200: S.TrustAnchorsBody, ...S.Errors } } }, async () => ({ trustAnchors: await listTrustAnchors(deps.db) }));

  app.post('/api/verify', {
    schema: {
      tags, security: Security, summary: 'Kiểm tra chữ ký số của một tệp PDF',
      description: 'Not a PDF → 415.',
      consumes: ['multipart/form-data'],
      bodyDoc: { content: { 'multipart/form-data': S.VerifyForm } },
      response: { 200: S.VerifyBody, ...S.Errors },
    },
  }, async (req) => {
    const { file } = await smallForm(req.parts() as never, deps.config.maxUploadBytes);
    if (!file.subarray(0, 1024).includes(Buffer.from('%PDF-'))) {
      throw new AppError('unsupported_media_type', { vi: 'Tệp không phải PDF', en: 'The file is not a PDF' });
    }
    return { signatures: await verifyUploadedPdf(deps.db, file) };
  });
}
