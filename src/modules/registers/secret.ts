import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import { type Actor, hasRole } from '../../lib/actor.js';
import { badRequest, forbidden, notFound } from '../../lib/errors.js';
import { vnDate, vnYear } from '../../lib/time.js';
import { recordEvents } from '../events/service.js';
import { checkTypeForUnit, DOCUMENT_TYPES, formatNotation, normaliseType, takeNextNumber } from '../documents/numbering.js';
import { URGENCIES, type Urgency } from '../documents/tables.js';
import { users } from '../orgs/tables.js';
import { getUnit } from '../orgs/units.js';
import type { Register, SecretRegisterKind } from './build-register.js';
import { dmy, parseRegisterRange, vnDay } from './range.js';
import { SECRET_DIRECTIONS, type SecretDirection, secretRegisterEntries } from './tables.js';

/** Độ mật of a secret document: mật, tối mật, tuyệt mật (never `none`: such a document is not secret). */
export const SECRET_LEVELS = ['confidential', 'secret', 'top_secret'] as const;
export type SecretLevel = (typeof SECRET_LEVELS)[number];
export const SECRECY_NAMES: Record<SecretLevel, string> = { confidential: 'Mật', secret: 'Tối mật', top_secret: 'Tuyệt mật' };
export const URGENCY_NAMES: Record<Urgency, string> = { normal: 'Thường', urgent: 'Khẩn', very_urgent: 'Thượng khẩn', flash: 'Hỏa tốc' };

export interface SecretEntryInput {
  direction: string;
  type: string;
  subject: string;
  counterpart: string;
  secrecy: string;
  urgency?: string;
  notation?: string | null;
  signedOn?: string | null;
  signerName?: string | null;
  copies?: number | null;
  holder?: string | null;
  note?: string | null;
}

export type SecretEntryRow = typeof secretRegisterEntries.$inferSelect;

/** The series of a unit's secret register: its own per direction and Vietnam year, apart from every other series. */
export const secretSeries = (direction: SecretDirection, at: Date) => `secret:${direction}:${vnYear(at)}`;

const mayRead = (actor: Actor) => hasRole(actor, 'clerk', 'leader');

/** Trimmed (NFC) text within [min, max] characters, or a 400 naming the field; `null` when absent and optional. */
function text(value: string | null | undefined, field: string, label: string, max: number, required: boolean): string | null {
  const v = (value ?? '').normalize('NFC').trim();
  if (!v) {
    if (required) throw badRequest(`Thiếu ${label} (${field})`, `"${field}" is required`);
    return null;
  }
  if (v.length > max) throw badRequest(`${label[0]!.toUpperCase()}${label.slice(1)} (${field}) tối đa ${max} ký tự`, `"${field}" may have at most ${max} characters`);
  return v;
}

function realDay(value: string, field: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== value) {
    throw badRequest(`${field} phải là một ngày có thật theo dạng YYYY-MM-DD`, `"${field}" must be a real date as YYYY-MM-DD`);
  }
  return value;
}

/** Every check of the input, before anything is written: a 400 naming the first bad field. */
function checkInput(input: SecretEntryInput) {
  if (!(SECRET_DIRECTIONS as readonly string[]).includes(input.direction)) {
    throw badRequest('direction phải là "incoming" (văn bản mật đến) hoặc "outgoing" (văn bản mật đi)', '"direction" must be "incoming" or "outgoing"');
  }
  const direction = input.direction as SecretDirection;
  const type = normaliseType(input.type ?? '');
  if (!type) throw badRequest(`Loại văn bản "${String(input.type).slice(0, 20)}" không có trong danh mục (type)`, `Unknown document type "${String(input.type).slice(0, 20)}"`);
  const subject = text(input.subject, 'subject', 'trích yếu', 500, true)!;
  const counterpart = text(input.counterpart, 'counterpart', direction === 'outgoing' ? 'nơi nhận' : 'tác giả (cơ quan gửi)', 500, true)!;
  if (!(SECRET_LEVELS as readonly string[]).includes(input.secrecy)) {
    throw badRequest('Độ mật (secrecy) phải là confidential (Mật), secret (Tối mật) hoặc top_secret (Tuyệt mật)', '"secrecy" must be confidential, secret or top_secret');
  }
  const urgency = input.urgency ?? 'normal';
  if (!(URGENCIES as readonly string[]).includes(urgency)) {
    throw badRequest('Độ khẩn (urgency) phải là normal, urgent, very_urgent hoặc flash', '"urgency" must be normal, urgent, very_urgent or flash');
  }
  const notation = text(input.notation, 'notation', 'số, ký hiệu', 64, false);
  if (notation && direction === 'outgoing') {
    throw badRequest('Số, ký hiệu văn bản mật đi do hệ thống cấp theo sổ mật; không nhập notation', 'An outgoing secret entry is numbered by the register: do not send "notation"');
  }
  const copies = input.copies ?? null;
  if (copies !== null && (!Number.isInteger(copies) || copies < 1 || copies > 10_000)) {
    throw badRequest('Số lượng bản (copies) phải là số nguyên từ 1 đến 10000', '"copies" must be an integer from 1 to 10000');
  }
  return {
    direction, type, subject, counterpart, secrecy: input.secrecy as SecretLevel, urgency: urgency as Urgency, notation, copies,
    signedOn: input.signedOn ? realDay(input.signedOn, 'signedOn') : null,
    signerName: text(input.signerName, 'signerName', 'người ký', 200, false),
    holder: text(input.holder, 'holder', direction === 'outgoing' ? 'đơn vị, người nhận bản lưu' : 'đơn vị hoặc người nhận', 300, false),
    note: text(input.note, 'note', 'ghi chú', 2000, false),
  };
}

