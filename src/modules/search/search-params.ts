import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../lib/actor.js';
import { badRequest } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';

/** Document statuses that are searched; any other `status` value is the caller's delivery status. */
export const DOCUMENT_STATUS_FILTERS = ['issued', 'recalled'] as const;
export const DELIVERY_STATUS_FILTERS = ['delivered', 'refused', 'accepted', 'assigned', 'in_progress', 'completed'] as const;
export const STATUS_FILTERS = [...DOCUMENT_STATUS_FILTERS, ...DELIVERY_STATUS_FILTERS] as const;
export const DIRECTIONS = ['incoming', 'outgoing'] as const;

export interface SearchParams {
  q: string;
  type?: string;
  urgency?: string;
  /** Issuing unit id. */
  issuer?: string;
  /** Vietnam dates (YYYY-MM-DD), inclusive, on the date issued. */
  from?: string;
  to?: string;
  direction?: (typeof DIRECTIONS)[number];
  status?: string;
  cursor?: string;
  limit?: number;
}

/** The start of a Vietnam day (UTC+7, no daylight saving), or a 400 naming the parameter. */
function vnDayStart(name: string, value: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const at = m ? new Date(`${value}T00:00:00+07:00`) : null;
  const real = at && !Number.isNaN(at.getTime()) && new Date(Date.UTC(+m![1]!, +m![2]! - 1, +m![3]!)).toISOString().startsWith(value);
  if (!real) throw badRequest(`Tham số ${name}: ngày không hợp lệ (YYYY-MM-DD)`, `Parameter ${name}: not a valid date (YYYY-MM-DD)`);
  return at!;
}

/**
 * The filters as conditions on the search row `s`: type, urgency, issuer, dates (from the start of
 * `from` to the end of `to`, Vietnam time, on the date issued), direction (outgoing: issued by the
 * caller's unit; incoming: by another), status (issued, recalled: the document's; delivered,
 * accepted, …: the caller's unit's copy). Bad values → 400 naming the parameter.
 */
export function checkFilters(actor: Actor, p: SearchParams): SQL[] {
  const out: SQL[] = [];
  if (p.type) out.push(sql`s.type = ${p.type}`);
  if (p.urgency) out.push(sql`s.urgency = ${p.urgency}`);
  if (p.issuer) {
    if (!isUuid(p.issuer)) throw badRequest('Tham số issuer: không phải mã đơn vị', 'Parameter issuer: not a unit id');
    out.push(sql`s.issuer_unit_id = ${p.issuer}::uuid`);
  }
  const from = p.from ? vnDayStart('from', p.from) : null;
  const to = p.to ? new Date(vnDayStart('to', p.to).getTime() + 86_400_000) : null;
  if (from && to && from >= to) throw badRequest('Tham số from: sau ngày to', 'Parameter from: after to');
  if (from) out.push(sql`s.sort_at >= ${from.toISOString()}::timestamptz`);
  if (to) out.push(sql`s.sort_at < ${to.toISOString()}::timestamptz`);
  if (p.direction === 'outgoing') out.push(sql`s.issuer_unit_id = ${actor.unitId}::uuid`);
  else if (p.direction === 'incoming') out.push(sql`s.issuer_unit_id <> ${actor.unitId}::uuid`);
  else if (p.direction) throw badRequest('Tham số direction: incoming hoặc outgoing', 'Parameter direction: incoming or outgoing');
  if (p.status) {
    if ((DOCUMENT_STATUS_FILTERS as readonly string[]).includes(p.status)) out.push(sql`s.status = ${p.status}`);
    else if ((DELIVERY_STATUS_FILTERS as readonly string[]).includes(p.status)) {
      out.push(sql`exists (select 1 from deliveries ds where ds.document_id = s.document_id
        and ds.recipient_unit_id = ${actor.unitId}::uuid and ds.status = ${p.status})`);
    } else throw badRequest(`Tham số status: một trong ${STATUS_FILTERS.join(', ')}`, `Parameter status: one of ${STATUS_FILTERS.join(', ')}`);
  }
  return out;
}

export interface Cursor {
  tier: number;
  at: string;
  id: string;
}

const badCursor = () => badRequest('Tham số cursor: con trỏ phân trang không hợp lệ', 'Parameter cursor: invalid cursor');

/** The position after the last item of a page: opaque base64url of "tier|sort_at|id" (sort_at in microseconds, as stored). */
export const encodeCursor = (last: { tier: number; sortAt: string; id: string }) =>
  Buffer.from(`${last.tier}|${last.sortAt}|${last.id}`).toString('base64url');

export function decodeCursor(cursor: string): Cursor {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw badCursor();
  const [tier, at, id, extra] = Buffer.from(cursor, 'base64url').toString().split('|');
  const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;
  if (extra !== undefined || !tier || !/^[0-3]$/.test(tier) || !at || !time.test(at) || Number.isNaN(Date.parse(at)) || !id || !isUuid(id)) throw badCursor();
  return { tier: Number(tier), at, id };
}
