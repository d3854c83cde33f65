import { Type } from 'typebox';
import type { App } from '../../http/types.js';
import { IdParams, Security, Uuid, lit } from '../../http/schemas.js';
import type { Deps } from '../../lib/deps.js';
import { AppError, badRequest } from '../../lib/errors.js';
import { NotPdfError, pdfChecked } from '../../lib/pdf-guard.js';
import type { StagedObject } from '../../storage/object-store.js';
import { ObjectTooLarge } from '../../storage/object-store.js';
import { refuseRecall } from '../dispatch/recall.js';
import { assignDelivery, listAssignableUnits } from './assign.js';
import { createDelegation, listDelegations, revokeDelegation } from '../orgs/delegations.js';
import { documentHandling } from './handling-view.js';
import { listAssignments } from './list.js';
import { reassign, reportProgress } from './progress.js';
import { DELEGATION_SCOPES } from '../orgs/tables.js';
import { ASSIGNMENT_STATUSES } from './tables.js';
import * as S from './schemas.js';

const Assignee = Type.Object(
  { unitId: Type.Optional(Uuid), userId: Type.Optional(Uuid), dueDate: Type.Optional(Type.Union([Type.String({ format: 'date' }), Type.Null()])) },
  { additionalProperties: false },
);
const Flag = Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('0'), Type.Literal('true'), Type.Literal('false')]));
const on = (v: string | undefined) => v === '1' || v === 'true';

