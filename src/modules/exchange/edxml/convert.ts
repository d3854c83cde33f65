// Small pure converters the standard needs: its dates and times (Vietnam time, UTC+7, no DST),
// Priority ↔ urgency, DocumentId build/parse.
import { edxmlError, type Priority } from './types.js';

const VN_OFFSET_MS = 7 * 3600_000;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `yyyy/MM/dd` of the calendar day in Vietnam at instant `d`. */
export function formatEdxmlDate(d: Date): string {
  const v = new Date(d.getTime() + VN_OFFSET_MS);
  return `${pad(v.getUTCFullYear(), 4)}/${pad(v.getUTCMonth() + 1)}/${pad(v.getUTCDate())}`;
}

/** `yyyy/MM/dd HH:mm:ss` in Vietnam time. */
export function formatEdxmlTime(d: Date): string {
  const v = new Date(d.getTime() + VN_OFFSET_MS);
  return `${formatEdxmlDate(d)} ${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}`;
}

const DATE_RE = /^(\d{4})\/(\d{2})\/(\d{2})$/;
const TIME_RE = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

function vnInstant(y: number, mo: number, d: number, h: number, mi: number, s: number, text: string): Date {
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw edxmlError('bad_value', `Ngày giờ không hợp lệ: ${text}`, `Invalid date or time: ${text}`);
  }
  return new Date(t - VN_OFFSET_MS);
}

/** The instant 00:00 Vietnam time of a `yyyy/MM/dd` day. Throws EdxmlError bad_value. */
export function parseEdxmlDate(s: string): Date {
  const m = DATE_RE.exec(s.trim());
  if (!m) throw edxmlError('bad_value', `Ngày không đúng dạng yyyy/MM/dd: ${s}`, `Date not in yyyy/MM/dd form: ${s}`);
  return vnInstant(+m[1]!, +m[2]!, +m[3]!, 0, 0, 0, s);
}

/** The instant of a `yyyy/MM/dd HH:mm:ss` Vietnam time. Throws EdxmlError bad_value. */
export function parseEdxmlTime(s: string): Date {
  const m = TIME_RE.exec(s.trim());
  if (!m) {
    throw edxmlError('bad_value', `Thời gian không đúng dạng yyyy/MM/dd HH:mm:ss: ${s}`, `Time not in yyyy/MM/dd HH:mm:ss form: ${s}`);
  }
  return vnInstant(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, s);
}

/** Our urgency levels. */
export type Urgency = 'normal' | 'urgent' | 'very_urgent' | 'flash';

const URGENCY_OF: Record<Priority, Urgency> = { 0: 'normal', 1: 'urgent', 2: 'very_urgent', 3: 'flash', 4: 'flash' };
const PRIORITY_OF: Record<Urgency, Priority> = { normal: 0, urgent: 1, very_urgent: 2, flash: 3 };

/** Priority → urgency: 0 normal, 1 urgent (khẩn), 2 very_urgent (thượng khẩn), 3 and 4 flash (hỏa tốc, hẹn giờ). */
export const urgencyOfPriority = (p: Priority): Urgency => URGENCY_OF[p];
/** Urgency → Priority; flash is 3 (hỏa tốc), never 4 (hẹn giờ needs a time we do not carry). */
export const priorityOfUrgency = (u: Urgency): Priority => PRIORITY_OF[u];

export interface DocumentIdParts {
  organId: string;
  /** yyyy/MM/dd */
  promulgationDate: string;
  /** e.g. 12 */
  codeNumber: string;
  /** e.g. QĐ-UBND */
  codeNotation: string;
}

/** `OrganId,yyyy/MM/dd,number/notation`, e.g. `000.00.01.H01,2026/11/30,12/QĐ-UBND`. */
export function buildDocumentId(p: DocumentIdParts): string {
  if (!p.organId || p.organId.includes(',')) throw edxmlError('bad_value', 'Mã cơ quan không hợp lệ', 'Invalid OrganId');
  if (!DATE_RE.test(p.promulgationDate)) {
    throw edxmlError('bad_value', 'Ngày ban hành không đúng dạng yyyy/MM/dd', 'PromulgationDate not in yyyy/MM/dd form');
  }
  if (!p.codeNumber || p.codeNumber.includes('/') || p.codeNumber.includes(',')) {
    throw edxmlError('bad_value', 'Số văn bản không hợp lệ', 'Invalid code number');
  }
  return `${p.organId},${p.promulgationDate},${p.codeNumber}/${p.codeNotation}`;
}

/** The parts of a DocumentId (the notation may itself hold `/` and `,`). Throws EdxmlError bad_value. */
export function parseDocumentId(id: string): DocumentIdParts {
  const m = /^([^,]+),(\d{4}\/\d{2}\/\d{2}),([^/,]+)\/(.*)$/s.exec(id.trim());
  if (!m) {
    throw edxmlError('bad_value', `DocumentId không đúng dạng OrganId,yyyy/MM/dd,số/ký hiệu: ${id}`, `DocumentId not in OrganId,yyyy/MM/dd,number/notation form: ${id}`);
  }
  return { organId: m[1]!, promulgationDate: m[2]!, codeNumber: m[3]!, codeNotation: m[4]! };
}
