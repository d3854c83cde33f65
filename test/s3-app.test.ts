import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from 'minio';
import { buildTestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser } from './helpers/factories.js';
import { makePdf } from './helpers/pdf.js';
import { startS3rver } from './helpers/s3.js';

test('with S3 settings the same app stores files in the bucket (created if missing) and serves them with Range', async (t) => {
  const s3 = await startS3rver();
  t.after(() => s3.close());
  const conn = { endPoint: '127.0.0.1', port: s3.port, useSSL: false, accessKey: s3.accessKey, secretKey: s3.secretKey };
  const env = await buildTestEnv(t, { s3: { ...conn, bucket: 'lienthong-docs' } });
  assert.equal(env.store.kind, 's3');
  const clerk = await buildUser(env);
  const unit = await buildUnit(env);
  const reader = await buildUser(env, { unit, roles: ['officer'] });
  const pdf = makePdf('luu tru S3', 3000);
  const { doc } = await buildDocument(env, { author: clerk, recipients: [unit.id], files: [pdf] });
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: clerk.auth })).statusCode, 200);

  // The object is in the bucket under its hash, seen by an independent client.
  const admin = new Client(conn);
  const names: string[] = [];
  for await (const o of admin.listObjectsV2('lienthong-docs', 'objects/', true)) names.push(String(o.name));
  const file = (await env.app.inject({ url: `/api/documents/${doc.id}`, headers: reader.auth })).json().files[0];
  assert.deepEqual(names, [`objects/${file.sha256}`]);

  const whole = await env.app.inject({ url: `/api/documents/${doc.id}/files/${file.id}`, headers: reader.auth });
  assert.deepEqual(whole.rawPayload, pdf);
  const part = await env.app.inject({ url: `/api/documents/${doc.id}/files/${file.id}`, headers: { ...reader.auth, range: 'bytes=10-19' } });
  assert.equal(part.statusCode, 206);
  assert.deepEqual(part.rawPayload, pdf.subarray(10, 20));
  assert.equal((await env.app.inject({ url: '/healthz' })).statusCode, 200);
});
