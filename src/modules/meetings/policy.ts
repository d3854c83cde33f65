import { type Actor, hasRole } from '../../lib/actor.js';
import type { meetingParticipants, meetings } from './tables.js';

export type MeetingRow = typeof meetings.$inferSelect;
export type ParticipantRow = typeof meetingParticipants.$inferSelect;

/** Attendance may be taken from this long before the start ("Có mặt" at the door). */
export const ATTENDANCE_OPENS_MS = 30 * 60_000;
/** …until the end, or this long after the start when no end is given. */
export const ATTENDANCE_DEFAULT_LENGTH_MS = 12 * 3600_000;

/** A member of the host unit sees the meeting as its host. */
export const isHostMember = (actor: Actor, m: Pick<MeetingRow, 'hostUnitId'>) => actor.unitId === m.hostUnitId;

/** The host's leaders and clerks (văn thư) convene, change, cancel, upload papers, link documents, mark attendance. */
export const mayManage = (actor: Actor, m: Pick<MeetingRow, 'hostUnitId'>) => isHostMember(actor, m) && hasRole(actor, 'leader', 'clerk');

/**
 * The participant rows that stand for `actor`: a unit invited (any member of it sees the meeting;
 * its leader or clerk answers), the actor invited personally, or sent as a substitute.
 */
export function participationsOf(actor: Actor, participants: ParticipantRow[]): ParticipantRow[] {
  return participants.filter((p) => p.unitId === actor.unitId || p.userId === actor.userId || p.substituteUserId === actor.userId);
}

/** Who may see a meeting: its host unit, the chair, and every participant (units, persons, substitutes). */
export function maySee(actor: Actor, m: MeetingRow, participants: ParticipantRow[]): boolean {
  return isHostMember(actor, m) || m.chairUserId === actor.userId || participationsOf(actor, participants).length > 0;
}

/** A unit participant is answered by its leader or clerk; a person answers for themself. */
export function mayAnswer(actor: Actor, p: ParticipantRow): boolean {
  if (p.userId) return p.userId === actor.userId;
  return p.unitId === actor.unitId && hasRole(actor, 'leader', 'clerk');
}

/** Comments on drafts (góp ý): every participant, the chair and the host. */
export const mayComment = (actor: Actor, m: MeetingRow, participants: ParticipantRow[]) => m.status === 'scheduled' && maySee(actor, m, participants);

/**
 * Comments are collected for the host: the host unit and the chair read them all; a participant
 * reads those written by its own side (its unit's people for a unit participant, its own otherwise).
 */
export function commentVisible(actor: Actor, m: MeetingRow, c: { userId: string; unitId: string }, mine: ParticipantRow[]): boolean {
  if (isHostMember(actor, m) || m.chairUserId === actor.userId) return true;
  if (c.userId === actor.userId) return true;
  return mine.some((p) => p.unitId !== null && p.unitId === c.unitId);
}

/** Whether attendance can be taken at `now`: from a little before the start to the end. */
export function attendanceOpen(m: MeetingRow, now: Date): boolean {
  const start = m.startsAt.getTime();
  const end = m.endsAt ? m.endsAt.getTime() : start + ATTENDANCE_DEFAULT_LENGTH_MS;
  return m.status === 'scheduled' && now.getTime() >= start - ATTENDANCE_OPENS_MS && now.getTime() <= end;
}

/** A secret meeting's papers are listed by title, never stored on a networked system. */
export const storesPapers = (m: Pick<MeetingRow, 'secrecy'>) => m.secrecy === 'none';

/** What the caller may do now: the web app shows buttons from this only. */
export function meetingCan(actor: Actor, m: MeetingRow, participants: ParticipantRow[], now: Date) {
  const manage = mayManage(actor, m);
  const mine = participationsOf(actor, participants);
  const scheduled = m.status === 'scheduled';
  return {
    edit: manage && scheduled,
    cancel: manage && scheduled,
    upload: manage && scheduled,
    answer: scheduled && mine.some((p) => mayAnswer(actor, p)),
    comment: mayComment(actor, m, participants),
    attend: scheduled && mine.length > 0 && attendanceOpen(m, now),
    markAttendance: manage && attendanceOpen(m, now),
    linkDocuments: manage,
    assignTasks: manage && hasRole(actor, 'leader'),
  };
}
