import { Type } from 'typebox';
import { IdParams, Security, Uuid } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Deps } from '../lib/deps.js';
import { badRequest } from '../lib/errors.js';
import { isUuid } from '../lib/ids.js';
import * as DS from '../modules/documents/schemas.js';
import * as HS from '../modules/handling/schemas.js';
import * as S from '../modules/meetings/schemas.js';
import { assignMeetingTasks, draftMeetingInvitation } from './meeting-flow.js';

/** The optional body of POST /api/meetings/:id/invitation. */
function invitationInput(raw: unknown): { signerId?: string | null; subject?: string } {
  if (raw === undefined || raw === null || raw === '') return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('body: phải là đối tượng JSON', 'body: must be a JSON object');
  const out: { signerId?: string | null; subject?: string } = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'signerId' && (v === null || (typeof v === 'string' && isUuid(v)))) out.signerId = v as string | null;
    else if (k === 'subject' && typeof v === 'string' && v.length <= 500) out.subject = v;
    else throw badRequest(`${k}: không hợp lệ`, `${k}: invalid`);
  }
  return out;
}

/** Meeting acts that span modules: the giấy mời as a document, the conclusion's tasks as assignments. */
export async function meetingFlowRoutes(app: App, deps: Deps) {
  const tags = ['meetings'];
  app.post('/api/meetings/:id/invitation', {
    schema: {
      tags, security: Security, params: IdParams, summary: 'Soạn giấy mời (GM) cho cuộc họp',
      description: 'The host’s leader or clerk: a draft GM of the host unit addressed to the units invited (and the units of persons invited from elsewhere), linked to the meeting as its `invitation`. Then the normal flow: attach the file, trình ký, sign, issue (numbered, dispatched, tracked). 409 if the meeting has one already.',
      // The body is optional: checked by invitationInput.
      bodyDoc: { content: { 'application/json': Type.Object({ signerId: Type.Optional(Type.Union([Uuid, Type.Null()])), subject: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }) }, required: false },
      response: { 201: DS.DocumentBody, ...S.Errors },
    },
  }, async (req, reply) => reply.code(201).send({ document: await draftMeetingInvitation(deps, req.actor, req.params.id, invitationInput(req.body)) }));

  app.post('/api/meetings/:id/tasks', {
    schema: {
      tags, security: Security, params: IdParams, summary: 'Giao nhiệm vụ theo thông báo kết luận',
      description: 'A leader of the host unit, once the conclusion is linked and issued: each task (`unitId` or `userId`, `text`, `dueDate`) becomes an assignment on that unit’s copy of the conclusion — in its work list (`GET /api/assignments`), reminded the day before and when overdue, reported on like any other. A unit (or a person’s unit) that did not receive the conclusion, a past date → 400 naming `tasks[i]`. Assignees get `assignment:new`; everyone in the meeting `meeting:updated` (event `tasks_assigned`).',
      body: S.TasksIn,
      response: { 201: HS.AssignmentsBody, ...S.Errors },
    },
  }, async (req, reply) => reply.code(201).send({ assignments: await assignMeetingTasks(deps, req.actor, req.params.id, req.body.tasks) }));
}
