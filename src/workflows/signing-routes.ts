import { Type } from 'typebox';
import { IdParams, Security } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Deps } from '../lib/deps.js';
import { badRequest } from '../lib/errors.js';
import { COMPETENCES, type Competence, isCompetence } from '../modules/signing/competence.js';
import type { Placement } from '../modules/signing/layout.js';
import * as S from '../modules/signing/schemas.js';
import { getDocument } from './read-document.js';
import { signDocument } from './sign-document.js';
import { completeTokenSignature, prepareTokenSignature } from './two-step.js';

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

/** `competence` of a sign request: absent = the default from the signer's position, null = none, else one of TM, KT, Q, TL, TUQ. */
function competenceOf(body: unknown): Competence | null | undefined {
  if (body === undefined || body === null || typeof body !== 'object' || !('competence' in body)) return undefined;
  const c = (body as { competence?: unknown }).competence;
  if (c === undefined) return undefined;
  if (c === null || isCompetence(c)) return c;
  throw badRequest(
    `competence phải là một trong ${COMPETENCES.join(', ')} hoặc null (không ghi thẩm quyền)`,
    `competence must be one of ${COMPETENCES.join(', ')} or null (no competence line)`,
  );
}

const CompetenceT = Type.Optional(Type.Union([...COMPETENCES.map((c) => Type.Literal(c)), Type.Null()]));

/** The leader's signature on a draft: with the server-held key, or in two steps with the signer's own token. */
export async function signingWorkflowRoutes(app: App, deps: Deps) {
  const tags = ['signatures'];
  app.post(
    '/api/documents/:id/sign',
    // The body is optional (most calls send none), so it is checked here rather than by the schema.
    {
      schema: {
        tags, security: Security, params: IdParams, summary: 'Lãnh đạo ký số (khóa lưu trên máy chủ); tùy chọn {placement: {page, x, y}, competence}',
        bodyDoc: { content: { 'application/json': S.SignJson }, required: false },
        response: { 200: S.DocumentDetailBody, ...S.Errors },
      },
    },
    async (req) => {
      const signed = await signDocument(deps, req.actor, req.params.id, { placement: placementOf(req.body), competence: competenceOf(req.body) });
      return { ...(await getDocument(deps, req.actor, req.params.id)), timestamped: signed.timestamped, signer: signed.signer };
    },
  );
  app.post(
    '/api/documents/:id/sign/prepare',
    {
      schema: {
        tags, security: Security, params: IdParams, summary: 'Ký bằng thiết bị của người ký, bước 1: dữ liệu cần ký',
        body: Type.Object({ certificate: Type.String({ minLength: 100, maxLength: 20000 }), placement: PlacementT, competence: CompetenceT }, { additionalProperties: false }),
        response: { 200: S.PreparedBody, ...S.Errors },
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
        response: { 200: S.DocumentDetailBody, ...S.Errors },
      },
    },
    async (req) => {
      const signed = await completeTokenSignature(deps, req.actor, req.params.id, req.body);
      return { ...(await getDocument(deps, req.actor, req.params.id)), timestamped: signed.timestamped, signer: signed.signer };
    },
  );
}
