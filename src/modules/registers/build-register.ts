import type { Deps } from '../../lib/deps.js';
import { badRequest, notFound } from '../../lib/errors.js';
import { vnDate } from '../../lib/time.js';
import type { Actor } from '../../lib/actor.js';
import type { DeliveryStatus } from '../dispatch/tables.js';
import { DOCUMENT_TYPES } from '../documents/numbering.js';
import { getUnit } from '../orgs/units.js';
import {
  type FollowUpEntry, type IncomingEntry, type OutgoingEntry, type RegisterParams,
  MAX_LISTED_RECIPIENTS, followUpEntries, incomingEntries, outgoingEntries,
} from './queries.js';
import { dmy, parseRegisterRange, type RegisterRange, vnDay } from './range.js';

export const REGISTER_KINDS = ['outgoing', 'incoming', 'follow-up'] as const;
export type RegisterKind = (typeof REGISTER_KINDS)[number];

/** A register as rows of display text: the same content in JSON, CSV and PDF. */
export interface Register {
  kind: RegisterKind;
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

function followUpNote(e: FollowUpEntry, today: string): string {
  if (e.deliveryStatus === 'recalled') return 'Văn bản đã bị thu hồi';
  const late = (on: string) => e.dueDate !== null && e.dueDate < on;
  if (e.status === 'done') {
    const done = e.completedAt ? vnDate(e.completedAt) : null;
    if (!done) return 'Hoàn thành';
    return `Hoàn thành ngày ${dmy(done)}${late(done) ? ' (quá hạn)' : ''}`;
  }
  if (late(today)) return 'Quá hạn';
  return e.status === 'in_progress' ? 'Đang xử lý' : 'Chưa báo cáo';
}

const assignee = (unitName: string | null, userName: string | null) =>
  userName && unitName ? `${userName} (${unitName})` : (userName ?? unitName ?? '');

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
      'Đơn vị, người nhận bản lưu', 'Số lượng bản', 'Ngày chuyển', 'Ghi chú',
    ],
    query: outgoingEntries,
    row: (e) => [
      e.notation ?? '',
      vnDay(e.issuedAt),
      typeAndSubject(e.type, e.subject),
      e.signerName ?? '',
      e.recipientNames ?? (e.recipientCount > MAX_LISTED_RECIPIENTS ? `${e.recipientCount} đơn vị` : ''),
      // NĐ 30: the file copy stays with the clerical office (Văn thư) and the drafting unit.
      e.draftingName ? `Văn thư, ${e.draftingName}` : 'Văn thư',
      String(e.recipientCount),
      vnDay(e.issuedAt),
      e.status === 'recalled' ? `Thu hồi${e.recalledAt ? ` ngày ${vnDay(e.recalledAt)}` : ''}` : '',
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
      e.issuerName,
      e.notation ?? '',
      vnDay(e.issuedAt),
      typeAndSubject(e.type, e.subject),
      e.leads ?? '',
      vnDay(e.passedOnAt),
      '',
      INCOMING_NOTES[e.status] ?? '',
    ],
  },
  'follow-up': {
    title: 'Sổ theo dõi giải quyết văn bản đến',
    columns: [
      'Số đến', 'Số, ký hiệu', 'Trích yếu nội dung', 'Người/đơn vị chủ trì', 'Hạn giải quyết', 'Tiến độ giải quyết',
      'Số, ký hiệu văn bản trả lời', 'Ghi chú',
    ],
    query: followUpEntries,
    row: (e, today) => [
      String(e.incomingNumber ?? ''),
      e.notation ?? '',
      e.subject,
      assignee(e.assigneeUnitName, e.assigneeUserName),
      dmy(e.dueDate),
      e.progress ?? '',
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
  q: { from?: string; to?: string },
  maxRows = MAX_ROWS,
): Promise<Register> {
  const now = deps.clock();
  const range: RegisterRange = parseRegisterRange(q, now);
  const unit = await getUnit(deps.db, actor.unitId);
  if (!unit) throw notFound('Không tìm thấy đơn vị của tài khoản', "The account's unit was not found");
  const def = definitions[kind] as Definition<unknown>;
  const entries = await def.query(deps.db, { unitId: unit.id, start: range.start, end: range.end, limit: maxRows });
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
    unit: { id: unit.id, name: unit.name },
    from: range.from,
    to: range.to,
    columns: def.columns,
    rows: entries.map((e) => def.row(e, today)),
  };
}
