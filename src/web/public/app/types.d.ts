// The API shapes the web app uses (docs/api.md), for `npm run typecheck` (tsconfig.web.json) only:
// the app's .js files import them in JSDoc (`@import { Document } from './types'`). This file is
// never served (the server sends only known file types) and never loaded by the browser.

export type Role = 'admin' | 'clerk' | 'leader' | 'officer';
export type Urgency = 'normal' | 'urgent' | 'very_urgent' | 'flash';
export type Secrecy = 'none' | 'confidential' | 'secret' | 'top_secret';
export type DocumentStatus = 'draft' | 'issued' | 'recalled';
export type DeliveryStatus = 'delivered' | 'refused' | 'accepted' | 'assigned' | 'in_progress' | 'completed' | 'recalled';
export type AssignmentStatus = 'open' | 'in_progress' | 'done' | 'cancelled';
export type Lang = 'vi' | 'en';

/** GET /api/me, POST /api/auth/login. */
export interface User {
  id: string;
  username: string;
  fullName: string;
  unitId: string;
  roles: Role[];
  title: string;
  /** head, deputy, acting, by_order, or null (the competence line of a signature). */
  position?: 'head' | 'deputy' | 'acting' | 'by_order' | null;
  disabled?: boolean;
}

/** GET /api/units (`?external=1`: with the units of other systems on the exchange axis). */
export interface Unit {
  id: string;
  code: string;
  name: string;
  shortName: string;
  kind: string;
  /** Administrative level (cấp tỉnh / huyện / xã). */
  level?: UnitLevel;
  parentId: string | null;
  /** Served by another system on the exchange axis (what is sent to it leaves as an edXML package). */
  external: boolean;
  /** That system's id and name; null for our own units. */
  systemId: string | null;
  systemName: string | null;
  /** Party units: the term (nhiệm kỳ, e.g. "2025-2030") and the day it began (the day after the congress closed). */
  partyTerm?: string | null;
  partyTermStartsOn?: string | null;
  /** The place name of the date line ("Sơn Hà, ngày …"); null: derived from the unit's name. */
  placeName?: string | null;
}

export type UnitLevel = 'province' | 'district' | 'commune';

/** GET /api/recipient-groups: a unit's own saved recipient list (nhóm nơi nhận). */
export interface RecipientGroup {
  id: string;
  name: string;
  unitIds: string[];
  createdAt: string;
}

/** How far a package to a unit of another system got on the axis (apart from the recipient's status). */
export type TransportState = 'queued' | 'sent' | 'delivered' | 'failed';

/** `data.headerSignature` of a `document.received` event: the edXML header's seal. */
export interface HeaderSignature {
  signed: boolean;
  valid: boolean | null;
  trusted: boolean | null;
  problems: string[];
}

/**
 * What the caller may do now, decided by the server (roles, delegations, status): the app shows a
 * button only when its flag is true, and none when `can` is missing.
 */
export interface Can {
  edit?: boolean;
  delete?: boolean;
  submit?: boolean;
  sign?: boolean;
  issue?: boolean;
  recall?: boolean;
  acknowledge?: boolean;
  accept?: boolean;
  refuse?: boolean;
  assign?: boolean;
  report?: boolean;
  /** An assignment: its department's head may hand it on to one of its people. */
  reassign?: boolean;
  /** Drafts (trình ký): pass the draft on, send it back to its author, comment on it. */
  approve?: boolean;
  return?: boolean;
  comment?: boolean;
}

/** Where a draft is in trình ký (documents.flow_state). */
export type FlowState = 'drafting' | 'review' | 'signing' | 'signed' | 'returned';
/** The competence line of a leader's signature (TM., KT., Q., TL., TUQ.). */
export type Competence = 'TM' | 'KT' | 'Q' | 'TL' | 'TUQ';
/** An addressee that gets paper: a unit of ours, or a name. */
export interface PaperRecipient {
  unitId: string | null;
  name: string;
}

