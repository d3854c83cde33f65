// Route schemas compiled once per process, not once per app. Fastify builds a fresh Ajv and compiles
// every route's validators and response serializers on each `ready()` (≈ 0.5–1 s of CPU for this
// app). A production process builds one app, so nothing changes there; a process that builds many —
// npm test builds ≈ 250, two replicas share one test process — reuses what an earlier app compiled.
// The compilers are fastify's own defaults (@fastify/ajv-compiler, fast-json-stringify); only the
// lookup is added: by the schema's JSON text with the externals and options it was compiled with, so
// an equal schema gets the same (stateless) function and a different one never does. Header schemas
// would lose fastify's lower-casing with a custom compiler; no route declares one (a test checks).
import AjvCompiler from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type Factories = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
interface RouteDef { schema?: unknown; httpPart?: string; method?: string; url?: string }

const ajvPool = AjvCompiler();
const fjsFactory = SerializerSelector();
const validators = new Map<string, unknown>();
const serializers = new Map<string, unknown>();

function memo<T>(cache: Map<string, unknown>, key: string, make: () => T): T {
  if (cache.has(key)) return cache.get(key) as T;
  const made = make();
  cache.set(key, made);
  return made;
}

/** Compiled functions held now (the test of this module reads it). */
export const compiledSchemaCount = () => ({ validators: validators.size, serializers: serializers.size });

export const cachedCompilers: Factories = {
  buildValidator: ((externalSchemas: unknown, options: unknown) => {
    const build = ajvPool(externalSchemas as never, options as never) as (route: RouteDef) => unknown;
    const scope = `${JSON.stringify(externalSchemas)}\u0000${JSON.stringify(options)}`;
    return (route: RouteDef) => {
      if (route.httpPart === 'headers') return build(route);
      return memo(validators, `${scope}\u0000${route.httpPart}\u0000${JSON.stringify(route.schema)}`, () => build(route));
    };
  }) as Factories['buildValidator'],
  buildSerializer: ((externalSchemas: unknown, options: unknown) => {
    const build = fjsFactory(externalSchemas, options as never) as (route: RouteDef) => unknown;
    const scope = `${JSON.stringify(externalSchemas)}\u0000${JSON.stringify(options)}`;
    return (route: RouteDef) => memo(serializers, `${scope}\u0000${JSON.stringify(route.schema)}`, () => build(route));
  }) as Factories['buildSerializer'],
};
