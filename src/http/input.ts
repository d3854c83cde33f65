// Checks every request's text and multipart framing once, before any handler runs, so that what a
// client got wrong is a 400 naming the field — never a 500 from PostgreSQL or busboy:
// - JSON / text bodies, query strings and path parameters: no NUL, no lone surrogate (src/lib/text.ts);
// - multipart forms: the boundary is present and sane (RFC 2046: 1–70 characters), every field
//   name, text value and file name is clean, and busboy's "malformed body" errors become 400s.
// Multipart routes keep calling `req.parts()`: the hook hands them a checked iterator instead
// (`req.file()` / `req.files()` would bypass it; no route uses them — use `req.parts()`).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, badRequest } from '../lib/errors.js';
import { badTextError, badTextPath, hasBadText } from '../lib/text.js';

/** RFC 2046 §5.1.1: 1–70 characters (the character set is not enforced: busboy copes with any). */
const BOUNDARY = /^[^\u0000-\u001f\u007f]{1,70}$/;

export const malformedMultipart = () => badRequest('Yêu cầu multipart không hợp lệ (thiếu hoặc sai ranh giới, nội dung bị cắt)', 'Malformed multipart request (missing or wrong boundary, truncated body)');

/** The boundary parameter of a multipart/form-data content type, unquoted; null when there is none. */
export function boundaryOf(contentType: string | undefined): string | null {
  const m = /;\s*boundary\s*=\s*(?:"([^"]*)"|([^\s;]*))/i.exec(contentType ?? '');
  if (!m) return null;
  return m[1] ?? m[2] ?? null;
}

/**
 * True for the errors busboy and @fastify/multipart raise on a body that is not well-formed
 * multipart (no boundary, a boundary busboy cannot search for, a truncated body, a bad part
 * header, a JSON field that is not JSON, a connection closed mid-body). Limits (file size, parts)
 * are not among them: they keep their own 413s.
 */
export function isMalformedMultipart(err: unknown): boolean {
  if (!(err instanceof Error) || err instanceof AppError) return false;
  const code = (err as { code?: unknown }).code;
  if (code === 'FST_INVALID_JSON_FIELD_ERROR' || code === 'FST_MP_PREMATURE_CLOSE' || code === 'FST_PROTO_VIOLATION') return true;
  if (code !== undefined) return false;
  return /multipart|boundary|needle|content-type|malformed|terminated early|unexpected end/i.test(err.message);
}

type Parts = FastifyRequest['parts'];
type Part = Parts extends (...a: never[]) => AsyncIterableIterator<infer P> ? P : never;

/** `req.parts()` with the boundary checked first, every text checked, and malformed-body errors as 400s. */
function checkedParts(req: FastifyRequest, original: Parts): Parts {
  return function parts(this: unknown, options) {
    const boundary = boundaryOf(req.headers['content-type']);
    if (boundary === null || !BOUNDARY.test(boundary)) throw malformedMultipart();
    const inner = original.call(req, options);
    async function* checked(): AsyncGenerator<Part> {
      try {
        for await (const part of inner) {
          const where = `body.${hasBadText(part.fieldname) ? JSON.stringify(part.fieldname).slice(1, -1) : part.fieldname}`;
          if (hasBadText(part.fieldname)) {
            if (part.type === 'file') part.file.resume();
            throw badTextError(where);
          }
          if (part.type === 'file') {
            if (hasBadText(part.filename)) {
              part.file.resume();
              throw badTextError(`${where}.filename`);
            }
          } else {
            const bad = badTextPath(part.value, where);
            if (bad !== null) throw badTextError(bad);
          }
          yield part;
        }
      } catch (err) {
        if (isMalformedMultipart(err)) throw malformedMultipart();
        throw err;
      }
    }
    return checked();
  } as Parts;
}

/** Installs the checks: one preValidation hook (after body parsing, before schema validation). */
export function installInputChecks(app: FastifyInstance) {
  app.addHook('preValidation', async (req) => {
    const bad = badTextPath(req.params, 'params') ?? badTextPath(req.query, 'query') ?? badTextPath(req.body, 'body');
    if (bad !== null) throw badTextError(bad);
    if (req.isMultipart?.()) req.parts = checkedParts(req, req.parts);
  });
}
