import { Type } from 'typebox';
import { Can, Day, Nullable, OneOf, OpenObject, Page, Timestamp, Uuid } from '../../http/schemas.js';
import { DOCUMENT_STATUSES, FILE_ROLES, SECRECIES, URGENCIES } from './tables.js';

/** Shared pieces, re-exported so a routes.ts needs one import. */
export { Errors, FileBody, NoContent } from '../../http/schemas.js';

// Objects that are still growing (documents, deliveries, verdicts) let unknown fields through:
// fast-json-stringify would otherwise drop a field added to a presenter before its schema.
const open = { additionalProperties: true } as const;

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
    issuer: Type.Optional(Type.Object({ id: Uuid, name: Type.String() }, { description: 'paper document: {id, name: senderName}' })),
    timestamped: Type.Optional(Type.Boolean({ description: 'false when the time-stamp authority did not answer at issue' })),
    can: Type.Optional(Can),
  },
  open,
);

/** presentFile */
export const File = Type.Object({
  id: Uuid,
  name: Type.String(),
  size: Type.Integer({ description: 'bytes' }),
  sha256: Type.String({ description: 'hex SHA-256 of the content' }),
  role: OneOf(FILE_ROLES),
  contentType: Type.String(),
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
