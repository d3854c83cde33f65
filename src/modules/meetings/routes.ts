import { Type } from 'typebox';
import { IdParams, Security } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import type { Deps } from '../../lib/deps.js';
import { badRequest } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import { createMeeting } from './create-meeting.js';
import type { ReadableDocuments } from './input.js';
import * as S from './schemas.js';
import { getMeeting, listMeetings, presentOne } from './view.js';
import { updateMeeting } from './update-meeting.js';
import { answerMeeting } from './answer.js';
import { commentOnMeeting } from './comments.js';
import { takeAttendance } from './attendance.js';
import { addMeetingFiles, type MeetingUploadPart, openMeetingFile } from './files.js';
import { sendError } from '../../http/errors.js';
import { linkMeetingDocument } from './link-document.js';
import { parseRange } from '../../http/range.js';
import { Uuid } from '../../http/schemas.js';

/** The optional body of POST /api/meetings/:id/attendance. */
function attendanceInput(raw: unknown): { userId?: string; unitId?: string; present?: boolean } {
  if (raw === undefined || raw === null || raw === '') return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('body: phải là đối tượng JSON', 'body: must be a JSON object');
  const out: { userId?: string; unitId?: string; present?: boolean } = {};
  for (const [k, v] of Object.entries(raw)) {
    if ((k === 'userId' || k === 'unitId') && typeof v === 'string' && isUuid(v)) out[k] = v;
    else if (k === 'present' && typeof v === 'boolean') out.present = v;
    else throw badRequest(`${k}: không hợp lệ`, `${k}: invalid`);
  }
  return out;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
/** A participant row as the answer and attendance routes return it. */
function presentParticipant(p: typeof import('./tables.js').meetingParticipants.$inferSelect) {
  return {
    id: p.id, unitId: p.unitId, userId: p.userId, answer: p.answer, substituteUserId: p.substituteUserId, answeredBy: p.answeredBy, answeredAt: iso(p.answeredAt),
    present: p.present, presentUserId: p.presentUserId, attendanceBy: p.attendanceBy, attendanceAt: iso(p.attendanceAt),
  };
}

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

  app.patch('/api/meetings/:id', {
    schema: {
      tags, security: Security, params: IdParams, summary: 'Sửa, dời, hủy cuộc họp (đơn vị chủ trì)',
      description: 'The host’s leader or clerk: title, startsAt (must lie ahead), endsAt, place, link, agenda (items keep their index; one with papers or comments cannot be dropped: 409), participants to add (`meeting:invited` to them), `cancelled: true` (+ `reason`). Everyone gets `meeting:changed` with `changes` (field names).',
      body: S.MeetingPatch,
      response: { 200: S.MeetingBody, ...S.Errors },
    },
  }, async (req) => ({ meeting: await presentOne(deps.db, await updateMeeting(deps, req.actor, req.params.id, req.body, hooks.readable)) }));

  app.post('/api/meetings/:id/rsvp', {
    schema: {
      tags, security: Security, params: IdParams, summary: 'Xác nhận tham dự, vắng, cử người đi thay',
      description: 'A person answers for themself; a unit participant is answered by its leader or clerk (`unitId` picks the unit when the caller is invited both ways). `substitute` needs `substituteUserId`, a person of the invited unit or of its departments (400 otherwise), who is then invited personally. Until the start (409 after, or when cancelled). The host gets `meeting:updated` (event `answered`).',
      body: S.RsvpIn,
      response: { 200: S.ParticipantBody, ...S.Errors },
    },
  }, async (req) => ({ participant: presentParticipant(await answerMeeting(deps, req.actor, req.params.id, req.body)) }));

  app.post('/api/meetings/:id/comments', {
    schema: {
      tags, security: Security, params: IdParams, summary: 'Góp ý dự thảo (theo mục chương trình)',
      description: 'A participant, the chair or the host comments on an agenda item (`agendaIndex` from 0; 400 for one the agenda does not have). Collected for the host: it and the chair see every comment, a participant its own side’s.',
      body: S.CommentIn,
      response: { 201: S.CommentBody, ...S.Errors },
    },
  }, async (req, reply) => reply.code(201).send({ comment: await commentOnMeeting(deps, req.actor, req.params.id, req.body) }));

  app.post('/api/meetings/:id/attendance', {
    schema: {
      tags, security: Security, params: IdParams, summary: 'Điểm danh: "Có mặt"',
      description: 'From 30 minutes before the start to the end (409 otherwise). No body (or the caller’s own `userId`): the caller checks in. The host’s leader or clerk marks others: `{unitId}` or `{userId}`, with `present` (default true).',
      // The body is optional (a participant checking in sends none): checked by attendanceInput.
      bodyDoc: { content: { 'application/json': S.AttendanceIn }, required: false },
      response: { 200: S.ParticipantBody, ...S.Errors },
    },
  }, async (req) => ({ participant: presentParticipant(await takeAttendance(deps, req.actor, req.params.id, attendanceInput(req.body))) }));

  app.post('/api/meetings/:id/files', {
    schema: {
      tags, security: Security, params: IdParams, summary: 'Thêm tài liệu họp (multipart: agendaIndex, file)',
      description: 'The host’s leader or clerk. Parts in order: `agendaIndex` (applies to the parts after it), then `file` parts (PDF; 415 otherwise, 413 over MAX_UPLOAD_MB). All or nothing; stored once by SHA-256, streamed. A secret meeting’s papers are listed, never stored: a `file` part → 409; a `title` field lists a paper by title only. Everyone in the meeting gets `meeting:updated` (event `files_added`).',
      consumes: ['multipart/form-data'],
      bodyDoc: { content: { 'multipart/form-data': S.MeetingFilesForm } },
      response: { 201: S.FilesBody, ...S.Errors },
    },
  }, async (req, reply) => {
    async function* parts(): AsyncGenerator<MeetingUploadPart> {
      for await (const p of req.parts()) {
        if (p.type === 'file') yield { kind: 'file', filename: p.filename, stream: p.file };
        else yield { kind: 'field', name: p.fieldname, value: String(p.value) };
      }
    }
    return reply.code(201).send({ files: await addMeetingFiles(deps, req.actor, req.params.id, parts()) });
  });

  app.get('/api/meetings/:id/files/:fileId', {
    schema: {
      tags, security: Security, params: Type.Object({ id: Uuid, fileId: Uuid }), summary: 'Đọc tài liệu họp (hỗ trợ Range)',
      description: 'Anyone who may see the meeting. ETag = the SHA-256 (a paper never changes: cache it offline, If-None-Match → 304); Range → 206.',
      response: {
        200: S.FileBody('application/pdf', 'The paper'),
        206: S.FileBody('application/pdf', 'The requested byte range (Content-Range)'),
        304: S.NoContent,
        ...S.Errors,
      },
    },
  }, async (req, reply) => {
    const file = await openMeetingFile(deps, req.actor, req.params.id, req.params.fileId);
    const etag = `"${file.sha256}"`;
    reply
      .header('accept-ranges', 'bytes')
      .header('etag', etag)
      // Content-addressed and never replaced: private (per person), kept, still revalidated cheaply.
      .header('cache-control', 'private, no-cache')
      .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(file.name)}`)
      .type(file.contentType);
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    const range = parseRange(req.headers.range, file.size);
    if (range === 'unsatisfiable') {
      reply.header('content-range', `bytes */${file.size}`);
      return sendError(req, reply, 416, 'range_not_satisfiable', { vi: 'Khoảng byte không hợp lệ', en: 'Range not satisfiable' });
    }
    const stream = await deps.store.get(file.sha256, range ?? undefined);
    if (range) {
      reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${file.size}`);
      reply.header('content-length', range.end - range.start + 1);
    } else {
      reply.header('content-length', file.size);
    }
    return reply.send(stream);
  });

  app.post('/api/meetings/:id/documents', {
    schema: {
      tags, security: Security, params: IdParams, summary: 'Liên kết giấy mời, biên bản, thông báo kết luận',
      description: 'The host’s leader or clerk links a document of the host unit (a draft or issued through the normal flow): `invitation` (type GM), `minutes` (BB), `conclusion` (TB or KL); another type or another unit’s document → 400 naming `documentId`. Replaces one linked before. Everyone gets `meeting:updated` (event `documents_linked`).',
      body: S.LinkDocumentIn,
      response: { 200: S.MeetingBody, ...S.Errors },
    },
  }, async (req) => ({ meeting: await presentOne(deps.db, await linkMeetingDocument(deps, req.actor, req.params.id, req.body, hooks.readable)) }));
}
