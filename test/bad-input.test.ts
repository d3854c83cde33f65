import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser } from './helpers/factories.js';
import { makePdf, multipart } from './helpers/pdf.js';

/** Row counts of every table a bad request could touch, to show it wrote nothing. */
async function snapshot(env: TestEnv) {
  const [row] = (await env.db.execute(sql`select
    (select count(*)::int from documents) as documents, (select count(*)::int from document_files) as files,
    (select count(*)::int from blobs) as blobs, (select count(*)::int from deliveries) as deliveries,
    (select count(*)::int from events) as events, (select count(*)::int from number_series) as series`)) as unknown as [Record<string, number>];
  const objects: string[] = [];
  for await (const sha of env.store.list()) objects.push(sha);
  return { ...row, objects: objects.length };
}

function assertError(r: { statusCode: number; json(): any }, status: number, code: string) {
  assert.equal(r.statusCode, status);
  const body = r.json();
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0);
}

test('bad input gets a 4xx with the error body and writes nothing', async (t) => {
  const env = await buildTestEnv(t, { maxUploadBytes: 64 * 1024, maxJsonBytes: 16 * 1024 });
  const clerk = await buildUser(env);
  const recipient = await buildUnit(env);
  const { doc } = await buildDocument(env, { author: clerk, recipients: [recipient.id], files: [] });
  const before = await snapshot(env);
  const upload = (parts: Parameters<typeof multipart>[0]) => {
    const b = multipart(parts);
    return env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/files`, headers: { ...clerk.auth, ...b.headers }, payload: b.payload });
  };

  // A file named .pdf that is not one is judged by its content.
  assertError(await upload([{ name: 'file', filename: 'bao-cao.pdf', data: Buffer.from('PK\u0003\u0004 a zip file really') }]), 415, 'unsupported_media_type');
  // A PDF over the configured limit.
  assertError(await upload([{ name: 'file', filename: 'big.pdf', data: makePdf('big', 100 * 1024) }]), 413, 'payload_too_large');
  // No file part at all; a bad role value; not multipart.
  assertError(await upload([{ name: 'note', data: 'no file' }]), 400, 'bad_request');
  assertError(await upload([{ name: 'role', data: 'cover' }, { name: 'file', filename: 'a.pdf', data: makePdf() }]), 400, 'bad_request');
  assertError(await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/files`, headers: clerk.auth, payload: { file: 'x' } }), 415, 'unsupported_media_type');

  const post = (payload: string | object, headers: Record<string, string> = {}) =>
    env.app.inject({ method: 'POST', url: '/api/documents', headers: { ...clerk.auth, 'content-type': 'application/json', ...headers }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });
  assertError(await post('{"type": "CV", "subject": '), 400, 'bad_request');
  assertError(await post(JSON.stringify({ type: 'CV', subject: 'x'.repeat(400), recipients: Array(600).fill(recipient.id) })), 413, 'payload_too_large');
  const unknown = await post({ type: 'CV', subject: 'Về việc X', recipients: ['6f1c1f0e-1111-4111-8111-111111111111'] });
  assertError(unknown, 400, 'bad_request');
  assert.match(unknown.json().error.message, /6f1c1f0e-1111-4111-8111-111111111111/);
  // Schema violations name the field.
  const badUrgency = await post({ type: 'CV', subject: 'Về việc X', recipients: [recipient.id], urgency: 'asap' });
  assertError(badUrgency, 400, 'bad_request');
  assert.match(badUrgency.json().error.message, /urgency/);
  const extra = await post({ type: 'CV', subject: 'Về việc X', recipients: [recipient.id], hacker: true });
  assertError(extra, 400, 'bad_request');
  assert.match(extra.json().error.message, /hacker/);
  assertError(await post({ type: 'ZZ', subject: 'Về việc X', recipients: [recipient.id] }), 400, 'bad_request');
  assertError(await post({ type: 'CV', subject: 'x'.repeat(501), recipients: [recipient.id] }), 400, 'bad_request');
  assertError(await post({ type: 'CV', subject: 'Về việc X', recipients: [clerk.unit.id] }), 400, 'bad_request');
  assertError(await env.app.inject({ url: '/api/documents/not-a-uuid', headers: clerk.auth }), 400, 'bad_request');
  assertError(await env.app.inject({ url: '/api/inbox?limit=100000', headers: clerk.auth }), 400, 'bad_request');
  assertError(await env.app.inject({ url: '/api/inbox?cursor=garbage', headers: clerk.auth }), 400, 'bad_request');
  assertError(await env.app.inject({ url: '/api/nothing-here', headers: clerk.auth }), 404, 'not_found');
  assertError(await env.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x' } }), 400, 'bad_request');
  // Issuing a draft without its main file.
  assertError(await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: clerk.auth }), 409, 'conflict');

  assert.deepEqual(await snapshot(env), before);
});

