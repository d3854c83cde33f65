// Theo dõi as a spreadsheet (GET /api/documents/:id/tracking.csv): one row per recipient, the
// recipients not yet reached first (then by name), in the words of the tracking page's summary.
import { BOM, csvLine } from '../../lib/csv.js';
import { VN_OFFSET_MS } from '../../lib/time.js';
import type { DeliveryStatus } from './tables.js';
import type { getTracking } from './inbox.js';

/** A tracking row, and the `notifications` the SMS/email notifier adds to it (optional here). */
export type TrackedDelivery = Awaited<ReturnType<typeof getTracking>>['deliveries'][number] & {
  notifications?: Array<{ channel: string; to: string; at: string; status: string }>;
};

/** Đã nhận: someone of the recipient opened or acknowledged it, or its clerk acted on it. */
export const received = (d: TrackedDelivery) => d.readAt !== null || d.acknowledgedAt !== null || !['delivered', 'recalled'].includes(d.status);

const STATUS_VI: Record<DeliveryStatus, string> = {
  delivered: 'Đã gửi', refused: 'Từ chối', accepted: 'Đã vào sổ', assigned: 'Đã giao xử lý',
  in_progress: 'Đang xử lý', completed: 'Hoàn thành', recalled: 'Đã thu hồi',
};

/** "dd/MM/yyyy HH:mm", Vietnam time; empty for none. */
function vnTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const t = new Date(new Date(iso).getTime() + VN_OFFSET_MS).toISOString();
  return `${t.slice(8, 10)}/${t.slice(5, 7)}/${t.slice(0, 4)} ${t.slice(11, 16)}`;
}

export const TRACKING_COLUMNS = [
  'STT', 'Mã định danh', 'Nơi nhận', 'Trạng thái', 'Đã nhận', 'Xem lúc', 'Xác nhận đã nhận lúc', 'Vào sổ lúc', 'Số đến',
  'Quá hạn', 'Báo lãnh đạo lúc', 'Đã nhắn tin', 'Từ chối lúc', 'Lý do từ chối', 'Hoàn thành lúc',
];

/** The CSV text: BOM, the header row, then one row per delivery (CRLF line ends). */
export function trackingCsv(rows: TrackedDelivery[]): string {
  const name = new Intl.Collator('vi').compare;
  const ordered = [...rows].sort((a, b) => Number(received(a)) - Number(received(b)) || name(a.unit.name, b.unit.name));
  const lines = ordered.map((d, i) => {
    const sent = (d.notifications ?? []).filter((n) => n.status === 'sent');
    return csvLine([
      String(i + 1), d.unit.code, 'systemName' in d.unit && d.unit.systemName ? `${d.unit.name} (${d.unit.systemName})` : d.unit.name, STATUS_VI[d.status] ?? d.status,
      received(d) ? 'Có' : 'Chưa', vnTime(d.readAt), vnTime(d.acknowledgedAt), vnTime(d.acceptedAt), d.incomingNumber === null ? '' : String(d.incomingNumber),
      d.overdue ? 'Có' : '', vnTime(d.escalatedAt), sent.map((n) => `${n.channel} ${n.to} ${vnTime(n.at)}`).join('; '),
      vnTime(d.refusedAt), d.refusalReason ?? '', vnTime(d.completedAt),
    ]);
  });
  return `${BOM}${csvLine(TRACKING_COLUMNS)}${lines.join('')}`;
}
