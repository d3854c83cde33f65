import { badRequest } from '../../lib/errors.js';
import { VN_OFFSET_MS, vnDate, vnYear } from '../../lib/time.js';

/** A register covers whole Vietnam days, both ends included. */
export interface RegisterRange {
  /** yyyy-MM-dd, Vietnam dates. */
  from: string;
  to: string;
  /** 00:00 of `from` in Vietnam, as an instant. */
  start: Date;
  /** 00:00 of the day after `to` in Vietnam: the range is [start, end). */
  end: Date;
}

const DAY_MS = 86_400_000;
/** A register spans at most a leap year, so a whole calendar year always fits. */
export const MAX_RANGE_DAYS = 366;

/** Midnight UTC of a yyyy-MM-dd day, or null if the text is not a real calendar day. */
function parseDay(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? t : null;
}

function day(text: string, name: 'from' | 'to'): number {
  const t = parseDay(text);
  if (t === null) {
    throw badRequest(
      `Tham số "${name}" phải là một ngày có thật theo dạng YYYY-MM-DD (nhận được "${text.slice(0, 20)}")`,
      `"${name}" must be a real date as YYYY-MM-DD (got "${text.slice(0, 20)}")`,
    );
  }
  return t;
}

/**
 * The Vietnam-date range asked for. Without `from`/`to` it is the current Vietnam year to date;
 * `from` alone runs to today, `to` alone starts on 1 January of its year.
 */
export function parseRegisterRange(q: { from?: string; to?: string }, now: Date): RegisterRange {
  const toDay = q.to !== undefined ? day(q.to, 'to') : parseDay(vnDate(now))!;
  const fromDay = q.from !== undefined ? day(q.from, 'from') : Date.UTC(new Date(toDay).getUTCFullYear(), 0, 1);
  if (fromDay > toDay) throw badRequest('Ngày bắt đầu phải trước hoặc bằng ngày kết thúc', '"from" must not be after "to"');
  const days = (toDay - fromDay) / DAY_MS + 1;
  if (days > MAX_RANGE_DAYS) {
    throw badRequest(
      `Khoảng thời gian tối đa là ${MAX_RANGE_DAYS} ngày (đang yêu cầu ${days} ngày)`,
      `The range may span at most ${MAX_RANGE_DAYS} days (asked for ${days})`,
    );
  }
  const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
  return { from: iso(fromDay), to: iso(toDay), start: new Date(fromDay - VN_OFFSET_MS), end: new Date(toDay + DAY_MS - VN_OFFSET_MS) };
}

/** The current Vietnam year as a range: 1 January 00:00 to the next 1 January 00:00 (Vietnam time). */
export function vnYearBounds(now: Date): { start: Date; end: Date } {
  const y = vnYear(now);
  return { start: new Date(Date.UTC(y, 0, 1) - VN_OFFSET_MS), end: new Date(Date.UTC(y + 1, 0, 1) - VN_OFFSET_MS) };
}

/** dd/MM/yyyy of an instant in Vietnam time, '' for none. */
export function vnDay(at: Date | null | undefined): string {
  if (!at) return '';
  return dmy(vnDate(at));
}

/** dd/MM/yyyy of a yyyy-MM-dd date ('' for none). */
export function dmy(isoDate: string | null | undefined): string {
  if (!isoDate) return '';
  const [y, m, d] = isoDate.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}
