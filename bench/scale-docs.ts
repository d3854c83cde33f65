// The scale bench's documents: BENCH_SCALE_DOCS issued documents over three years in time order,
// ~10 deliveries each with statuses by age, ~30 % with a file whose text is already read
// (blobs + document_files + file_texts `done`), and one document to 2,000 units. Rows go straight
// into COPY streams (scale-copy.ts); ids are time-ordered (UUIDv7 layout), so the B-tree indexes
// grow at their right edge while rows stream in.
import { createHash } from 'node:crypto';
import { formatNotation, seriesFor } from '../src/modules/documents/numbering.js';
import { vnYear } from '../src/lib/time.js';
import type { CopyStream } from './scale-copy.js';
import { type Org, type OrgUnit, recipientsFor, userOf } from './scale-org.js';
import { fileText, partyType, type Rand, stateType, subjectFor, urgencyOf, weighted } from './scale-vocab.js';

export const DOC_COLUMNS = [
  'id', 'issuer_unit_id', 'created_by', 'type', 'subject', 'urgency', 'secrecy', 'due_date', 'signer_id', 'drafting_unit_id',
  'recipients', 'status', 'series', 'number', 'notation', 'issued_at', 'issued_by', 'recalled_at', 'recall_reason',
  'flow_state', 'signed_by', 'signed_at', 'signer_competence', 'created_at', 'updated_at',
] as const;
export const DELIVERY_COLUMNS = [
  'id', 'document_id', 'recipient_unit_id', 'status', 'delivered_at', 'read_at', 'read_by', 'acknowledged_at', 'acknowledged_by',
  'accepted_at', 'accepted_by', 'incoming_number', 'incoming_series', 'refused_at', 'refused_by', 'refusal_reason',
  'assigned_at', 'in_progress_at', 'completed_at', 'recalled_at', 'flash',
] as const;
export const BLOB_COLUMNS = ['sha256', 'size', 'created_at'] as const;
export const FILE_COLUMNS = ['id', 'document_id', 'role', 'name', 'size', 'sha256', 'content_type', 'uploaded_by', 'created_at'] as const;
export const TEXT_COLUMNS = ['sha256', 'state', 'text', 'pages', 'attempts', 'next_attempt_at', 'elapsed_ms', 'created_at', 'done_at'] as const;

