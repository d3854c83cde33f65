import type { Deps } from '../../lib/deps.js';
import { badRequest, notFound } from '../../lib/errors.js';
import { vnDate } from '../../lib/time.js';
import type { Actor } from '../../lib/actor.js';
import type { DeliveryStatus } from '../dispatch/tables.js';
import type { Competence, PaperRecipient, Secrecy, Urgency } from '../documents/tables.js';
import { DOCUMENT_TYPES } from '../documents/numbering.js';
import { getUnit } from '../orgs/units.js';
import { predecessorsOf, unitNameOnDay } from '../orgs/history.js';
import { isUuid } from '../../lib/ids.js';
import {
  type FollowUpEntry, type IncomingEntry, type OutgoingEntry, type RegisterParams,
  MAX_LISTED_RECIPIENTS, followUpEntries, incomingEntries, outgoingEntries,
} from './queries.js';
import { dmy, parseRegisterRange, type RegisterRange, vnDay } from './range.js';

export const REGISTER_KINDS = ['outgoing', 'incoming', 'follow-up'] as const;
export type RegisterKind = (typeof REGISTER_KINDS)[number];
/** The secret register (sổ văn bản mật): one direction, or both in one table. */
export type SecretRegisterKind = 'secret' | 'secret-outgoing' | 'secret-incoming';

/** A register as rows of display text: the same content in JSON, CSV and PDF. */
export interface Register {
  kind: RegisterKind | SecretRegisterKind;
  title: string;
  unit: { id: string; name: string };
  from: string;
  to: string;
  columns: string[];
  rows: string[][];
}

/** More rows than this is a request for an archive export, not a register: narrow the range. */
export const MAX_ROWS = 20_000;

/** "Tên loại và trích yếu nội dung": the type's full name, then the subject. */
export const typeAndSubject = (type: string, subject: string) => `${DOCUMENT_TYPES[type] ?? type}: ${subject}`;

const INCOMING_NOTES: Partial<Record<DeliveryStatus, string>> = {
  accepted: 'Đã tiếp nhận', assigned: 'Đã phân công', in_progress: 'Đang xử lý', completed: 'Hoàn thành', recalled: 'Đã thu hồi',
};
const URGENCY_NOTES: Partial<Record<Urgency, string>> = { urgent: 'Khẩn', very_urgent: 'Thượng khẩn', flash: 'Hỏa tốc' };
const SECRECY_NOTES: Partial<Record<Secrecy, string>> = { confidential: 'Mật', secret: 'Tối mật', top_secret: 'Tuyệt mật' };
const COMPETENCE_PREFIX: Record<Competence, string> = { TM: 'TM.', KT: 'KT.', Q: 'Q.', TL: 'TL.', TUQ: 'TUQ.' };

/** Notes joined by "; ", empty ones left out. */
const notes = (...parts: Array<string | null | undefined | false>) => parts.filter(Boolean).join('; ');

/** "Người ký": the signer of record with the competence line when there is one, e.g. "KT. Phó Chủ tịch Trần Văn B". */
export function signerLabel(e: { signerName: string | null; signerTitle: string | null; signerCompetence: Competence | null }): string {
  if (!e.signerName) return '';
  const prefix = e.signerCompetence ? COMPETENCE_PREFIX[e.signerCompetence] : null;
  return [prefix, prefix ? e.signerTitle?.trim() || null : null, e.signerName].filter(Boolean).join(' ');
}

const paperLabel = (p: PaperRecipient) => `${p.name} (bản giấy)`;

/** "Nơi nhận": the units the document was delivered to (or their count, when many), then the paper recipients. */
function recipientsCell(e: OutgoingEntry): string {
  const electronic = e.recipientNames ?? (e.recipientCount > MAX_LISTED_RECIPIENTS ? `${e.recipientCount} đơn vị` : '');
  return [electronic, ...(e.paperRecipients ?? []).map(paperLabel)].filter(Boolean).join(', ');
}

/**
 * "Ký nhận" of an electronic register: how many recipients' clerks confirmed receipt (accepted
 * it into their register) and the latest date; then a line to sign by hand for each paper recipient.
 */
