import type { MultipartFile } from '@fastify/multipart';
import { Type } from 'typebox';
import type { App } from '../../http/types.js';
import { IdParams, Security } from '../../http/schemas.js';
import type { Deps } from '../../lib/deps.js';
import { AppError, badRequest } from '../../lib/errors.js';
import { getDocument } from '../documents/get-document.js';
import { listCertificates, uploadCertificate, uploadSignatureImage } from './keys-service.js';
import { signDocument } from './sign-document.js';
import type { Placement } from './layout.js';
import { addTrustAnchor, listTrustAnchors } from './trust-service.js';
import { completeTokenSignature, prepareTokenSignature } from './two-step.js';
import { verifyUploadedPdf } from './verdicts.js';
import { CERT_OWNERS, type CertOwner } from './tables.js';

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

const PlacementT = Type.Optional(Type.Union([
  Type.Object({ page: Type.Integer({ minimum: 0, maximum: 9999 }), x: Type.Number({ minimum: 0, maximum: 20000 }), y: Type.Number({ minimum: 0, maximum: 20000 }) }, { additionalProperties: false }),
  Type.Null(),
]));

function placementOf(body: unknown): Placement | null {
  if (body === undefined || body === null || (typeof body === 'object' && !('placement' in body))) return null;
  const p = (body as { placement?: unknown }).placement;
  if (p === null || p === undefined) return null;
  const ok = typeof p === 'object' && ['page', 'x', 'y'].every((k) => typeof (p as Record<string, unknown>)[k] === 'number' && Number.isFinite((p as Record<string, number>)[k]) && (p as Record<string, number>)[k]! >= 0);
  if (!ok || !Number.isInteger((p as Placement).page)) {
    throw badRequest('placement phải là {page, x, y} (số không âm, page tính từ 0)', 'placement must be {page, x, y} (non-negative numbers, page from 0)');
  }
  return p as Placement;
}

export async function signingRoutes(app: App, deps: Deps) {
  const tags = ['signatures'];
  app.post('/api/certificates', { schema: { tags, security: Security, summary: 'Cài chứng thư số (PKCS#12): owner = user | unit' } }, async (req, reply) => {
    const { file, fields } = await smallForm(req.parts() as never, SMALL_FILE);
    const certificate = await uploadCertificate(deps, req.actor, { p12: file, passphrase: fields.passphrase ?? '', owner: ownerOf(fields) });
    return reply.code(201).send({ certificate });
  });
  app.get('/api/certificates', { schema: { tags, security: Security } }, async (req) => ({ certificates: await listCertificates(deps, req.actor) }));
  app.post('/api/signature-images', { schema: { tags, security: Security, summary: 'Hình chữ ký (user) hoặc con dấu (unit), PNG nền trong suốt' } }, async (req, reply) => {
    const { file, fields } = await smallForm(req.parts() as never, SMALL_FILE);
    return reply.code(201).send({ image: await uploadSignatureImage(deps, req.actor, { png: file, owner: ownerOf(fields) }) });
  });

  app.post(
    '/api/trust-anchors',
    { schema: { tags, security: Security, summary: 'Thêm chứng thư gốc tin cậy (PEM, text/plain hoặc {pem})' } },
    async (req, reply) => {
      const body = req.body as unknown;
      const pem = typeof body === 'string' ? body : body && typeof body === 'object' && typeof (body as { pem?: unknown }).pem === 'string' ? (body as { pem: string }).pem : null;
      if (!pem) throw badRequest('Cần chứng thư PEM (text/plain hoặc {"pem": "…"})', 'A PEM certificate is required (text/plain or {"pem": "…"})');
      return reply.code(201).send({ trustAnchor: await addTrustAnchor(deps, req.actor, pem) });
    },
  );
  app.get('/api/trust-anchors', { schema: { tags, security: Security } }, async () => ({ trustAnchors: await listTrustAnchors(deps.db) }));

  app.post('/api/verify', { schema: { tags, security: Security, summary: 'Kiểm tra chữ ký số của một tệp PDF' } }, async (req) => {
    const { file } = await smallForm(req.parts() as never, deps.config.maxUploadBytes);
    if (!file.subarray(0, 1024).includes(Buffer.from('%PDF-'))) {
      throw new AppError('unsupported_media_type', { vi: 'Tệp không phải PDF', en: 'The file is not a PDF' });
    }
    return { signatures: await verifyUploadedPdf(deps.db, file) };
  });

  app.post(
    '/api/documents/:id/sign',
    // The body is optional (most calls send none), so it is checked here rather than by the schema.
    { schema: { tags, security: Security, params: IdParams, summary: 'Lãnh đạo ký số (khóa lưu trên máy chủ); tùy chọn {placement: {page, x, y}}' } },
    async (req) => {
      await signDocument(deps, req.actor, req.params.id, { placement: placementOf(req.body) });
      return getDocument(deps, req.actor, req.params.id);
    },
  );
  app.post(
    '/api/documents/:id/sign/prepare',
    {
      schema: {
        tags, security: Security, params: IdParams, summary: 'Ký bằng thiết bị của người ký, bước 1: dữ liệu cần ký',
        body: Type.Object({ certificate: Type.String({ minLength: 100, maxLength: 20000 }), placement: PlacementT }, { additionalProperties: false }),
      },
    },
    async (req) => prepareTokenSignature(deps, req.actor, req.params.id, req.body),
  );
  app.post(
    '/api/documents/:id/sign/complete',
    {
      schema: {
        tags, security: Security, params: IdParams, summary: 'Ký bằng thiết bị của người ký, bước 2: nhúng chữ ký',
        body: Type.Object(
          { handle: Type.String({ format: 'uuid' }), signature: Type.String({ minLength: 16, maxLength: 4096 }), chain: Type.Optional(Type.Array(Type.String({ maxLength: 20000 }), { maxItems: 5 })) },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      await completeTokenSignature(deps, req.actor, req.params.id, req.body);
      return getDocument(deps, req.actor, req.params.id);
    },
  );
}