/** GET /api/documents/:id `document`, POST /api/documents, GET /api/outbox items. */
export interface Document {
  id: string;
  issuerUnitId: string;
  /** The issuing unit as named on the document's date ("UBND xã A (nay là xã C)"); a paper document's sender. */
  issuer?: { id: string; name: string };
  type: string;
  subject: string;
  urgency: Urgency;
  secrecy: Secrecy;
  dueDate: string | null;
  signerId: string | null;
  draftingUnitId: string | null;
  respondsTo: string | null;
  replaces: string | null;
  recipients: string[];
  status: DocumentStatus;
  number: number | null;
  notation: string | null;
  issuedAt: string | null;
  recalledAt: string | null;
  recallReason: string | null;
  createdAt: string;
  can?: Can;
  /** A paper document: the sending body as printed (its issuer is the unit standing for senders on no system). */
  senderName?: string | null;
  /** Trình ký (issue 12): where the draft is, whose turn it is, the signer of record. */
  flowState?: FlowState;
  awaitingUserId?: string | null;
  authorId?: string | null;
  paperRecipients?: PaperRecipient[];
  signedBy?: string | null;
  signedAt?: string | null;
  signerCompetence?: Competence | null;
  /** After issue: false when the number and date could not be written onto the page. */
  stamped?: boolean;
}

/** One upload of a draft's main file (v1, v2 …). */
export interface FileVersion {
  version: number;
  name: string;
  size: number;
  sha256: string;
  uploadedBy: string | null;
  createdAt: string;
}

/** GET /api/documents?awaiting=me items: a draft waiting for the caller. */
export interface AwaitingItem extends Partial<Document> {
  id: string;
  subject: string;
  from?: { id?: string; fullName?: string; name?: string } | string | null;
  since?: string | null;
}

/** A person of a unit (GET /api/units/:id/users). */
export interface UnitPerson {
  id: string;
  fullName: string;
  title: string;
  roles: Role[];
  unitId: string;
}

/** A file of a document. */
export interface FileInfo {
  id: string;
  name: string;
  size: number;
  sha256: string;
  role: 'main' | 'appendix';
  contentType: string;
  /** The main file of a draft: every upload, oldest first. */
  versions?: FileVersion[];
}

/** One signature of a file, as verified by the server (GET /api/documents/:id `signatures`). */
export interface SignatureVerdict {
  fileId: string;
  role: FileInfo['role'];
  fieldName: string | null;
  signer: string | null;
  signerOrganization: string | null;
  signedAt: string | null;
  integrity: 'valid' | 'invalid';
  trust: 'trusted' | 'untrusted';
  coversWholeDocument: boolean;
  timestamped: boolean;
  /** The signer's certificate: `unknown` when its revocation could not be checked (the summary is then `indeterminate`). */
  revocation?: 'good' | 'revoked' | 'unknown';
  revocationSource?: 'ocsp' | 'crl' | 'none';
  revocationCheckUntil?: string;
  problems: string[];
}

/**
 * The one-word verdict on a main file's signatures, in lists (GET /api/inbox `signature`):
 * `indeterminate` = right and trusted, but a certificate's revocation could not be checked.
 */
export type SignatureSummary = 'valid' | 'untrusted' | 'indeterminate' | 'invalid' | 'unsigned';

/** A timeline entry of a document (GET /api/documents/:id `events`). */
export interface DocumentEvent {
  id: number;
  type: string;
  at: string;
  actorUserId: string | null;
  actorUnitId: string | null;
  documentId: string | null;
  deliveryId: string | null;
  data: { status?: DeliveryStatus; incomingNumber?: number | null; [k: string]: unknown } | null;
}

/** A recipient's own copy (GET /api/documents/:id `delivery`). */
export interface Delivery {
  deliveryId: string;
  status: DeliveryStatus;
  statusCode?: string;
  deliveredAt: string;
  readAt: string | null;
  acknowledgedAt: string | null;
  acceptedAt: string | null;
  incomingNumber: number | null;
  recallRequestedAt?: string | null;
  recallReason?: string | null;
  can?: Can;
}

/** GET /api/documents/:id. */
export interface DocumentDetail {
  document: Document;
  files: FileInfo[];
  signatures: SignatureVerdict[];
  events: DocumentEvent[];
  delivery: Delivery | null;
}

/** GET /api/inbox items. */
export interface InboxItem {
  deliveryId: string;
  document: {
    id: string;
    type: string;
    number: number | null;
    notation: string | null;
    subject: string;
    urgency: Urgency;
    dueDate: string | null;
    issuedAt: string | null;
    issuer: { id: string; name: string; code: string } | null;
  };
  status: DeliveryStatus;
  deliveredAt: string;
  readAt: string | null;
  acknowledgedAt: string | null;
  incomingNumber: number | null;
  signature: SignatureSummary;
  can?: Can;
}