export interface Streams {
  documents: CopyStream;
  deliveries: CopyStream;
  blobs: CopyStream;
  files: CopyStream;
  texts: CopyStream;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
export const SPAN_DAYS = 3 * 365;
export const BIG_RECIPIENTS = 2_000;
export const TEXT_SHARE = 0.3;

let idCounter = 0;
/** A UUIDv7-shaped id: 48-bit ms time, then a process-wide counter (unique within the generation). */
export function timeId(ms: number): string {
  const h = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0') + '7000' + '8' + (idCounter++).toString(16).padStart(15, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

type DeliveryStatus = 'delivered' | 'refused' | 'accepted' | 'assigned' | 'in_progress' | 'completed' | 'recalled';
const fresh = weighted<DeliveryStatus>([['delivered', 40], ['accepted', 30], ['assigned', 12], ['in_progress', 10], ['completed', 8]]);
const settled = weighted<DeliveryStatus>([['delivered', 3], ['refused', 2], ['accepted', 35], ['assigned', 8], ['in_progress', 10], ['completed', 42]]);
const ACCEPTED: ReadonlySet<DeliveryStatus> = new Set(['accepted', 'assigned', 'in_progress', 'completed']);

export interface Generated {
  documents: number;
  deliveries: number;
  files: number;
  /** The document issued by the province to 2,000 units (tracked in the bench). */
  bigDocumentId: string;
}

export class DocumentGenerator {
  private readonly issuerOf: (r: Rand) => OrgUnit;
  private readonly numbers = new Map<string, number>();
  private readonly incoming = new Map<string, number>();
  readonly counts = { documents: 0, deliveries: 0, files: 0 };

  constructor(private readonly r: Rand, private readonly org: Org, private readonly s: Streams, private readonly now: number) {
    this.issuerOf = weighted(org.units.filter((u) => u.weight > 0).map((u) => [u, u.weight] as const));
  }

  /** Document i of n (time order); `big` makes it the province's document to 2,000 units. */
  async document(i: number, n: number, big = false): Promise<string> {
    const { r, org, s } = this;
    const start = this.now - SPAN_DAYS * DAY;
    const at = big ? this.now - 30 * DAY : start + ((i + r() * 0.9) / n) * SPAN_DAYS * DAY;
    const issuedAt = new Date(at);
    const issuer = big ? org.province : this.issuerOf(r);
    const type = big ? 'KH' : issuer.kind === 'party' ? partyType(r) : stateType(r);
    const subject = subjectFor(r, type);
    const urgency = big ? 'urgent' : urgencyOf(r);
    const unit = { kind: issuer.kind, shortName: issuer.shortName, partyTerm: null, partyTermStartsOn: null };
    const series = seriesFor(unit, type, false, issuedAt);
    const key = `${issuer.index}|${series}`;
    const number = (this.numbers.get(key) ?? 0) + 1;
    this.numbers.set(key, number);
    const drafting = issuer.departments.length ? issuer.departments[Math.floor(r() * issuer.departments.length)]! : null;
    const notation = formatNotation({ unit, type, number, draftingShortName: drafting?.shortName ?? null });
    const recipients = big
      ? org.receivers.filter((u) => u.id !== issuer.id).slice(0, BIG_RECIPIENTS)
      : recipientsFor(r, org, issuer, 4 + Math.floor(r() * 13));
    const recalled = !big && r() < 0.003;
    const id = timeId(at);
    const clerk = userOf(org, issuer, 0);
    const signer = userOf(org, issuer, r() < 0.6 ? 1 : 2);
    const competence = issuer.kind === 'school' ? null : signer.position === 'head' ? 'TM' : 'KT';
    const createdAt = new Date(at - (2 + r() * 70) * HOUR);
    const dueDate = r() < 0.25 ? new Date(at + (5 + r() * 25) * DAY).toISOString().slice(0, 10) : null;
    await s.documents.row([
      id, issuer.id, userOf(org, issuer, 3 + Math.floor(r() * 7)).id, type, subject, urgency, 'none', dueDate, signer.id,
      drafting?.id ?? null, recipients.map((u) => u.id), recalled ? 'recalled' : 'issued', series, number, notation,
      issuedAt, clerk.id, recalled ? new Date(at + 2 * DAY) : null, recalled ? 'Ban hành nhầm đối tượng' : null,
      'signed', signer.id, new Date(at - HOUR), competence, createdAt, issuedAt,
    ]);
    this.counts.documents++;
    for (const u of recipients) await this.delivery(id, u, at, urgency, recalled);
    if (!big && r() < TEXT_SHARE) await this.file(id, issuer, subject, at);
    return id;
  }

  private async delivery(documentId: string, unit: OrgUnit, at: number, urgency: string, recalled: boolean) {
    const { r, org, s } = this;
    const age = this.now - at;
    const status: DeliveryStatus = recalled ? 'recalled' : age < 7 * DAY ? fresh(r) : settled(r);
    const deliveredAt = new Date(at + 1000);
    const unread = status === 'delivered' && r() < 0.5;
    const readAt = unread ? null : new Date(at + Math.min(age * 0.5, (0.1 + r() * 20) * HOUR));
    const reader = userOf(org, unit, Math.floor(r() * 10));
    const clerk = userOf(org, unit, 0);
    const step = (k: number) => (readAt ? new Date(Math.min(this.now - 1000, readAt.getTime() + k * (1 + r() * 48) * HOUR)) : null);
    const acceptedAt = ACCEPTED.has(status) || status === 'recalled' ? step(1) : null;
    let incomingNumber: number | null = null;
    let incomingSeries: string | null = null;
    if (acceptedAt) {
      incomingSeries = `incoming:${vnYear(acceptedAt)}`;
      const key = `${unit.index}|${incomingSeries}`;
      incomingNumber = (this.incoming.get(key) ?? 0) + 1;
      this.incoming.set(key, incomingNumber);
    }
    const assignedAt = status === 'assigned' || status === 'in_progress' || status === 'completed' ? step(2) : null;
    const ack = urgency === 'flash' && readAt;
    await s.deliveries.row([
      timeId(at), documentId, unit.id, status, deliveredAt, readAt, readAt ? reader.id : null, ack ? readAt : null, ack ? reader.id : null,
      acceptedAt, acceptedAt ? clerk.id : null, incomingNumber, incomingSeries,
      status === 'refused' ? step(1) : null, status === 'refused' ? clerk.id : null, status === 'refused' ? 'Không đúng thẩm quyền giải quyết' : null,
      assignedAt, status === 'in_progress' || status === 'completed' ? step(3) : null, status === 'completed' ? step(5) : null,
      status === 'recalled' ? new Date(at + 2 * DAY) : null, urgency === 'flash',
    ]);
    this.counts.deliveries++;
  }

  private async file(documentId: string, issuer: OrgUnit, subject: string, at: number) {
    const { r, org, s } = this;
    const { text, pages } = fileText(r, subject);
    const size = Buffer.byteLength(text) + 2_000;
    // The address of the (never written) PDF: unique per document, as every issued PDF is sealed.
    const sha = createHash('sha256').update(documentId).update(text).digest('hex');
    const created = new Date(at - HOUR);
    await s.blobs.row([sha, size, created]);
    await s.files.row([timeId(at), documentId, 'main', `${documentId.slice(0, 8)}.pdf`, size, sha, 'application/pdf', userOf(org, issuer, 0).id, created]);
    await s.texts.row([sha, 'done', text, pages, 1, created, 20 + Math.floor(r() * 200), created, new Date(at)]);
    this.counts.files++;
  }
}