test('errors speak Vietnamese by default and English on request', async (t) => {
  const env = await buildTestEnv(t);
  const vi = await env.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'khong.co', password: 'sai' } });
  assert.equal(vi.json().error.message, 'Sai tên đăng nhập hoặc mật khẩu');
  const en = await env.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'accept-language': 'en-US,en;q=0.9' }, payload: { username: 'khong.co', password: 'sai' } });
  assert.equal(en.json().error.message, 'Wrong username or password');
});

test('two main files in one upload are refused, a later main file is its next version; the role field makes later files appendices', async (t) => {
  const env = await buildTestEnv(t);
  const clerk = await buildUser(env);
  const { doc } = await buildDocument(env, { author: clerk, files: [] });
  const b = multipart([
    { name: 'file', filename: 'chinh.pdf', data: makePdf('main') },
    { name: 'role', data: 'appendix' },
    { name: 'file', filename: 'phu-luc-1.pdf', data: makePdf('pl1') },
    { name: 'file', filename: 'phu-luc-2.pdf', data: makePdf('pl2') },
  ]);
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/files`, headers: { ...clerk.auth, ...b.headers }, payload: b.payload });
  assert.equal(r.statusCode, 201, r.body);
  assert.deepEqual(r.json().files.map((f: { role: string; name: string }) => `${f.role}:${f.name}`), ['main:chinh.pdf', 'appendix:phu-luc-1.pdf', 'appendix:phu-luc-2.pdf']);
  // Two main files in one request: 409, nothing kept.
  const two = multipart([
    { name: 'role', data: 'main' },
    { name: 'file', filename: 'khac.pdf', data: makePdf('other') },
    { name: 'file', filename: 'khac-nua.pdf', data: makePdf('other 2') },
  ]);
  const r2 = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/files`, headers: { ...clerk.auth, ...two.headers }, payload: two.payload });
  assert.equal(r2.statusCode, 409, r2.body);
  const objects: string[] = [];
  for await (const sha of env.store.list()) objects.push(sha);
  assert.equal(objects.length, 3);
  // A later main file is the main file's next version (trình ký: v2), not a second main file.
  const again = multipart([{ name: 'role', data: 'main' }, { name: 'file', filename: 'khac.pdf', data: makePdf('other') }]);
  const r3 = await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/files`, headers: { ...clerk.auth, ...again.headers }, payload: again.payload });
  assert.equal(r3.statusCode, 201, r3.body);
  const files = (await env.app.inject({ url: `/api/documents/${doc.id}`, headers: clerk.auth })).json().files as Array<{ role: string; name: string; versions?: Array<{ version: number; name: string }> }>;
  assert.equal(files.filter((f) => f.role === 'main').length, 1, 'still one main file');
  assert.deepEqual(files.find((f) => f.role === 'main')!.versions!.map((v) => [v.version, v.name]), [[1, 'chinh.pdf'], [2, 'khac.pdf']]);
});
