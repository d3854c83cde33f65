import { and, asc, eq, gte, inArray, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import type { Deps } from '../../lib/deps.js';
import { badRequest } from '../../lib/errors.js';
import { assignments } from '../handling/tables.js';
import { units, users } from '../orgs/tables.js';
import { loadMeetingFor } from './audience.js';
import type { LinkedDocument, ReadableDocuments } from './input.js';
import { commentVisible, meetingCan, type MeetingRow, participationsOf } from './policy.js';
import { meetingComments, meetingFiles, meetingParticipants, meetings, meetingTasks } from './tables.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

async function namesOf(db: DbOrTx, unitIds: string[], userIds: string[]) {
  const u = unitIds.length ? await db.select({ id: units.id, name: units.name }).from(units).where(inArray(units.id, [...new Set(unitIds)])) : [];
  const p = userIds.length ? await db.select({ id: users.id, fullName: users.fullName, unitId: users.unitId }).from(users).where(inArray(users.id, [...new Set(userIds)])) : [];
  return { unit: new Map(u.map((x) => [x.id, x.name])), user: new Map(p.map((x) => [x.id, x])) };
}

/** The fields every listing of a meeting shows. */
export function presentMeeting(m: MeetingRow, names: { unit: Map<string, string>; user: Map<string, { fullName: string }> }) {
  return {
    id: m.id, title: m.title, startsAt: m.startsAt.toISOString(), endsAt: iso(m.endsAt), place: m.place, link: m.link,
    secrecy: m.secrecy, status: m.status,
    hostUnit: { id: m.hostUnitId, name: names.unit.get(m.hostUnitId) ?? '' },
    chair: m.chairUserId ? { id: m.chairUserId, fullName: names.user.get(m.chairUserId)?.fullName ?? '' } : null,
    createdBy: m.createdBy,
    invitationDocumentId: m.invitationDocumentId, minutesDocumentId: m.minutesDocumentId, conclusionDocumentId: m.conclusionDocumentId,
    createdAt: m.createdAt.toISOString(), updatedAt: m.updatedAt.toISOString(),
  };
}

export async function presentOne(db: DbOrTx, m: MeetingRow) {
  return presentMeeting(m, await namesOf(db, [m.hostUnitId], m.chairUserId ? [m.chairUserId] : []));
}

/**
 * Lịch công tác tuần: the meetings between `from` and `to` (start times; default this day and the
 * next seven) that the caller's unit hosts, that invite the caller's unit or the caller, or to which
 * the caller is sent as a substitute or is the chair — cancelled ones included (marked), by start.
 */
export async function listMeetings(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, q: { from?: string; to?: string }) {
  const from = q.from ? new Date(q.from) : new Date(deps.clock().getTime() - 24 * 3600_000);
  const to = q.to ? new Date(q.to) : new Date(from.getTime() + 8 * 24 * 3600_000);
  if (Number.isNaN(from.getTime())) throw badRequest('from: thời gian không hợp lệ', 'from: invalid time');
  if (Number.isNaN(to.getTime())) throw badRequest('to: thời gian không hợp lệ', 'to: invalid time');
  if (to.getTime() < from.getTime()) throw badRequest('to: phải sau from', 'to: must be after from');
  if (to.getTime() - from.getTime() > 400 * 24 * 3600_000) throw badRequest('to: tối đa 400 ngày kể từ from', 'to: at most 400 days after from');
  const mineP = db_participantsFilter(actor);
  const rows = await deps.db.select().from(meetings).where(and(
    gte(meetings.startsAt, from), lt(meetings.startsAt, to),
    or(eq(meetings.hostUnitId, actor.unitId), eq(meetings.chairUserId, actor.userId), sql`${meetings.id} in (${mineP})`),
  )).orderBy(asc(meetings.startsAt), asc(meetings.id)).limit(1000);
  const ids = rows.map((r) => r.id);
  const parts = ids.length ? await deps.db.select().from(meetingParticipants).where(inArray(meetingParticipants.meetingId, ids)) : [];
  const names = await namesOf(deps.db, rows.map((r) => r.hostUnitId), rows.flatMap((r) => (r.chairUserId ? [r.chairUserId] : [])));
  const now = deps.clock();
  return {
    items: rows.map((m) => {
      const ps = parts.filter((p) => p.meetingId === m.id);
      const mine = participationsOf(actor, ps);
      return {
        ...presentMeeting(m, names),
        role: m.hostUnitId === actor.unitId ? 'host' : 'participant',
        myAnswer: mine[0]?.answer ?? null,
        participants: ps.length,
        answers: { yes: ps.filter((p) => p.answer === 'yes').length, no: ps.filter((p) => p.answer === 'no').length, substitute: ps.filter((p) => p.answer === 'substitute').length },
        can: meetingCan(actor, m, ps, now),
      };
    }),
  };
}

function db_participantsFilter(actor: Actor) {
  return sql`select meeting_id from meeting_participants where unit_id = ${actor.unitId}::uuid or user_id = ${actor.userId}::uuid or substitute_user_id = ${actor.userId}::uuid`;
}

/**
 * One meeting as the caller may see it: the agenda with its papers and linked documents (a linked
 * document the caller may not read is listed by id only, `readable: false`), each participant with
 * their answer and attendance, the comments the caller may read (policy.commentVisible), the
 * invitation, minutes and conclusion, and the conclusion's tasks with their status.
 */
export async function getMeeting(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, id: string, readable: ReadableDocuments) {
  const { meeting: m, participants } = await loadMeetingFor(deps.db, actor, id);
  const [files, comments, tasks] = await Promise.all([
    deps.db.select().from(meetingFiles).where(eq(meetingFiles.meetingId, m.id)).orderBy(asc(meetingFiles.createdAt), asc(meetingFiles.id)),
    deps.db.select().from(meetingComments).where(eq(meetingComments.meetingId, m.id)).orderBy(asc(meetingComments.createdAt), asc(meetingComments.id)),
    deps.db.select({ a: assignments }).from(meetingTasks).innerJoin(assignments, eq(assignments.id, meetingTasks.assignmentId))
      .where(eq(meetingTasks.meetingId, m.id)).orderBy(asc(assignments.dueDate), asc(meetingTasks.createdAt), asc(assignments.id)),
  ]);
  const mine = participationsOf(actor, participants);
  const shown = comments.filter((c) => commentVisible(actor, m, c, mine));
  const docIds = [...new Set([
    ...m.agenda.flatMap((a) => a.documentIds),
    ...[m.invitationDocumentId, m.minutesDocumentId, m.conclusionDocumentId].filter((x): x is string => Boolean(x)),
  ])];
  const docs = docIds.length ? await readable(deps.db, actor, docIds) : new Map<string, LinkedDocument>();
  const linked = (docId: string | null) => {
    if (!docId) return null;
    const d = docs.get(docId);
    return d ? { id: d.id, readable: true, type: d.type, subject: d.subject, notation: d.notation, status: d.status } : { id: docId, readable: false };
  };
  const names = await namesOf(
    deps.db,
    [m.hostUnitId, ...participants.flatMap((p) => (p.unitId ? [p.unitId] : [])), ...shown.map((c) => c.unitId), ...tasks.flatMap((t) => (t.a.assigneeUnitId ? [t.a.assigneeUnitId] : []))],
    [
      ...(m.chairUserId ? [m.chairUserId] : []),
      ...participants.flatMap((p) => [p.userId, p.substituteUserId, p.presentUserId].filter((x): x is string => Boolean(x))),
      ...shown.map((c) => c.userId), ...tasks.flatMap((t) => (t.a.assigneeUserId ? [t.a.assigneeUserId] : [])),
    ],
  );
  const person = (uid: string | null) => (uid ? { id: uid, fullName: names.user.get(uid)?.fullName ?? '' } : null);
  return {
    meeting: {
      ...presentMeeting(m, names),
      agenda: m.agenda.map((a, index) => ({
        index, title: a.title,
        documents: a.documentIds.map((d) => linked(d)!),
        files: files.filter((f) => f.agendaIndex === index).map((f) => ({
          id: f.id, name: f.name, size: f.size, sha256: f.sha256, contentType: f.contentType, stored: f.sha256 !== null, createdAt: f.createdAt.toISOString(),
          url: f.sha256 ? `/api/meetings/${m.id}/files/${f.id}` : null,
        })),
      })),
      participants: participants.map((p) => ({
        id: p.id, unitId: p.unitId, userId: p.userId,
        name: p.unitId ? names.unit.get(p.unitId) ?? '' : names.user.get(p.userId!)?.fullName ?? '',
        answer: p.answer, substitute: person(p.substituteUserId), answeredBy: p.answeredBy, answeredAt: iso(p.answeredAt),
        present: p.present, presentUser: person(p.presentUserId), attendanceAt: iso(p.attendanceAt),
        mine: mine.some((x) => x.id === p.id),
      })),
      comments: shown.map((c) => ({
        id: c.id, agendaIndex: c.agendaIndex, text: c.text, createdAt: c.createdAt.toISOString(),
        user: { id: c.userId, fullName: names.user.get(c.userId)?.fullName ?? '' }, unit: { id: c.unitId, name: names.unit.get(c.unitId) ?? '' },
      })),
      documents: { invitation: linked(m.invitationDocumentId), minutes: linked(m.minutesDocumentId), conclusion: linked(m.conclusionDocumentId) },
      tasks: tasks.map(({ a }) => ({
        assignmentId: a.id, documentId: a.documentId, deliveryId: a.deliveryId, assigneeUnitId: a.assigneeUnitId, assigneeUserId: a.assigneeUserId,
        assignee: a.assigneeUnitId ? names.unit.get(a.assigneeUnitId) ?? '' : names.user.get(a.assigneeUserId!)?.fullName ?? '',
        text: a.direction, dueDate: a.dueDate, status: a.status, completedAt: iso(a.completedAt),
      })),
      role: m.hostUnitId === actor.unitId ? 'host' : 'participant',
      can: meetingCan(actor, m, participants, deps.clock()),
    },
  };
}
