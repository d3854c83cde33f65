import { Type } from 'typebox';
import { Can, Day, Nullable, OneOf, Page, Timestamp, Uuid } from '../../http/schemas.js';
import { URGENCIES } from '../documents/tables.js';
import { DELIVERY_STATUSES } from './tables.js';

/** Shared pieces, re-exported so a routes.ts needs one import. */
export { Errors, FileBody, NoContent } from '../../http/schemas.js';

const open = { additionalProperties: true } as const;

export const SignatureSummary = OneOf(['valid', 'indeterminate', 'untrusted', 'invalid', 'unsigned'] as const, {
  description: 'the main file’s signatures: valid | indeterminate (revocation unknown) | untrusted | invalid | unsigned',
});

/** An item of GET /api/inbox. */
export const InboxItem = Type.Object(
  {
    deliveryId: Uuid,
    document: Type.Object(
      {
        id: Uuid,
        type: Type.String(),
        number: Nullable(Type.Integer()),
        notation: Nullable(Type.String()),
        subject: Type.String(),
        urgency: OneOf(URGENCIES),
        dueDate: Nullable(Day),
        issuedAt: Nullable(Timestamp),
        issuer: Type.Object({ id: Uuid, name: Type.String(), code: Type.String() }, open),
      },
      open,
    ),
    status: OneOf(DELIVERY_STATUSES),
    deliveredAt: Timestamp,
    readAt: Nullable(Timestamp),
    acknowledgedAt: Nullable(Timestamp),
    incomingNumber: Nullable(Type.Integer({ description: 'số đến, once accepted' })),
    signature: SignatureSummary,
    can: Type.Optional(Can),
  },
  open,
);
export const InboxBody = Page(InboxItem);

/** A delivery's state after read, acknowledge, accept or refuse. */
export const DeliveryStatusBody = Type.Object(
  {
    deliveryId: Uuid,
    status: OneOf(DELIVERY_STATUSES),
    statusCode: Type.String({ description: 'edXML business status code (01 delivered, 02 refused, 03 accepted …)' }),
    incomingNumber: Nullable(Type.Integer({ description: 'số đến, once accepted' })),
    can: Type.Optional(Can),
  },
  open,
);

/** The answer to a recall request: 15 agreed (the copy is withdrawn), 16 refused (it stays). */
export const RecallAnswerBody = Type.Object(
  { deliveryId: Uuid, status: OneOf(DELIVERY_STATUSES), statusCode: Type.String({ description: '15 agreed, 16 refused' }) },
  open,
);

/** One step of a delivery, in order, with its edXML status code. */
export const HistoryStep = Type.Object({
  event: Type.String({ description: 'created, read, acknowledged, accepted, refused, assigned, shared, in_progress, completed, escalated, recall_requested, recalled, recall_refused' }),
  code: Nullable(Type.String({ description: 'edXML status code; null for read, acknowledged, escalated, shared' })),
  at: Timestamp,
  actorUnitId: Nullable(Uuid),
});

/** A recipient's progress, for the issuing unit (GET /api/documents/:id/tracking). */
export const TrackingRow = Type.Object(
  {
    deliveryId: Uuid,
    unit: Type.Object({
      id: Uuid, code: Type.String(), name: Type.String(), shortName: Type.String(),
      external: Type.Optional(Type.Boolean()), systemId: Type.Optional(Type.String()), systemName: Type.Optional(Nullable(Type.String())),
    }),
    redirectedFrom: Type.Optional(Nullable(Type.Object({ unitId: Uuid, name: Type.String() }, { description: 'addressed to this unit, which had been merged or dissolved into the recipient: delivered to its successor (a reorganisation)' }))),
    status: OneOf(DELIVERY_STATUSES),
    transport: Type.Optional(Type.String({ description: 'recipients on another system: queued | sent | delivered | failed (transport, apart from status)' })),
    transportReason: Type.Optional(Nullable(Type.String())),
    deliveredAt: Timestamp,
    readAt: Nullable(Timestamp),
    acknowledgedAt: Nullable(Timestamp),
    acceptedAt: Nullable(Timestamp),
    incomingNumber: Nullable(Type.Integer()),
    refusedAt: Nullable(Timestamp),
    refusalReason: Nullable(Type.String()),
    assignedAt: Nullable(Timestamp),
    completedAt: Nullable(Timestamp),
    recalledAt: Nullable(Timestamp),
    escalatedAt: Nullable(Timestamp),
    overdue: Type.Boolean({ description: 'quá hạn: past the document\'s dueDate (Vietnam date) and still delivered, accepted, assigned or in progress' }),
    recallRequestedAt: Nullable(Timestamp),
    recallRefusalReason: Nullable(Type.String()),
    history: Type.Array(HistoryStep),
    shares: Type.Array(Type.Object({
      unitId: Uuid,
      unitName: Type.String(),
      at: Timestamp,
      by: Nullable(Uuid),
      byUnitId: Uuid,
    }, { ...open, description: 'a unit the recipient opened the document to (named in its assignment): whom, when, by whom' })),
    notifications: Type.Optional(Type.Array(Type.Object({
      channel: Type.String({ description: 'sms | email' }),
      to: Type.String({ description: 'the number or address, masked' }),
      at: Timestamp,
      status: Type.String({ description: 'pending | sending | sent | failed | cancelled' }),
      person: Nullable(Type.String()),
    }, { ...open, description: 'an SMS or email to a person of the recipient unit about this delivery' }))),
  },
  open,
);
export const TrackingBody = Type.Object({
  dueDate: Type.Optional(Nullable(Day)),
  deliveries: Type.Array(TrackingRow),
  paperRecipients: Type.Optional(Type.Array(Type.Object({
    unitId: Nullable(Uuid),
    name: Type.String(),
    transport: Type.Literal('paper', { description: 'gửi giấy: sent on paper, no delivery status' }),
  }), { description: 'recipients that get the document on paper (drafted as paperRecipients)' })),
});