function receiptCell(e: OutgoingEntry): string {
  const lines: string[] = [];
  if (e.recipientCount > 0) {
    lines.push(`${e.receivedCount}/${e.recipientCount} đã nhận${e.receivedCount > 0 && e.lastReceivedAt ? ` (${vnDay(e.lastReceivedAt)})` : ''}`);
  }
  for (const p of e.paperRecipients ?? []) lines.push(`${p.name}: ……………`);
  return lines.join('\n');
}

function outgoingNote(e: OutgoingEntry): string {
  const recalled = e.status === 'recalled'
    ? (e.replacedByNotation ? `Bị thay thế bởi văn bản ${e.replacedByNotation}` : `Thu hồi${e.recalledAt ? ` ngày ${vnDay(e.recalledAt)}` : ''}`)
    : null;
  return notes(recalled, e.replacesNotation && `Thay thế văn bản ${e.replacesNotation}`, SECRECY_NOTES[e.secrecy], URGENCY_NOTES[e.urgency]);
}

function followUpNote(e: FollowUpEntry, today: string): string {
  if (e.deliveryStatus === 'recalled') return 'Văn bản đã bị thu hồi';
  const late = (on: string) => e.dueDate !== null && e.dueDate < on;
  if (e.status === 'done') {
    const done = e.completedAt ? vnDate(e.completedAt) : null;
    return done && late(done) ? 'Hoàn thành quá hạn' : 'Hoàn thành';
  }
  if (late(today)) return 'Quá hạn';
  return e.status === 'in_progress' ? 'Đang xử lý' : 'Chưa báo cáo';
}

/** "Tiến độ giải quyết": done and when, else the latest report with its date. */
function followUpProgress(e: FollowUpEntry): string {
  if (e.status === 'done') {
    const done = e.completedAt ? `Hoàn thành ngày ${vnDay(e.completedAt)}` : 'Hoàn thành';
    return e.progress && e.progress !== 'Hoàn thành' ? `${done}: ${e.progress}` : done;
  }
  if (!e.progress) return '';
  return e.progressAt ? `${vnDay(e.progressAt)}: ${e.progress}` : e.progress;
}

const assignee = (unitName: string | null, userName: string | null) =>
  userName && unitName ? `${userName} (${unitName})` : (userName ?? unitName ?? '');

/** "Tên loại, số, ký hiệu, ngày tháng và tác giả văn bản", then the subject on its own line. */
function documentCell(e: { type: string; notation: string | null; issuedAt: Date | null; signedOn: string | null; authorName: string; subject: string }): string {
  const day = e.signedOn ? dmy(e.signedOn) : vnDay(e.issuedAt);
  const head = [DOCUMENT_TYPES[e.type] ?? e.type, e.notation ? `số ${e.notation}` : null, day ? `ngày ${day}` : null, `của ${e.authorName}`].filter(Boolean).join(' ');
  return `${head}\n${e.subject}`;
}

interface Definition<E> {
  title: string;
  columns: string[];
  query(db: Deps['db'], p: RegisterParams): Promise<E[]>;
  row(e: E, today: string): string[];
}