export async function handlingRoutes(app: App, deps: Deps) {
  const tags = ['handling'];
  app.post(
    '/api/deliveries/:id/assign',
    {
      schema: {
        tags, security: Security, params: IdParams, summary: 'Bút phê và phân công xử lý',
        body: Type.Object(
          { direction: Type.String({ minLength: 1, maxLength: 4000 }), lead: Assignee, cooperating: Type.Optional(Type.Array(Assignee, { maxItems: 50 })) },
          { additionalProperties: false },
        ),
        response: { 201: S.AssignmentsBody, ...S.Errors },
      },
    },
    async (req, reply) => reply.code(201).send({ assignments: await assignDelivery(deps, req.actor, req.params.id, req.body) }),
  );
  app.get(
    '/api/deliveries/:id/assignable-units',
    {
      schema: {
        tags, security: Security, params: IdParams, summary: 'Đơn vị có thể giao chủ trì (phòng ban) hoặc phối hợp (trong đơn vị nhận, hoặc cùng cấp trên)',
        response: { 200: S.AssignableUnitsBody, ...S.Errors },
      },
    },
    async (req) => listAssignableUnits(deps, req.actor, req.params.id),
  );
  app.get(
    '/api/assignments',
    { schema: { tags, security: Security, querystring: Type.Object({ mine: Flag, overdue: Flag, status: Type.Optional(lit(ASSIGNMENT_STATUSES)), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }), summary: 'Công việc: ?mine=1 của tôi/đơn vị tôi, ?overdue=1 quá hạn', response: { 200: S.AssignmentListBody, ...S.Errors } } },
    async (req) => listAssignments(deps, req.actor, { mine: on(req.query.mine), overdue: on(req.query.overdue), status: req.query.status, limit: req.query.limit }),
  );
  app.get(
    '/api/documents/:id/handling',
    {
      schema: {
        tags, security: Security, params: IdParams, summary: 'Tình hình xử lý văn bản đến: bút phê, người/đơn vị chủ trì, phối hợp, hạn, báo cáo tiến độ',
        response: { 200: S.HandlingBody, ...S.Errors },
      },
    },
    async (req) => documentHandling(deps.db, req.actor, req.params.id),
  );
  app.post('/api/assignments/:id/progress', {
    schema: {
      tags, security: Security, params: IdParams, summary: 'Báo cáo tiến độ: JSON {note, done?} hoặc multipart note, done, file (PDF)',
      consumes: ['application/json', 'multipart/form-data'],
      bodyDoc: { content: { 'application/json': S.ProgressJson, 'multipart/form-data': S.ProgressForm } },
      response: { 200: S.AssignmentBody, ...S.Errors },
    },
  }, async (req) => {
    if (!req.isMultipart()) {
      const body = req.body as { note?: unknown; done?: unknown } | undefined;
      if (!body || typeof body.note !== 'string' || (body.done !== undefined && typeof body.done !== 'boolean')) {
        throw badRequest('Cần {note: chuỗi, done?: true/false}', 'Expected {note: string, done?: boolean}');
      }
      return { assignment: await reportProgress(deps, req.actor, req.params.id, { note: body.note.slice(0, 4000), done: body.done }) };
    }
    const fields: Record<string, string> = {};
    let file: { staged: StagedObject; name: string } | undefined;
    try {
      for await (const part of req.parts()) {
        if (part.type === 'field') fields[part.fieldname] = String(part.value);
        else if (part.fieldname === 'file' && !file) file = { staged: await deps.store.stage(pdfChecked(part.file), { maxBytes: deps.config.maxUploadBytes }), name: part.filename.slice(0, 200) };
        else part.file.resume();
      }
    } catch (err) {
      if (file) await deps.store.discard(file.staged);
      if (err instanceof NotPdfError) throw new AppError('unsupported_media_type', { vi: 'Tệp báo cáo phải là PDF', en: 'The report must be a PDF' });
      if (err instanceof ObjectTooLarge || (err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('payload_too_large', { vi: 'Tệp quá lớn', en: 'File too large' });
      throw err;
    }
    if (fields.done !== undefined && !['true', 'false', '1', '0'].includes(fields.done)) {
      if (file) await deps.store.discard(file.staged);
      throw badRequest('done phải là true hoặc false', 'done must be true or false');
    }
    return { assignment: await reportProgress(deps, req.actor, req.params.id, { note: fields.note ?? '', done: on(fields.done), file }) };
  });
  app.post(
    '/api/assignments/:id/reassign',
    { schema: { tags, security: Security, params: IdParams, summary: 'Trưởng phòng giao việc của phòng cho một người', body: Type.Object({ userId: Uuid, dueDate: Type.Optional(Type.Union([Type.String({ format: 'date' }), Type.Null()])) }, { additionalProperties: false }), response: { 201: S.AssignmentBody, ...S.Errors } } },
    async (req, reply) => reply.code(201).send({ assignment: await reassign(deps, req.actor, req.params.id, req.body) }),
  );
  app.post(
    '/api/deliveries/:id/recall/refuse',
    { schema: { tags: ['incoming'], security: Security, params: IdParams, summary: 'Từ chối thu hồi (16)', body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }), response: { 200: S.RecallAnswerBody, ...S.Errors } } },
    async (req) => refuseRecall(deps, req.actor, req.params.id, req.body.reason),
  );
  app.post(
    '/api/delegations',
    {
      schema: {
        tags, security: Security, summary: 'Ủy quyền ký và/hoặc phân công cho cấp phó trong thời gian vắng',
        body: Type.Object({ toUserId: Uuid, startsOn: Type.String({ format: 'date' }), endsOn: Type.String({ format: 'date' }), scopes: Type.Array(lit(DELEGATION_SCOPES), { minItems: 1, maxItems: 2 }) }, { additionalProperties: false }),
        response: { 201: S.DelegationBody, ...S.Errors },
      },
    },
    async (req, reply) => reply.code(201).send({ delegation: await createDelegation(deps, req.actor, req.body) }),
  );
  app.get('/api/delegations', { schema: { tags, security: Security, summary: 'Ủy quyền của tôi (given and received)', response: { 200: S.DelegationsBody, ...S.Errors } } }, async (req) => ({ delegations: await listDelegations(deps.db, req.actor) }));
  app.delete('/api/delegations/:id', { schema: { tags, security: Security, params: IdParams, summary: 'Thu hồi ủy quyền', response: { 204: S.NoContent, ...S.Errors } } }, async (req, reply) => {
    await revokeDelegation(deps, req.actor, req.params.id);
    return reply.code(204).send();
  });
}