/** A page of a list with a cursor (GET /api/inbox, GET /api/outbox). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** GET /api/search: the direction of a result (and of the box's preset); '' in the app = both. */
export type SearchDirection = 'incoming' | 'outgoing';
/** Where a result matched. */
export type MatchedIn = 'subject' | 'notation' | 'issuer' | 'signer' | 'text';
/** Whether the words of a document's files can be found: pending, no_ocr and failed show "chưa nhận dạng chữ". */
export type TextState = 'pending' | 'done' | 'no_ocr' | 'failed' | 'none';

/** GET /api/search `items[].document`: the presented document of the inbox/outbox lists. */
export interface SearchDocument {
  id: string;
  subject: string;
  type?: string;
  number?: number | null;
  notation?: string | null;
  urgency?: Urgency;
  status?: string;
  issuedAt?: string | null;
  createdAt?: string;
  issuerUnitId?: string;
  issuer?: { id: string; name: string; code?: string } | null;
  senderName?: string | null;
  textState?: TextState | null;
}

/** GET /api/search items: `highlights` are [start, end) offsets into `snippet` (plain text, never HTML). */
export interface SearchItem {
  document: SearchDocument;
  direction: SearchDirection;
  snippet: string;
  highlights: Array<[number, number]>;
  matchedIn: MatchedIn;
  textState?: TextState | null;
  /** The caller's delivery of an incoming document, when the server names it. */
  deliveryId?: string | null;
}

/** GET /api/assignments items. */
export interface Assignment {
  id: string;
  deliveryId: string;
  documentId: string;
  unitId: string;
  role: string;
  assigneeUnitId: string | null;
  assigneeUserId: string | null;
  direction: string | null;
  dueDate: string | null;
  status: AssignmentStatus;
  parentId: string | null;
  assignedBy: string;
  onBehalfOf: string | null;
  createdAt: string;
  completedAt: string | null;
  document: { id: string; subject: string; notation: string | null; urgency: Urgency };
  overdue: boolean;
  /** The person's full name or the unit's name. */
  assigneeName: string;
  /** Who gave the direction. */
  assignedByName: string;
  /** Progress reports, oldest first. */
  reports: ProgressReport[];
  can?: Can;
}

/** A progress report under its assignment. */
export interface ProgressReport {
  id: string;
  note: string;
  done: boolean;
  at: string;
  userId: string;
  userName: string;
  fileName: string | null;
}

/** GET /api/documents/:id/handling items: one copy's handling as the caller may see it. */
export interface HandlingItem {
  deliveryId: string;
  unit: { id: string; name: string };
  status: DeliveryStatus;
  incomingNumber: number | null;
  assignments: Array<Omit<Assignment, 'document' | 'overdue' | 'can'>>;
}

/** GET /api/units/:id/users: the people of a unit (to assign work to). */
export interface UnitPerson {
  id: string;
  fullName: string;
  title: string;
  roles: Role[];
  unitId: string;
}

/** GET /api/registers/secret items, POST /api/registers/secret `entry`: metadata only, never a file. */
export interface SecretEntry {
  id: string;
  direction: 'incoming' | 'outgoing';
  number: number;
  notation: string | null;
  type: string;
  /** The type's name (Quyết định, Công văn …). */
  typeName?: string;
  subject: string;
  counterpart: string;
  secrecy: Exclude<Secrecy, 'none'>;
  urgency: Urgency;
  signedOn: string | null;
  signerName?: string | null;
  copies?: number | null;
  holder?: string | null;
  note?: string | null;
  registeredAt: string;
}

/** GET /api/documents/:id/tracking `deliveries`: one recipient's progress, for the issuer. */
export interface TrackingRow {
  deliveryId: string;
  unit: { id: string; code: string; name: string; shortName: string; external?: boolean; systemId?: string | null; systemName?: string | null };
  /** Recipients on another system only: the package's transport on the axis, and why it failed. */
  transport?: TransportState;
  transportReason?: string | null;
  status: DeliveryStatus;
  deliveredAt: string;
  readAt: string | null;
  acknowledgedAt: string | null;
  acceptedAt: string | null;
  incomingNumber: number | null;
  refusedAt: string | null;
  refusalReason: string | null;
  assignedAt: string | null;
  completedAt: string | null;
  recalledAt: string | null;
  escalatedAt: string | null;
  /** Past the document's due date and still open (quá hạn). */
  overdue?: boolean;
  /** SMS / email / Zalo messages sent about this delivery (from the notifier; optional). */
  notifications?: Array<{ channel: string; to: string; at: string; status: string; person?: string | null }>;
  /** Addressed to a unit merged into this one (a reorganisation): delivered here instead. */
  redirectedFrom?: { unitId: string; name: string } | null;
}

