import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { badRequest } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import { users } from '../orgs/tables.js';
import { findActiveUnits } from '../orgs/units.js';
import type { AgendaItem } from './tables.js';

export interface ParticipantInput { unitId?: string; userId?: string }
export interface AgendaInput { title: string; documentIds?: string[] }

/** The documents the caller may read among `ids` (the reading rule lives above the modules: workflows/access.ts). */
export type ReadableDocuments = (db: DbOrTx, actor: import('../../lib/actor.js').Actor, ids: string[]) => Promise<Map<string, LinkedDocument>>;
export interface LinkedDocument { id: string; type: string; subject: string; notation: string | null; status: string; issuerUnitId: string }

const field = (name: string, vi: string, en: string) => badRequest(`${name}: ${vi}`, `${name}: ${en}`);

export function checkTitle(raw: string, name = 'title'): string {
  const t = raw.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (!t) throw field(name, 'cần nội dung', 'is required');
  if (t.length > 500) throw field(name, 'tối đa 500 ký tự', 'at most 500 characters');
  return t;
}

export function parseTime(raw: string, name: string): Date {
  const d = new Date(raw);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(raw) || Number.isNaN(d.getTime())) throw field(name, 'thời gian không hợp lệ (ISO 8601)', 'invalid time (ISO 8601)');
  return d;
}

/** The start must lie ahead; the end, when given, after the start. */
export function checkTimes(startsAt: Date, endsAt: Date | null, now: Date): void {
  if (startsAt.getTime() <= now.getTime()) throw field('startsAt', 'thời gian bắt đầu đã qua', 'the start time is in the past');
  if (endsAt && endsAt.getTime() <= startsAt.getTime()) throw field('endsAt', 'thời gian kết thúc phải sau thời gian bắt đầu', 'must be after startsAt');
}

export function checkLink(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw field('link', 'đường dẫn họp trực tuyến không hợp lệ', 'invalid online meeting link');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw field('link', 'chỉ nhận đường dẫn http(s)', 'only http(s) links');
  return u.toString();
}

export const checkPlace = (raw: string | null | undefined): string | null => {
  const t = raw?.normalize('NFC').trim() ?? '';
  if (t.length > 500) throw field('place', 'tối đa 500 ký tự', 'at most 500 characters');
  return t || null;
};

/** An active person, or a 400 naming `name`. */
export async function checkPerson(db: DbOrTx, id: string, name: string): Promise<{ id: string; unitId: string }> {
  const [u] = isUuid(id) ? await db.select({ id: users.id, unitId: users.unitId }).from(users).where(and(eq(users.id, id), eq(users.disabled, false))) : [];
  if (!u) throw field(name, `không tìm thấy người dùng ${id}`, `unknown user ${id}`);
  return u;
}

/**
 * Participants: units of this system (active, not the administrators' unit, not served by another
 * system — their people could not open the meeting here) and active persons. Duplicates collapse;
 * an unknown one is a 400 naming its place in the list.
 */
export async function checkParticipants(db: DbOrTx, list: ParticipantInput[]): Promise<{ unitIds: string[]; userIds: string[] }> {
  if (list.length === 0) throw field('participants', 'cần ít nhất một thành phần tham dự', 'at least one participant is required');
  for (const [i, p] of list.entries()) {
    if (Boolean(p.unitId) === Boolean(p.userId)) throw field(`participants[${i}]`, 'cần đúng một trong unitId hoặc userId', 'needs exactly one of unitId or userId');
  }
  const unitIds = [...new Set(list.flatMap((p) => (p.unitId ? [p.unitId] : [])))];
  const userIds = [...new Set(list.flatMap((p) => (p.userId ? [p.userId] : [])))];
  const known = new Map((await findActiveUnits(db, unitIds)).map((u) => [u.id, u]));
  const people = userIds.filter(isUuid).length
    ? new Set((await db.select({ id: users.id }).from(users).where(and(
      sql`${users.id} = any(${`{${userIds.filter(isUuid).join(',')}}`}::uuid[])`, eq(users.disabled, false)))).map((u) => u.id))
    : new Set<string>();
  for (const [i, p] of list.entries()) {
    if (p.unitId) {
      const u = known.get(p.unitId);
      if (!u) throw field(`participants[${i}].unitId`, `không tìm thấy đơn vị ${p.unitId}`, `unknown unit ${p.unitId}`);
      if (u.systemId) throw field(`participants[${i}].unitId`, `đơn vị "${u.name}" thuộc hệ thống khác: hãy gửi giấy mời`, `the unit "${u.name}" is served by another system: send an invitation`);
    } else if (!people.has(p.userId!)) {
      throw field(`participants[${i}].userId`, `không tìm thấy người dùng ${p.userId}`, `unknown user ${p.userId}`);
    }
  }
  return { unitIds, userIds };
}

/** Agenda items; the documents named must be ones the caller may read. */
export async function checkAgenda(db: DbOrTx, actor: import('../../lib/actor.js').Actor, list: AgendaInput[], readable: ReadableDocuments): Promise<AgendaItem[]> {
  if (list.length > 100) throw field('agenda', 'tối đa 100 mục', 'at most 100 items');
  const all = [...new Set(list.flatMap((a) => a.documentIds ?? []))];
  for (const [i, a] of list.entries()) {
    for (const id of a.documentIds ?? []) if (!isUuid(id)) throw field(`agenda[${i}].documentIds`, `mã văn bản không hợp lệ ${id}`, `invalid document id ${id}`);
  }
  const ok = all.length ? await readable(db, actor, all) : new Map();
  return list.map((a, i) => {
    const ids = [...new Set(a.documentIds ?? [])];
    const missing = ids.find((id) => !ok.has(id));
    if (missing) throw field(`agenda[${i}].documentIds`, `không tìm thấy văn bản ${missing}`, `unknown document ${missing}`);
    return { title: checkTitle(a.title, `agenda[${i}].title`), documentIds: ids };
  });
}
