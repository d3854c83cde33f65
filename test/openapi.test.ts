import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestEnv } from './helpers/app.js';

interface Operation {
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown>; required?: string[] } }> };
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
type Spec = { paths: Record<string, Record<string, Operation>> };

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

function operations(spec: Spec) {
  const out: Array<{ id: string; path: string; method: string; op: Operation }> = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) if (METHODS.has(method)) out.push({ id: `${method.toUpperCase()} ${path}`, path, method, op });
  }
  return out;
}

/** A 2xx response that says what comes back: a JSON schema, a file's content type, or an explicit empty body. */
function has2xxSchema(op: Operation) {
  return Object.entries(op.responses ?? {}).some(([code, r]) => /^2/.test(code) && (code === '204' || Object.values(r.content ?? {}).some((m) => m.schema !== undefined)));
}

/** Every multipart route (req.parts()) and the form fields it reads. */
const MULTIPART: Record<string, string[]> = {
  'POST /api/documents/{id}/files': ['file', 'role'],
  'POST /api/certificates': ['file', 'passphrase', 'owner'],
  'POST /api/signature-images': ['file', 'owner'],
  'POST /api/verify': ['file'],
  'POST /api/assignments/{id}/progress': ['note', 'done', 'file'],
};

test('OpenAPI: every /api operation has a 2xx response schema; multipart bodies are described', async (t) => {
  const env = await buildTestEnv(t);
  const r = await env.app.inject({ url: '/docs/json' });
  assert.equal(r.statusCode, 200);
  const spec = r.json() as Spec;
  const ops = operations(spec).filter((o) => o.path.startsWith('/api/'));
  assert.ok(ops.length >= 40, `only ${ops.length} operations`);

  const missing = ops.filter((o) => !has2xxSchema(o.op)).map((o) => o.id);
  t.diagnostic(`${ops.length} operations under /api, ${ops.length - missing.length} with a 2xx response schema`);
  assert.deepEqual(missing, [], 'operations without a 2xx response schema');

  const noErrors = ops.filter((o) => !Object.keys(o.op.responses ?? {}).some((c) => /^4/.test(c))).map((o) => o.id);
  assert.deepEqual(noErrors, [], 'operations without a 4xx (error body) response');

  // A reorganisation plan refused lists every problem: the 400 body is described with them.
  const reorg = ops.find((o) => o.id === 'POST /api/units/reorganise');
  assert.ok(reorg, 'POST /api/units/reorganise is in the OpenAPI document');
  assert.match(JSON.stringify(reorg.op.responses?.['400'] ?? {}), /problems/);

  for (const [id, fields] of Object.entries(MULTIPART)) {
    const op = ops.find((o) => o.id === id);
    assert.ok(op, `${id} is in the OpenAPI document`);
    const form = op.op.requestBody?.content?.['multipart/form-data']?.schema;
    assert.ok(form, `${id} declares a multipart/form-data request body`);
    assert.deepEqual(Object.keys(form.properties ?? {}).sort(), [...fields].sort(), `${id} form fields`);
  }
});
