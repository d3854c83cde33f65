import { Type } from 'typebox';
import { Can, Day, Nullable, OneOf, OpenObject, Page, Timestamp, Uuid } from '../../http/schemas.js';
import { COMPETENCES, DOCUMENT_STATUSES, FILE_ROLES, FLOW_STATES, SECRECIES, URGENCIES } from './tables.js';

/** Shared pieces, re-exported so a routes.ts needs one import. */
export { Errors, FileBody, NoContent } from '../../http/schemas.js';

// Objects that are still growing (documents, deliveries, verdicts) let unknown fields through:
// fast-json-stringify would otherwise drop a field added to a presenter before its schema.
const open = { additionalProperties: true } as const;

/** An addressee that gets paper: one of our units, or a name. */
export const PaperRecipient = Type.Object({ unitId: Nullable(Uuid), name: Type.String() });

/** presentDocument */
export const Document = Type.Object(
  {
    id: Uuid,
    issuerUnitId: Uuid,
    type: Type.String({ description: 'NĐ 30 abbreviation (QĐ, KH, TB …) or CV for công văn' }),
    subject: Type.String(),
    urgency: OneOf(URGENCIES),
    secrecy: OneOf(SECRECIES),
    dueDate: Nullable(Day),
    signerId: Nullable(Uuid),
    draftingUnitId: Nullable(Uuid),
    respondsTo: Nullable(Uuid),
    replaces: Nullable(Uuid),
    recipients: Type.Array(Uuid, { description: 'recipient unit ids as drafted' }),
    status: OneOf(DOCUMENT_STATUSES),
    number: Nullable(Type.Integer({ description: 'assigned when issued' })),
    notation: Nullable(Type.String({ description: 'số, ký hiệu, e.g. 15/QĐ-UBND; assigned when issued' })),
    issuedAt: Nullable(Timestamp),
    recalledAt: Nullable(Timestamp),
    recallReason: Nullable(Type.String()),
    createdAt: Timestamp,
    paper: Type.Optional(Type.Boolean({ description: 'a paper document registered from a scan (POST /api/incoming/paper)' })),
    senderName: Type.Optional(Nullable(Type.String({ description: 'paper document: the sender as registered, shown as the issuer' }))),
    signedOn: Type.Optional(Nullable(Day)),
    issuer: Type.Optional(Type.Object({ id: Uuid, name: Type.String() }, { description: 'paper document: {id, name: senderName}; GET /api/documents/:id: the issuing unit as named on the document date, "(nay là …)" for a unit merged since' })),
    authorId: Type.Optional(Uuid),
    flowState: Type.Optional(OneOf(FLOW_STATES, { description: 'trình ký: drafting (with its author), review (with a head of the drafting department), signing (with a leader of the issuer), signed, returned (back with its author)' })),
    awaitingUserId: Type.Optional(Nullable(Uuid)),
    paperRecipients: Type.Optional(Type.Array(PaperRecipient, { description: 'addressees that get the document on paper' })),
    signedBy: Type.Optional(Nullable(Uuid)),
    signedAt: Type.Optional(Nullable(Timestamp)),
    signerCompetence: Type.Optional(Nullable(OneOf(COMPETENCES))),
    updatedAt: Type.Optional(Timestamp),
    timestamped: Type.Optional(Type.Boolean({ description: 'false when the time-stamp authority did not answer at issue' })),
    stamped: Type.Optional(Type.Boolean({ description: 'after issue: false when the number and date could not be written onto the page (no "Số:" / date line in the text layer and no placement)' })),
    can: Type.Optional(Can),
  },
  open,
);

/** One upload of a draft's main file (v1, v2 …). */
export const FileVersion = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  name: Type.String(),
  size: Type.Integer({ description: 'bytes' }),
  sha256: Type.String(),
  uploadedBy: Nullable(Uuid),
  createdAt: Timestamp,
});

/** presentFile */
export const File = Type.Object({
  id: Uuid,
  name: Type.String(),
  size: Type.Integer({ description: 'bytes' }),
  sha256: Type.String({ description: 'hex SHA-256 of the content' }),
  role: OneOf(FILE_ROLES),
  contentType: Type.String(),
  versions: Type.Optional(Type.Array(FileVersion, { description: 'the main file: every upload, oldest first (GET /api/documents/:id)' })),
});

