import type { NotifyEvent } from './settings.js';

export interface MessageFacts {
  kind: NotifyEvent;
  notation: string | null;
  subject: string;
  issuerName: string;
  dueDate: string | null;
  daysLate: number | null;
  /** Where the document opens in the app. */
  url: string;
  /** Meetings (meeting_reminder). */
  title: string | null;
  startsAt: string | null;
}

/** An SMS is sent without diacritics (GSM 7-bit: 160 characters a part, where Unicode allows 70), at most two parts. */
const SMS_MAX = 306;

/** Vietnamese without diacritics, case kept ("Hỏa tốc Đà Nẵng" → "Hoa toc Da Nang"). */
export function unaccent(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFC');
}

const ddmmyyyy = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

/** The headline and the line that follows it, in Vietnamese. */
function lines(f: MessageFacts): { head: string; detail: string } {
  const doc = `${f.notation ? `${f.notation} ` : ''}${f.issuerName ? `của ${f.issuerName}` : ''}`.trim();
  switch (f.kind) {
    case 'flash_received':
      return { head: `HỎA TỐC: ${doc}`, detail: `${f.subject}. Xác nhận đã nhận trên lienthong` };
    case 'flash_escalated':
      return { head: `HỎA TỐC CHƯA CÓ NGƯỜI NHẬN: ${doc}`, detail: `${f.subject}. Đề nghị chỉ đạo xác nhận ngay` };
    case 'due_tomorrow':
      return { head: `Hạn xử lý ngày mai${f.dueDate ? ` (${ddmmyyyy(f.dueDate)})` : ''}: ${doc}`, detail: f.subject };
    case 'overdue':
      return { head: `Quá hạn xử lý${f.daysLate ? ` ${f.daysLate} ngày` : ''}: ${doc}`, detail: f.subject };
    case 'meeting_reminder':
      return { head: `Nhắc lịch họp${f.startsAt ? ` ${new Date(f.startsAt).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' })}` : ''}`, detail: f.title ?? f.subject };
  }
}

/** The SMS text (unaccented, at most two parts) or the email (subject and plain-text body, with diacritics). */
export function composeMessage(channel: 'sms' | 'email', f: MessageFacts): { subject: string; body: string } {
  const { head, detail } = lines(f);
  if (channel === 'sms') {
    // The link is what the reader needs most after the headline: the subject is shortened instead.
    const tail = ` ${f.url}`;
    let text = unaccent(`${head}: ${detail}.`).replace(/\s+/g, ' ');
    if (text.length + tail.length > SMS_MAX) text = `${text.slice(0, Math.max(0, SMS_MAX - tail.length - 3)).trimEnd()}...`;
    text = `${text}${tail}`.slice(0, SMS_MAX);
    return { subject: unaccent(head).slice(0, 200), body: text };
  }
  const subject = `${head} — ${f.subject}`.replace(/\s+/g, ' ').slice(0, 250);
  const body = [head, '', detail, '', `${f.kind === 'meeting_reminder' ? 'Mở cuộc họp' : 'Mở văn bản'}: ${f.url}`, '', '—', 'Thư tự động từ hệ thống lienthong. Đổi cách nhận thông báo trong mục Tài khoản.'].join('\n');
  return { subject, body };
}
