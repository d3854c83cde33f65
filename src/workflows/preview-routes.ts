import { eq } from 'drizzle-orm';
import { Type } from 'typebox';
import { Errors, NoContent, Security, Uuid } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Deps } from '../lib/deps.js';
import type { Actor } from '../lib/actor.js';
import { pagePreview, parsePreviewName, PREVIEW_TYPES, PREVIEW_WIDTHS } from '../modules/documents/previews.js';
import { fileTexts } from '../modules/search/tables.js';
import { openDocumentFile } from './read-document.js';

const Binary = Type.Unsafe<unknown>({ type: 'string', format: 'binary' });

/** The text of a file for the reader's "Chữ lớn" view: the text job's result (text layer, or OCR of a scan). */
export async function fileText(deps: Deps, actor: Actor, documentId: string, fileId: string) {
  const file = await openDocumentFile(deps, actor, documentId, fileId);
  const [row] = await deps.db.select().from(fileTexts).where(eq(fileTexts.sha256, file.sha256));
  const text = row?.text ?? '';
  const source: 'text' | 'ocr' | 'none' = !text.trim() ? 'none' : (row?.ocrPages ?? 0) > 0 ? 'ocr' : 'text';
  return { text: source === 'none' ? '' : text, pages: row?.pages ?? 0, source, state: row?.state ?? 'pending' };
}

/**
 * What the reader needs on a weak link and for older eyes (issue 14): a page of a file as a light
 * image at phone width (rendered once per file content, see documents/previews.ts), and the file's
 * text to show in large type. The same access rule as downloading the file.
 */
export async function previewRoutes(app: App, deps: Deps) {
  const tags = ['documents'];
  app.get('/api/documents/:id/files/:fileId/pages/:page', {
    schema: {
      tags, security: Security, summary: 'Ảnh một trang của tệp (xem nhanh) — a page as an image',
      description: `\`:page\` is the page number from 1 with \`.jpg\` or \`.png\` (e.g. \`1.jpg\`); \`width\` in pixels, one of ${PREVIEW_WIDTHS.join(', ')} (default 720). Rendered by poppler once per file content, page, width and format and kept in the store. The \`X-Page-Count\` response header gives the file's page count. With \`v\` = the file's SHA-256 (as the app sends) the image may be cached for a year; otherwise revalidate (ETag). A bad page or width → 400; a page the file does not have → 400; a file poppler cannot render → 422.`,
      params: Type.Object({ id: Uuid, fileId: Uuid, page: Type.String({ maxLength: 16 }) }),
      querystring: Type.Object({ width: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })), v: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false }),
      response: {
        200: { description: 'The page image', content: { 'image/jpeg': { schema: Binary }, 'image/png': { schema: Binary } } },
        304: NoContent,
        ...Errors,
      },
    },
  }, async (req, reply) => {
    const want = parsePreviewName(req.params.page, req.query.width);
    const file = await openDocumentFile(deps, req.actor, req.params.id, req.params.fileId);
    const image = await pagePreview(deps, file, want);
    const etag = `"${image.sha256}"`;
    reply
      .header('etag', etag)
      .header('cache-control', req.query.v === file.sha256 ? 'private, max-age=31536000, immutable' : 'private, no-cache')
      .header('x-page-count', String(image.pages))
      .type(PREVIEW_TYPES[image.format]);
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    reply.header('content-length', image.size);
    return reply.send(await deps.store.get(image.sha256));
  });

  app.get('/api/documents/:id/files/:fileId/text', {
    schema: {
      tags, security: Security, summary: 'Chữ của tệp (xem chữ lớn) — the text of a file',
      description: 'The text the search job read from the file: its text layer, or Tesseract OCR for scanned pages. Pages are separated by form feeds (\\f). `source`: `text`, `ocr` (some pages were recognised) or `none` (not read yet, or no text); `state` is the text job\'s (`pending`, `done`, `no_ocr`, `failed`).',
      params: Type.Object({ id: Uuid, fileId: Uuid }),
      response: {
        200: Type.Object({
          text: Type.String(),
          pages: Type.Integer(),
          source: Type.Union([Type.Literal('text'), Type.Literal('ocr'), Type.Literal('none')]),
          state: Type.String(),
        }),
        ...Errors,
      },
    },
  }, async (req) => fileText(deps, req.actor, req.params.id, req.params.fileId));
}