const definitions: { [K in RegisterKind]: Definition<K extends 'outgoing' ? OutgoingEntry : K extends 'incoming' ? IncomingEntry : FollowUpEntry> } = {
  outgoing: {
    title: 'Sổ đăng ký văn bản đi',
    columns: [
      'Số, ký hiệu văn bản', 'Ngày tháng văn bản', 'Tên loại và trích yếu nội dung', 'Người ký', 'Nơi nhận văn bản',
      'Đơn vị, người nhận bản lưu', 'Số lượng bản', 'Ngày chuyển', 'Ký nhận', 'Ghi chú',
    ],
    query: outgoingEntries,
    row: (e) => [
      e.notation ?? '',
      vnDay(e.issuedAt),
      typeAndSubject(e.type, e.subject),
      signerLabel(e),
      recipientsCell(e),
      // NĐ 30: the file copy stays with the clerical office (VT) and the drafting unit.
      e.draftingShortName ? `Lưu: VT, ${e.draftingShortName}` : 'Lưu: VT',
      String(e.recipientCount + (e.paperRecipients?.length ?? 0)),
      vnDay(e.issuedAt),
      receiptCell(e),
      outgoingNote(e),
    ],
  },
  incoming: {
    title: 'Sổ đăng ký văn bản đến',
    columns: [
      'Ngày đến', 'Số đến', 'Tác giả', 'Số, ký hiệu', 'Ngày tháng văn bản', 'Tên loại và trích yếu nội dung',
      'Đơn vị hoặc người nhận', 'Ngày chuyển', 'Ký nhận', 'Ghi chú',
    ],
    query: incomingEntries,
    row: (e) => [
      vnDay(e.deliveredAt),
      String(e.incomingNumber ?? ''),
      e.senderName ?? e.issuerName,
      e.notation ?? '',
      e.signedOn ? dmy(e.signedOn) : vnDay(e.issuedAt),
      typeAndSubject(e.type, e.subject),
      e.leads ?? '',
      vnDay(e.passedOnAt),
      e.receivedByLeadAt ? `Đã nhận ${vnDay(e.receivedByLeadAt)}` : '',
      notes(INCOMING_NOTES[e.status], e.senderName !== null && 'Văn bản giấy', URGENCY_NOTES[e.urgency]),
    ],
  },
  'follow-up': {
    title: 'Sổ theo dõi giải quyết văn bản đến',
    columns: [
      'Số đến', 'Tên loại, số, ký hiệu, ngày tháng và tác giả văn bản', 'Đơn vị/người giải quyết', 'Thời hạn giải quyết',
      'Tiến độ giải quyết', 'Số, ký hiệu văn bản trả lời', 'Ghi chú',
    ],
    query: followUpEntries,
    row: (e, today) => [
      String(e.incomingNumber ?? ''),
      documentCell(e),
      notes(
        `Chủ trì: ${assignee(e.assigneeUnitName, e.assigneeUserName)}`,
        e.cooperating && `Phối hợp: ${e.cooperating}`,
      ),
      dmy(e.dueDate),
      followUpProgress(e),
      e.replies ?? '',
      followUpNote(e, today),
    ],
  },
};

/**
 * One of the unit's registers (NĐ 30/2020, appendix IV) over a Vietnam-date range. Only the
 * actor's own unit is ever read, whatever the role; `maxRows` bounds what a format can render.
 */
export async function buildRegister(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  kind: RegisterKind,
  q: { from?: string; to?: string; unitId?: string },
  maxRows = MAX_ROWS,
): Promise<Register> {
  const now = deps.clock();
  const range: RegisterRange = parseRegisterRange(q, now);
  // A unit merged into the caller's (a reorganisation): its registers passed to its successor.
  const unitId = q.unitId && q.unitId !== actor.unitId ? q.unitId : actor.unitId;
  if (unitId !== actor.unitId && (!isUuid(unitId) || !(await predecessorsOf(deps.db, actor.unitId)).includes(unitId))) {
    throw notFound('Không tìm thấy sổ của đơn vị này', 'No register of this unit');
  }
  const unit = await getUnit(deps.db, unitId);
  if (!unit) throw notFound('Không tìm thấy đơn vị của tài khoản', "The account's unit was not found");
  const def = definitions[kind] as Definition<unknown>;
  const entries = await def.query(deps.db, { unitId: unit.id, start: range.start, end: range.end, limit: maxRows, ...(unit.validTo ? { endedCode: unit.code } : {}) });
  if (entries.length > maxRows) {
    const csv = maxRows < MAX_ROWS;
    throw badRequest(
      `Sổ có hơn ${maxRows.toLocaleString('vi-VN')} dòng; hãy thu hẹp khoảng thời gian${csv ? ' hoặc tải dạng CSV' : ''}`,
      `The register has more than ${maxRows} rows; narrow the date range${csv ? ' or download it as CSV' : ''}`,
    );
  }
  const today = vnDate(now);
  return {
    kind,
    title: def.title,
    // An ended unit is named as it was, with what it is now ("UBND xã A (nay là xã C)").
    unit: { id: unit.id, name: unit.validTo ? await unitNameOnDay(deps.db, unit.id, unit.validTo) : unit.name },
    from: range.from,
    to: range.to,
    columns: def.columns,
    rows: entries.map((e) => def.row(e, today)),
  };
}
