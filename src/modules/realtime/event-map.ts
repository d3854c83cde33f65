/** Every message the server pushes over socket.io (docs/api.md "Real time"), typed in one place. */
export interface ServerToClient {
  'delivery:new': (p: {
    eventId: number; deliveryId: string; documentId: string; subject: string; urgency: string;
    issuer: { id: string; name: string }; deliveredAt: string;
  }) => void;
  'delivery:updated': (p: { eventId: number; documentId: string; deliveryId: string; unitId: string; status: string; at: string; event?: string; escalated?: boolean }) => void;
  'urgent:alarm': (p: { eventId: number; deliveryId: string; documentId: string; subject: string; repeat: number; escalated?: boolean }) => void;
  'assignment:new': (p: { eventId: number; assignmentId: string; documentId: string; dueDate: string | null }) => void;
  /** Trình ký: a draft is now this person's turn (submitted or approved to them; returned to its author). */
  'draft:awaiting': (p: { eventId: number; documentId: string; subject: string; from: { id: string | null; fullName: string }; flowState: string; comment: string | null }) => void;
  /** A draft moved (a step, a comment, an edit, signed, issued, deleted): for every screen showing it. */
  'draft:updated': (p: { eventId: number; documentId: string; flowState: string | null; status: string; awaitingUserId: string | null; at: string; event: string }) => void;
  /** Invited to a meeting (or sent to it as a substitute): each participant unit and person. */
  'meeting:invited': (p: MeetingPush) => void;
  /** A meeting's time, place, link, title or agenda changed, or it was cancelled: everyone in it. */
  'meeting:changed': (p: MeetingPush & { status: string; changes: string[] }) => void;
  /** The day before (`kind: "day"`) and an hour before (`kind: "hour"`), once each. */
  'meeting:reminder': (p: MeetingPush & { kind: string }) => void;
  /** Something the host collects happened (an answer, a comment, attendance, papers, documents, tasks): refresh the meeting. */
  'meeting:updated': (p: { eventId: number; meetingId: string; event: string; at: string }) => void;
}

/** What every meeting push carries (one client may get it in its unit's and its own room: dedupe by eventId). */
export interface MeetingPush { eventId: number; meetingId: string; title: string; startsAt: string }

export interface ClientToServer {
  sync: (p: { sinceEventId: number }, ack: (r: SyncReply) => void) => void;
}

export type PushName = keyof ServerToClient;
export type PushPayload<N extends PushName> = Parameters<ServerToClient[N]>[0];
export interface Push {
  /** `unit:<id>` or `user:<id>`. */
  room: string;
  name: PushName;
  payload: PushPayload<PushName>;
}

export type SyncReply =
  | { events: Array<{ name: PushName; data: PushPayload<PushName> }>; lastEventId: number; more: boolean }
  | { error: { code: string; message: string } };
