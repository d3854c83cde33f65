import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compiledSchemaCount } from '../src/http/schema-cache.js';
import { buildTestEnv } from './helpers/app.js';

test('route schemas are compiled once per process: a second app compiles nothing new and validates and serialises the same', async (t) => {
  const first = await buildTestEnv(t);
  const afterFirst = compiledSchemaCount();
  assert.ok(afterFirst.validators > 20 && afterFirst.serializers > 30, `compiled ${JSON.stringify(afterFirst)}`);
  const second = await buildTestEnv(t);
  assert.deepEqual(compiledSchemaCount(), afterFirst, 'the second app reused every compiled function');

  // No route declares a header schema (fastify lower-cases those only with its default compiler).
  const headerSchemas: string[] = [];
  const spec = (await first.app.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }> }>> };
  for (const [p, item] of Object.entries(spec.paths)) {
    for (const [m, op] of Object.entries(item)) for (const prm of op.parameters ?? []) if (prm.in === 'header') headerSchemas.push(`${m} ${p} ${prm.name}`);
  }
  assert.deepEqual(headerSchemas, []);

  // Both apps validate (a bad body names its field) and serialise (undeclared fields dropped, declared kept).
  for (const env of [first, second]) {
    const bad = await env.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x' } });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().error.code, 'bad_request');
    assert.match(bad.json().error.message, /password/);
    const health = await env.app.inject({ url: '/healthz' });
    assert.equal(health.statusCode, 200);
    assert.deepEqual(Object.keys(health.json()).sort(), ['details', 'status']);
  }
});
