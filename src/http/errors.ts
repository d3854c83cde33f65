import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode, type Message, type Problem } from '../lib/errors.js';
import { installInputChecks, isMalformedMultipart, malformedMultipart } from './input.js';

/** Vietnamese unless the client asks for English (Accept-Language: en… or ?lang=en). */
export function language(req: FastifyRequest): 'vi' | 'en' {
  const q = (req.query as Record<string, unknown> | undefined)?.lang;
  if (q === 'en' || q === 'vi') return q;
  return /^\s*en\b/i.test(req.headers['accept-language'] ?? '') ? 'en' : 'vi';
}

export function sendError(req: FastifyRequest, reply: FastifyReply, status: number, code: string, text: Message, problems?: Problem[]) {
  const lang = language(req);
  const list = problems?.map((p) => ({ index: p.index, field: p.field, message: p.message[lang] }));
  return reply.code(status).type('application/json; charset=utf-8').send({ error: { code, message: text[lang], ...(list ? { problems: list } : {}) } });
}

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 406: 'unsupported_media_type',
  409: 'conflict', 413: 'payload_too_large', 415: 'unsupported_media_type', 422: 'unprocessable', 429: 'too_many_requests',
};

/** Known framework errors, in words a user can act on. */
const FRAMEWORK: Record<string, [number, Message]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [400, { vi: 'Nội dung JSON không hợp lệ', en: 'Malformed JSON body' }],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, { vi: 'Thiếu nội dung JSON', en: 'Empty JSON body' }],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, { vi: 'Nội dung yêu cầu quá lớn', en: 'Request body too large' }],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, { vi: 'Kiểu nội dung không được hỗ trợ', en: 'Unsupported content type' }],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, { vi: 'Độ dài nội dung không khớp', en: 'Content-Length mismatch' }],
  FST_REQ_FILE_TOO_LARGE: [413, { vi: 'Tệp quá lớn', en: 'File too large' }],
  FST_INVALID_MULTIPART_CONTENT_TYPE: [415, { vi: 'Yêu cầu phải là multipart/form-data', en: 'Request must be multipart/form-data' }],
  FST_PROTO_VIOLATION: [400, { vi: 'Dữ liệu không hợp lệ', en: 'Prohibited property in body' }],
  FST_PARTS_LIMIT: [413, { vi: 'Quá nhiều phần trong yêu cầu', en: 'Too many parts in the request' }],
  FST_FILES_LIMIT: [413, { vi: 'Quá nhiều tệp trong yêu cầu', en: 'Too many files in the request' }],
  FST_FIELDS_LIMIT: [413, { vi: 'Quá nhiều trường trong yêu cầu', en: 'Too many fields in the request' }],
};

/**
 * Errors fastify raises before routing, outside the error handler (Fastify's `frameworkErrors`
 * option): a path that is not valid percent-encoding (a lone surrogate as %ED%A0%80) and a path
 * parameter over maxParamLength — 400 in our body instead of fastify's own.
 */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (err.code === 'FST_ERR_BAD_URL') return sendError(req, reply, 400, 'bad_request', { vi: 'Địa chỉ không hợp lệ (mã hóa sai)', en: 'Malformed URL (bad percent-encoding)' });
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') return sendError(req, reply, 400, 'bad_request', { vi: 'Tham số trên địa chỉ quá dài', en: 'Path parameter too long' });
  req.log.error({ err }, 'framework error');
  return sendError(req, reply, 500, 'internal', { vi: 'Lỗi máy chủ, vui lòng thử lại', en: 'Internal server error' });
}

/** The error and not-found handlers, and the input checks whose 400s they answer (http/input.ts). */
export function installErrorHandler(app: FastifyInstance) {
  installInputChecks(app);
  app.setErrorHandler((err: FastifyError | AppError | Error, req, reply) => {
    if (err instanceof AppError) return sendError(req, reply, err.status, err.code, err.text, err.problems);
    // busboy's errors on a broken multipart body (they surface from req.parts() or a part's file stream).
    if (req.isMultipart?.() && isMalformedMultipart(err)) {
      const e = malformedMultipart();
      return sendError(req, reply, e.status, e.code, e.text);
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      const first = fe.validation[0];
      const where = `${fe.validationContext ?? 'body'}${first?.instancePath ?? ''}`;
      const what = first?.message ?? 'invalid';
      const extra = first?.params && 'additionalProperty' in first.params ? ` (${String(first.params.additionalProperty)})` : '';
      return sendError(req, reply, 400, 'bad_request', {
        vi: `Dữ liệu không hợp lệ tại ${where}: ${what}${extra}`,
        en: `Invalid ${where}: ${what}${extra}`,
      });
    }
    const known = fe.code ? FRAMEWORK[fe.code] : undefined;
    if (known) return sendError(req, reply, known[0], BY_STATUS[known[0]] ?? 'bad_request', known[1]);
    const status = fe.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return sendError(req, reply, status, BY_STATUS[status] ?? 'bad_request', { vi: 'Yêu cầu không hợp lệ', en: fe.message });
    }
    req.log.error({ err, cause: (err as { cause?: unknown }).cause }, 'unhandled error');
    return sendError(req, reply, 500, 'internal', { vi: 'Lỗi máy chủ, vui lòng thử lại', en: 'Internal server error' });
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(req, reply, 404, 'not_found', { vi: 'Không tìm thấy địa chỉ này', en: `No route ${req.method} ${req.url.split('?')[0]}` }),
  );
}