/**
 * Registers a secret document in the unit's secret register (sổ văn bản mật): metadata only —
 * no file, no content ever reaches the system (QĐ 28/2018 keeps state secrets off the network).
 * Numbered in the register's own series per unit, direction and year (takeNextNumber, the same
 * gap-free counter as every register); an outgoing entry gets a notation formed like any of the
 * unit's (formatNotation, the unit's type list). Clerks of the caller's unit only. The event
 * carries no subject.
 */
export async function registerSecretEntry(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, input: SecretEntryInput): Promise<SecretEntryRow> {
  if (!hasRole(actor, 'clerk')) throw forbidden('Chỉ văn thư của đơn vị được vào sổ văn bản mật', 'Only a clerk of the unit can register secret documents');
  const v = checkInput(input);
  const unit = await getUnit(deps.db, actor.unitId);
  if (!unit) throw notFound('Không tìm thấy đơn vị của tài khoản', "The account's unit was not found");
  if (v.direction === 'outgoing') checkTypeForUnit(unit, v.type);
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const series = secretSeries(v.direction, at);
    const number = await takeNextNumber(tx, unit.id, series);
    const notation = v.direction === 'outgoing' ? formatNotation({ unit, type: v.type, number }) : v.notation;
    const [row] = await tx
      .insert(secretRegisterEntries)
      .values({
        unitId: unit.id, direction: v.direction, series, number, notation, type: v.type, subject: v.subject,
        counterpart: v.counterpart, secrecy: v.secrecy, urgency: v.urgency,
        signedOn: v.signedOn ?? (v.direction === 'outgoing' ? vnDate(at) : null),
        signerName: v.signerName, copies: v.copies, holder: v.holder, note: v.note,
        registeredBy: actor.userId, registeredAt: at,
      })
      .returning();
    await recordEvents(tx, [{
      type: 'register.secret_entry', at, actor, unitIds: [unit.id],
      data: { entryId: row!.id, direction: v.direction, number, notation, secrecy: v.secrecy },
    }]);
    return row!;
  });
}

export interface SecretEntry {
  id: string;
  direction: SecretDirection;
  number: number;
  notation: string | null;
  type: string;
  typeName: string;
  subject: string;
  counterpart: string;
  secrecy: SecretLevel;
  urgency: Urgency;
  signedOn: string | null;
  signerName: string | null;
  copies: number | null;
  holder: string | null;
  note: string | null;
  registeredAt: string;
  registeredBy: { id: string; name: string | null };
}

export function presentSecretEntry(e: SecretEntryRow, registeredByName: string | null): SecretEntry {
  return {
    id: e.id, direction: e.direction, number: e.number, notation: e.notation, type: e.type, typeName: DOCUMENT_TYPES[e.type] ?? e.type,
    subject: e.subject, counterpart: e.counterpart, secrecy: e.secrecy as SecretLevel, urgency: e.urgency as Urgency,
    signedOn: e.signedOn, signerName: e.signerName, copies: e.copies, holder: e.holder, note: e.note,
    registeredAt: e.registeredAt.toISOString(), registeredBy: { id: e.registeredBy, name: registeredByName },
  };
}

async function secretEntries(db: DbOrTx, p: { unitId: string; direction?: SecretDirection; start: Date; end: Date; limit: number }) {
  return db
    .select({ e: secretRegisterEntries, by: users.fullName })
    .from(secretRegisterEntries)
    .leftJoin(users, eq(users.id, secretRegisterEntries.registeredBy))
    .where(and(
      eq(secretRegisterEntries.unitId, p.unitId),
      p.direction ? eq(secretRegisterEntries.direction, p.direction) : undefined,
      gte(secretRegisterEntries.registeredAt, p.start),
      lt(secretRegisterEntries.registeredAt, p.end),
    ))
    .orderBy(asc(secretRegisterEntries.direction), asc(secretRegisterEntries.series), asc(secretRegisterEntries.number))
    .limit(p.limit + 1);
}

