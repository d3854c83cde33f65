import { Type } from 'typebox';
import { Day, Nullable, OneOf, Page, Timestamp, Uuid, lit } from '../../http/schemas.js';
import { URGENCIES } from '../documents/tables.js';
import { MATCHED_IN } from './present.js';
import { DIRECTIONS, STATUS_FILTERS } from './search-params.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from './search.js';
import { TEXT_STATES } from './tables.js';

export { Errors } from '../../http/schemas.js';

const open = { additionalProperties: true } as const;

/** GET /api/search's query string (q is parsed and checked by query.ts, the dates by search-params.ts). */
export const SearchQuery = Type.Object({
  q: Type.String({ maxLength: 2000, description: 'words (any order), "a phrase", a number/notation; the last word a prefix while typing' }),
  type: Type.Optional(Type.String({ maxLength: 8, description: 'document type code (CV, QĐ …)' })),
  urgency: Type.Optional(lit(URGENCIES)),
  issuer: Type.Optional(Uuid),
  from: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-MM-DD, Vietnam date issued, inclusive' })),
  to: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-MM-DD, Vietnam date issued, inclusive' })),
  direction: Type.Optional(lit(DIRECTIONS)),
  status: Type.Optional(lit(STATUS_FILTERS)),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })),
}, { additionalProperties: false });

const TextState = Nullable(OneOf(TEXT_STATES, { description: "pending | no_ocr | failed: the files' words cannot be found (yet); null when read or no files" }));

/** An item of GET /api/search. */
export const SearchItem = Type.Object(
  {
    document: Type.Object(
      {
        id: Uuid,
        issuerUnitId: Uuid,
        type: Type.String(),
        number: Nullable(Type.Integer()),
        notation: Nullable(Type.String()),
        subject: Type.String(),
        urgency: OneOf(URGENCIES),
        dueDate: Nullable(Day),
        status: Type.String({ description: 'issued | recalled' }),
        issuedAt: Nullable(Timestamp),
        recalledAt: Nullable(Timestamp),
        createdAt: Timestamp,
        issuer: Type.Object({ id: Uuid, name: Type.String(), code: Type.String() }, open),
        paper: Type.Boolean(),
        senderName: Nullable(Type.String()),
        signerName: Nullable(Type.String()),
        textState: TextState,
      },
      open,
    ),
    direction: OneOf(DIRECTIONS),
    deliveryId: Nullable(Uuid),
    deliveryStatus: Nullable(Type.String({ description: "the caller's unit's copy: delivered, accepted …" })),
    textState: TextState,
    snippet: Type.String({ description: 'plain text (never HTML) of the field that matched, cut around the first match' }),
    highlights: Type.Array(Type.Tuple([Type.Integer(), Type.Integer()]), { description: '[start, end) offsets (UTF-16) into snippet of every matched word' }),
    matchedIn: OneOf(MATCHED_IN),
  },
  open,
);
export const SearchBody = Page(SearchItem);
