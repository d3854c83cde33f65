import { Type, type TSchema } from 'typebox';

export const Uuid = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Uuid });
export const ErrorBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
});
export const PageQuery = {
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
};
export const Security = [{ bearer: [] }];

/** A union of string literals, for enums such as urgency or status. */
export const lit = <T extends string>(xs: readonly T[]) => Type.Union(xs.map((x) => Type.Literal(x)));

// ---- Response pieces shared by the modules' schemas.ts ----
// fastify serialises responses with fast-json-stringify, which drops every property a schema does
// not declare: each response schema lists every field its route returns. Objects that other work is
// still extending (documents, deliveries, assignments, verdicts) also let unknown fields through.

/** `X` or `null`. */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/**
 * A string with known values: documented as an enum, serialised as a plain string (a value added
 * later is never a serialisation error, unlike a union of literals).
 */
export const OneOf = (xs: readonly string[], options: { description?: string } = {}) =>
  Type.Unsafe<string>({ type: 'string', enum: [...xs], ...options });

export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 with offset' });
export const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD (Vietnam date)' });
/** An open JSON object (event data and other free-form payloads). */
export const OpenObject = Type.Record(Type.String(), Type.Unknown());

/** What the caller may do with a document, delivery or assignment (the web app shows buttons from it only). */
export const Can = Type.Object(
  {
    edit: Type.Optional(Type.Boolean()),
    delete: Type.Optional(Type.Boolean()),
    submit: Type.Optional(Type.Boolean()),
    sign: Type.Optional(Type.Boolean()),
    issue: Type.Optional(Type.Boolean()),
    recall: Type.Optional(Type.Boolean()),
    acknowledge: Type.Optional(Type.Boolean()),
    accept: Type.Optional(Type.Boolean()),
    refuse: Type.Optional(Type.Boolean()),
    assign: Type.Optional(Type.Boolean()),
    report: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: true, description: 'Actions the caller may take now' },
);

/** Every error: `{error: {code, message}}`, the message in Vietnamese or English (Accept-Language / ?lang=). */
export const Errors = {
  '4xx': Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) }, { description: 'Error: {error: {code, message}}' }),
} as const;

/** 204: no body. */
export const NoContent = Type.Unsafe<void>({ type: 'null', description: 'No content' });

/** A page of a cursor-paginated list. */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as ?cursor= for the next page; null on the last' }) });

/** A streamed file: its content type instead of a JSON schema. */
export const FileBody = (contentType: string, description: string) => ({
  description,
  content: { [contentType]: { schema: Type.Unsafe<unknown>({ type: 'string', format: 'binary' }) } },
});