/**
 * The unit's secret register over a Vietnam-date range (by registration day), one direction or
 * both: for its clerks and leaders only (anyone else 403); only the caller's own unit is read.
 */
export async function listSecretEntries(
  deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, q: { direction?: SecretDirection; from?: string; to?: string }, maxRows: number,
) {
  if (!mayRead(actor)) throw forbidden('Chỉ văn thư và lãnh đạo của đơn vị được xem sổ văn bản mật', 'Only the unit’s clerks and leaders may read the secret register');
  const range = parseRegisterRange(q, deps.clock());
  const unit = await getUnit(deps.db, actor.unitId);
  if (!unit) throw notFound('Không tìm thấy đơn vị của tài khoản', "The account's unit was not found");
  const rows = await secretEntries(deps.db, { unitId: unit.id, direction: q.direction, start: range.start, end: range.end, limit: maxRows });
  if (rows.length > maxRows) {
    throw badRequest(`Sổ có hơn ${maxRows.toLocaleString('vi-VN')} dòng; hãy thu hẹp khoảng thời gian`, `The register has more than ${maxRows} rows; narrow the date range`);
  }
  return { unit, range, entries: rows.map((r) => presentSecretEntry(r.e, r.by)) };
}

const SECRET_COLUMNS: Record<SecretRegisterKind, string[]> = {
  'secret-outgoing': [
    'Số, ký hiệu văn bản', 'Ngày tháng văn bản', 'Tên loại và trích yếu nội dung', 'Độ mật', 'Người ký', 'Nơi nhận văn bản',
    'Đơn vị, người nhận bản lưu', 'Số lượng bản', 'Ngày chuyển', 'Ký nhận', 'Ghi chú',
  ],
  'secret-incoming': [
    'Ngày đến', 'Số đến', 'Tác giả', 'Số, ký hiệu', 'Ngày tháng văn bản', 'Tên loại và trích yếu nội dung', 'Độ mật',
    'Đơn vị hoặc người nhận', 'Ngày chuyển', 'Ký nhận', 'Ghi chú',
  ],
  secret: [
    'Đi/đến', 'Số', 'Số, ký hiệu', 'Ngày tháng văn bản', 'Tên loại và trích yếu nội dung', 'Độ mật', 'Nơi nhận (đi) / Tác giả (đến)',
    'Người ký', 'Số lượng bản', 'Đơn vị, người nhận, bản lưu', 'Ngày vào sổ', 'Ghi chú',
  ],
};

const entryNote = (e: SecretEntry) => [e.urgency !== 'normal' ? URGENCY_NAMES[e.urgency] : null, e.note].filter(Boolean).join('; ');
const subjectCell = (e: SecretEntry) => `${e.typeName}: ${e.subject}`;

/** The secret register as rows of display text (the same in JSON, CSV and PDF), like the appendix IV registers plus "Độ mật". */
export function secretRegister(p: { unit: { id: string; name: string }; from: string; to: string; direction?: SecretDirection; entries: SecretEntry[] }): Register {
  const kind: SecretRegisterKind = p.direction ? `secret-${p.direction}` : 'secret';
  const title = p.direction === 'outgoing' ? 'Sổ đăng ký văn bản mật đi' : p.direction === 'incoming' ? 'Sổ đăng ký văn bản mật đến' : 'Sổ đăng ký văn bản mật';
  const rows = p.entries.map((e): string[] => {
    const registered = vnDay(new Date(e.registeredAt));
    if (kind === 'secret-outgoing') {
      return [e.notation ?? '', dmy(e.signedOn), subjectCell(e), SECRECY_NAMES[e.secrecy], e.signerName ?? '', e.counterpart, e.holder ?? '',
        e.copies === null ? '' : String(e.copies), registered, '', entryNote(e)];
    }
    if (kind === 'secret-incoming') {
      return [registered, String(e.number), e.counterpart, e.notation ?? '', dmy(e.signedOn), subjectCell(e), SECRECY_NAMES[e.secrecy],
        e.holder ?? '', '', '', entryNote(e)];
    }
    return [e.direction === 'outgoing' ? 'Đi' : 'Đến', String(e.number), e.notation ?? '', dmy(e.signedOn), subjectCell(e), SECRECY_NAMES[e.secrecy],
      e.counterpart, e.signerName ?? '', e.copies === null ? '' : String(e.copies), e.holder ?? '', registered, entryNote(e)];
  });
  return { kind, title, unit: p.unit, from: p.from, to: p.to, columns: SECRET_COLUMNS[kind], rows };
}
