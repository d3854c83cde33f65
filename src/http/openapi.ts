import type { SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import type { TSchema } from 'typebox';

declare module 'fastify' {
  interface FastifySchema {
    /**
     * A request body the handler reads itself — a multipart form (`req.parts()`), text, or an
     * optional JSON body — described in the OpenAPI document only. fastify never sees it as
     * `schema.body`, so it never validates or rejects the stream; the handler checks what it reads.
     * `content` maps each accepted content type to the body's schema (for multipart, one property
     * per form field; files as `{type: 'string', format: 'binary'}`).
     */
    bodyDoc?: { content: Record<string, TSchema>; required?: boolean; description?: string };
  }
}

const OPTIONAL = 'x-body-optional';

/** Swagger `transform`: turns a route's `bodyDoc` into the operation's requestBody. */
export const openapiTransform: SwaggerTransform = ({ schema, url }) => {
  const doc = schema?.bodyDoc;
  if (!doc) return { schema, url };
  const { bodyDoc: _doc, ...rest } = schema;
  const content = Object.fromEntries(Object.entries(doc.content).map(([type, s]) => [type, { schema: s }]));
  return {
    url,
    schema: {
      ...rest,
      consumes: Object.keys(doc.content),
      body: { ...(doc.description ? { description: doc.description } : {}), content },
      ...(doc.required === false ? { [OPTIONAL]: true } : {}),
    },
  };
};

/** Swagger `transformObject`: a `bodyDoc` with `required: false` makes an optional requestBody. */
export const openapiTransformObject: SwaggerTransformObject = (documentObject) => {
  if (!('openapiObject' in documentObject)) return documentObject.swaggerObject;
  const spec = documentObject.openapiObject;
  for (const item of Object.values(spec.paths ?? {})) {
    for (const op of Object.values(item ?? {}) as Array<Record<string, unknown> | undefined>) {
      if (!op || typeof op !== 'object' || !(OPTIONAL in op)) continue;
      delete op[OPTIONAL];
      const body = op.requestBody as { required?: boolean } | undefined;
      if (body) body.required = false;
    }
  }
  return spec;
};