/** A signature's verdict (engine.verifyPdf), kept with each file version. */
export const Verdict = Type.Object(
  {
    fieldName: Nullable(Type.String()),
    signer: Nullable(Type.String({ description: 'common name (or subject) of the signing certificate' })),
    signerOrganization: Nullable(Type.String()),
    signedAt: Nullable(Timestamp),
    integrity: OneOf(['valid', 'invalid'] as const),
    trust: OneOf(['trusted', 'untrusted'] as const),
    coversWholeDocument: Type.Boolean(),
    timestamped: Type.Boolean(),
    revocation: Type.Optional(OneOf(['good', 'revoked', 'unknown'] as const, { description: 'the signer’s certificate (and its CAs) by OCSP or CRL; unknown when no answer could be had' })),
    revocationSource: Type.Optional(OneOf(['ocsp', 'crl', 'none'] as const, { description: 'none: the certificate names no OCSP responder or CRL' })),
    revocationCheckUntil: Type.Optional(Timestamp),
    problems: Type.Array(Type.String()),
  },
  open,
);

/** A signature of one of the document's files: the verdict with the file it is on. */
export const FileSignature = Type.Object({ fileId: Uuid, role: OneOf(FILE_ROLES), ...Verdict.properties }, open);

/** presentEvent: one row of the timeline. */
export const Event = Type.Object(
  {
    id: Type.Integer({ description: 'event ids grow in commit order' }),
    type: Type.String({ description: 'e.g. document.issued, delivery.accepted' }),
    at: Timestamp,
    actorUserId: Nullable(Uuid),
    actorUnitId: Nullable(Uuid),
    documentId: Nullable(Uuid),
    deliveryId: Nullable(Uuid),
    data: OpenObject,
  },
  open,
);

/** For a recipient, its own copy's state (GET /api/documents/:id `delivery`). */
export const OwnDelivery = Type.Object(
  {
    deliveryId: Uuid,
    // The values of dispatch's DELIVERY_STATUSES, spelt out: documents does not import dispatch (docs/architecture.md).
    status: OneOf(['delivered', 'refused', 'accepted', 'assigned', 'in_progress', 'completed', 'recalled']),
    statusCode: Type.String({ description: 'edXML business status code' }),
    deliveredAt: Timestamp,
    readAt: Nullable(Timestamp),
    acknowledgedAt: Nullable(Timestamp),
    acceptedAt: Nullable(Timestamp),
    incomingNumber: Nullable(Type.Integer({ description: 'số đến' })),
    recallRequestedAt: Nullable(Timestamp),
    recallReason: Nullable(Type.String()),
    can: Type.Optional(Can),
  },
  open,
);

export const DocumentBody = Type.Object({ document: Document });
export const FilesBody = Type.Object({ files: Type.Array(File) });
export const OutboxBody = Page(Document);

/** GET /api/documents/:id (also the answer of signing). */
export const DocumentDetailBody = Type.Object(
  {
    document: Document,
    files: Type.Array(File),
    signatures: Type.Array(FileSignature),
    events: Type.Array(Event, { description: 'the issuer sees all; a recipient the document’s own events and its delivery’s' }),
    delivery: Nullable(OwnDelivery),
    timestamped: Type.Optional(Type.Boolean({ description: 'after signing: false when the time-stamp authority did not answer' })),
  },
  open,
);

/** POST /api/documents/:id/files (OpenAPI only: the route streams the parts itself). */
export const FilesForm = Type.Object({
  file: Type.Array(Type.String({ format: 'binary' }), { description: 'one or more PDFs (one part each)' }),
  role: Type.Optional(OneOf(FILE_ROLES, { description: 'applies to the files after it; without it the first file is the main one if the draft has none, the rest appendices' })),
});

/** A person named in trình ký (who handed the draft on). */
export const Person = Type.Object({ id: Uuid, fullName: Type.String() });

/** GET /api/documents?awaiting=me: drafts waiting for the caller ("Chờ tôi xử lý"). */
export const AwaitingBody = Type.Object({
  items: Type.Array(Type.Object(
    { ...Document.properties, from: Nullable(Person), since: Nullable(Timestamp) },
    { additionalProperties: true },
  )),
});

/** A trình ký step: submit, approve (to a person), return (with a comment). */
export const HandOnJson = Type.Object(
  { toUserId: Uuid, comment: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);
export const ReturnJson = Type.Object({ comment: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });
export const CommentJson = Type.Object({ text: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });
export const CommentBody = Type.Object({ event: Event });

/** `paperRecipients` as clients send it (POST and PATCH /api/documents): unit ids, `{name}`, or `{unitId, name}` as presented. */
export const PaperRecipientsIn = Type.Array(
  Type.Union([
    Type.String({ maxLength: 64 }),
    Type.Object(
      { unitId: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])), name: Type.Optional(Type.Union([Type.String({ maxLength: 400 }), Type.Null()])) },
      { additionalProperties: false },
    ),
  ]),
  { maxItems: 500, description: 'unit ids or {name} of addressees that get paper' },
);
