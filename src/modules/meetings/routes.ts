import { Type } from 'typebox';
import { IdParams, Security } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import type { Deps } from '../../lib/deps.js';
import { createMeeting } from './create-meeting.js';
import type { ReadableDocuments } from './input.js';
import * as S from './schemas.js';
import { getMeeting, listMeetings, presentOne } from './view.js';

export interface MeetingHooks {
  /** The documents the caller may read (workflows/meeting-documents.ts). */
  readable: ReadableDocuments;
}

/** Họp không giấy: convene, the weekly schedule, one meeting, and what participants do before and during it. */
export async function meetingRoutes(app: App, deps: Deps, hooks: MeetingHooks) {
  const tags = ['meetings'];
  app.post('/api/meetings', {
    schema: {
      tags, security: Security, summary: 'Tạo cuộc họp (lãnh đạo, văn thư của đơn vị chủ trì)',
      description: 'The host is the caller’s unit. 400 naming the field for an unknown participant (`participants[i].unitId`), a past `startsAt`, an `endsAt` not after it, an unreadable agenda document. Every participant gets `meeting:invited`.',
      body: S.MeetingIn,
      response: { 201: S.MeetingBody, ...S.Errors },
    },
  }, async (req, reply) => {
    const m = await createMeeting(deps, req.actor, req.body, hooks.readable);
    return reply.code(201).send({ meeting: await presentOne(deps.db, m) });
  });

  app.get('/api/meetings', {
    schema: {
      tags, security: Security, summary: 'Lịch họp / lịch công tác tuần',
      description: 'Meetings starting in [from, to) that the caller’s unit hosts or is invited to, or the caller is invited to (personally, as a substitute or as chair), by start time. Default: from 24 h ago, 8 days.',
      querystring: Type.Object({ from: Type.Optional(Type.String({ format: 'date-time' })), to: Type.Optional(Type.String({ format: 'date-time' })) }, { additionalProperties: false }),
      response: { 200: S.MeetingListBody, ...S.Errors },
    },
  }, async (req) => listMeetings(deps, req.actor, req.query));

  app.get('/api/meetings/:id', {
    schema: {
      tags, security: Security, params: IdParams, summary: 'Cuộc họp: chương trình, tài liệu, thành phần, góp ý',
      description: 'Agenda with papers and linked documents; each participant with their answer and attendance; comments (all for the host unit and the chair, a participant’s own side’s otherwise); invitation, minutes, conclusion and its tasks. 404 for a meeting the caller is not part of.',
      response: { 200: S.MeetingDetailBody, ...S.Errors },
    },
  }, async (req) => getMeeting(deps, req.actor, req.params.id, hooks.readable));
}