/** POST /api/documents/:id/sign/prepare. */
export interface PreparedSignature {
  handle: string;
  signedAttributes: string;
  digest: string;
  signatureAlgorithm: string;
  expiresAt: string;
}

/** What the server pushes over socket.io (src/modules/realtime/event-map.ts). */
export interface Pushes {
  'delivery:new': { eventId: number; deliveryId: string; documentId: string; subject: string; urgency: string; issuer?: { id: string; name: string }; deliveredAt: string };
  /** `event`: what happened (read, acknowledged, accepted …); sent to the issuer's unit and to the recipient's unit. */
  'delivery:updated': { eventId: number; documentId: string; deliveryId: string; unitId: string; status: string; at: string; event?: string; escalated?: boolean };
  'urgent:alarm': { eventId: number; deliveryId: string; documentId: string; subject: string; repeat: number; escalated?: boolean };
  'assignment:new': { eventId: number; assignmentId: string; documentId: string; dueDate: string | null };
  /** A draft is now the receiver's turn (submitted, approved to them, or returned to its author). */
  'draft:awaiting': { eventId: number; documentId: string; subject: string; from?: unknown };
  /** A draft moved (a step, a comment, signed, issued): for every screen showing it. */
  'draft:updated': { eventId: number; documentId: string; flowState?: FlowState; status?: string; awaitingUserId?: string | null; at?: string };
}
export type PushName = keyof Pushes;

/** The socket's state, as shown in the header. */
export interface ConnectionStatus {
  connected: boolean;
  /** A connection failed or dropped (not merely still connecting after start). */
  lost: boolean;
  online: boolean;
}

/**
 * Everything `on()` (live.js) delivers: each push with `live` (false when replayed by a catch-up),
 * and the app's own events.
 */
export type AppEvents = { [N in PushName]: Pushes[N] & { live: boolean } } & {
  /** A catch-up finished. */
  synced: { lastEventId: number; documentId?: undefined };
  status: ConnectionStatus;
  /** Something changed a delivery of the inbox here (acknowledged, accepted, …). */
  'inbox-changed': { deliveryId: string; documentId?: undefined };
  /** Someone here acted on a draft (the "Chờ tôi xử lý" count may have changed). */
  'drafts-changed': { documentId: string };
};
export type AppEventName = keyof AppEvents;

/** The catch-up reply of the socket's `sync`. */
export type SyncReply =
  | { events: Array<{ name: PushName; data: Pushes[PushName] }>; lastEventId: number; more: boolean; error?: undefined }
  | { error: { code: string; message: string } };

// The service worker (sw.js) sees its global scope through these; the DOM types the app is
// checked with have no ServiceWorkerGlobalScope.

export interface SwExtendableEvent extends Event {
  waitUntil(work: Promise<unknown>): void;
}
export interface SwFetchEvent extends SwExtendableEvent {
  readonly request: Request;
  respondWith(response: Response | Promise<Response>): void;
}
export interface SwPushEvent extends SwExtendableEvent {
  readonly data: { json(): any; text(): string } | null;
}
export interface SwNotificationEvent extends SwExtendableEvent {
  readonly notification: Notification;
}
export interface SwWindowClient {
  focus(): Promise<SwWindowClient>;
  postMessage(message: unknown): void;
}
export interface ServiceWorkerScope {
  readonly location: Location;
  readonly registration: {
    showNotification(title: string, options?: NotificationOptions & { renotify?: boolean; vibrate?: number[] }): Promise<void>;
  };
  readonly clients: {
    claim(): Promise<void>;
    matchAll(options?: { type?: 'window' | 'worker' | 'all'; includeUncontrolled?: boolean }): Promise<Array<SwWindowClient | object>>;
    openWindow(url: string): Promise<SwWindowClient | null>;
  };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: SwExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: SwFetchEvent) => void): void;
  addEventListener(type: 'push', listener: (event: SwPushEvent) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: SwNotificationEvent) => void): void;
}
