// Page images and text for the reader (issue 14): GET …/files/:fileId/pages/:n.jpg renders a page
// with poppler once per file content (a second reader, in another unit, gets the stored image: no
// second render), keeps it in the store with a blobs row (so the sweep keeps it) and drops it with
// its file; the same access rule as the file (404 to a unit it was not sent to); bad pages and
// widths are 400. GET …/text gives the text job's text of the file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { buildTestEnv } from './helpers/app.js';
import { buildDocument, buildUnit, buildUser } from './helpers/factories.js';
import { makePdf } from './helpers/pdf.js';
import { scannedPdf } from './helpers/scan-pdf.js';
import { previewCounters } from '../src/modules/documents/previews.js';
import { sweepStore } from '../src/modules/documents/blobs.js';

test('page images: rendered once per file, cached in the store, access and bad input', { timeout: 120_000 }, async (t) => {
  const env = await buildTestEnv(t, { pageImagesAhead: true });
  const huyen = await buildUnit(env, { name: 'Ủy ban nhân dân huyện Thử' });
  const clerk = await buildUser(env, { unit: huyen, roles: ['clerk'] });
  const [a, b, foreign] = [await buildUnit(env), await buildUnit(env), await buildUnit(env)];
  const readerA = await buildUser(env, { unit: a, roles: ['clerk'] });
  const readerB = await buildUser(env, { unit: b, roles: ['officer'] });
  const stranger = await buildUser(env, { unit: foreign, roles: ['clerk'] });
  const scan = await scannedPdf({ pages: 2 });
  const { doc } = await buildDocument(env, { author: clerk, recipients: [a.id, b.id], files: [scan] });
  const before = previewCounters.renders;
  // Issuing (and opening) the document starts rendering pages 1 and 2 at 720 px in the background (warmPreviews).
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: clerk.auth })).statusCode, 200);
  const detail = (await env.app.inject({ url: `/api/documents/${doc.id}`, headers: readerA.auth })).json();
  const file = detail.files[0];
  const url = (n: string, q = '') => `/api/documents/${doc.id}/files/${file.id}/pages/${n}${q}`;
  const rendersOf = (page: number, width = 720, format = 'jpg') => previewCounters.byKey.get(`${file.sha256}:${page}:${width}:${format}`) ?? 0;
  const first = await env.app.inject({ url: url('1.jpg', `?width=720&v=${file.sha256}`), headers: readerA.auth });
  assert.equal(first.statusCode, 200, first.body);
  assert.equal(first.headers['content-type'], 'image/jpeg');
  assert.equal(first.rawPayload.subarray(0, 2).toString('hex'), 'ffd8', 'a JPEG');
  assert.ok(first.rawPayload.length > 20_000 && first.rawPayload.length < 250_000, `a light image: ${first.rawPayload.length} bytes`);
  assert.match(String(first.headers['cache-control']), /immutable/, 'the URL names the file content: cached for good');
  assert.equal(previewCounters.renders, before + 1);
  // Opening a page image counts as reading, like opening the file.
  const trackingRead = (await env.app.inject({ url: `/api/documents/${doc.id}/tracking`, headers: clerk.auth })).json().deliveries;
  assert.ok(trackingRead.find((d: { unit: { id: string } }) => d.unit.id === a.id).readAt, 'read by unit A');

  // Another unit's reader: the same bytes, not rendered again; an ETag revalidation is a 304.
  const second = await env.app.inject({ url: url('1.jpg'), headers: readerB.auth });
  assert.equal(second.statusCode, 200);
  assert.deepEqual(second.rawPayload, first.rawPayload);
  assert.equal(rendersOf(1), 1, 'the second request does not render again');
  assert.match(String(second.headers['cache-control']), /no-cache/);
  const again = await env.app.inject({ url: url('1.jpg'), headers: { ...readerB.auth, 'if-none-match': String(second.headers.etag) } });
  assert.equal(again.statusCode, 304);
  // Two at once for a new page: one render.
  const [p2a, p2b] = await Promise.all([env.app.inject({ url: url('2.jpg'), headers: readerA.auth }), env.app.inject({ url: url('2.jpg'), headers: readerB.auth })]);
  assert.equal(p2a.statusCode, 200);
  assert.deepEqual(p2a.rawPayload, p2b.rawPayload);
  assert.equal(rendersOf(2), 1);
  const png = await env.app.inject({ url: url('1.png', '?width=360'), headers: readerA.auth });
  assert.equal(png.statusCode, 200);
  assert.equal(png.headers['content-type'], 'image/png');
  assert.equal(png.rawPayload.readUInt32BE(16), 360, 'PNG width');
  assert.equal(previewCounters.renders, before + 3, 'three images, each rendered once');

  // Stored once: rows, blobs rows and objects; the sweep keeps them.
  const rows = (await env.deps.db.execute(sql`select p.sha256, b.sha256 as blob from page_previews p left join blobs b on b.sha256 = p.sha256`)) as unknown as Array<{ sha256: string; blob: string | null }>;
  assert.equal(rows.length, 3);
  assert.ok(rows.every((r) => r.blob === r.sha256), 'every image has its blobs row');
  const report = await sweepStore(env.deps, { graceMs: 0 });
  assert.equal(report.removed, 0, 'the sweep keeps the images');
  for (const r of rows) assert.ok(await env.deps.store.stat(r.sha256));

  // Access: a unit the document was not sent to gets the same 404 as for the file.
  const foreignRes = await env.app.inject({ url: url('1.jpg'), headers: stranger.auth });
  assert.equal(foreignRes.statusCode, 404);
  assert.equal(foreignRes.json().error.code, 'not_found');
  assert.equal((await env.app.inject({ url: url('1.jpg') })).statusCode, 401);

  // Bad pages and widths: 400 with a message, nothing rendered.
  const renders = previewCounters.renders;
  for (const [name, q] of [['0.jpg', ''], ['3.jpg', ''], ['01.jpg', ''], ['-1.jpg', ''], ['1.webp', ''], ['1', ''], ['x.jpg', ''], ['1.jpg', '?width=721'], ['1.jpg', '?width=abc'], ['1.jpg', '?width=0'], ['1.jpg', '?nope=1']]) {
    const r = await env.app.inject({ url: url(name!, q), headers: readerA.auth });
    assert.equal(r.statusCode, 400, `${name}${q}: ${r.body}`);
    assert.equal(r.json().error.code, 'bad_request');
    assert.match(r.json().error.message, /trang|rộng|width|page|querystring|không hợp lệ/i);
  }
  assert.equal(previewCounters.renders, renders);
});

test('page images go with their file: a draft file removed drops its images and their objects', { timeout: 60_000 }, async (t) => {
  const env = await buildTestEnv(t);
  const clerk = await buildUser(env, { roles: ['clerk'] });
  const { doc } = await buildDocument(env, { author: clerk, files: [makePdf('Du thao')] });
  const detail = (await env.app.inject({ url: `/api/documents/${doc.id}`, headers: clerk.auth })).json();
  const file = detail.files[0];
  const r = await env.app.inject({ url: `/api/documents/${doc.id}/files/${file.id}/pages/1.jpg`, headers: clerk.auth });
  assert.equal(r.statusCode, 200);
  const [row] = (await env.deps.db.execute(sql`select sha256 from page_previews`)) as unknown as Array<{ sha256: string }>;
  assert.ok(row && (await env.deps.store.stat(row.sha256)));
  const del = await env.app.inject({ method: 'DELETE', url: `/api/documents/${doc.id}`, headers: clerk.auth });
  assert.ok([200, 204].includes(del.statusCode), del.body);
  assert.equal(((await env.deps.db.execute(sql`select 1 from page_previews`)) as unknown as unknown[]).length, 0);
  assert.equal(((await env.deps.db.execute(sql`select 1 from blobs where sha256 = ${row.sha256}`)) as unknown as unknown[]).length, 0);
  assert.equal(await env.deps.store.stat(row.sha256), null, 'the image object is gone');
});

test('the text of a file for "Chữ lớn": none until read, then the text layer', { timeout: 60_000 }, async (t) => {
  const env = await buildTestEnv(t, { textExtraction: true });
  const clerk = await buildUser(env, { roles: ['clerk'] });
  const commune = await buildUnit(env);
  const reader = await buildUser(env, { unit: commune, roles: ['clerk'] });
  const stranger = await buildUser(env, { roles: ['clerk'] });
  const { doc } = await buildDocument(env, { author: clerk, recipients: [commune.id], files: [makePdf('Chu lon de doc van ban')] });
  const detail = (await env.app.inject({ url: `/api/documents/${doc.id}`, headers: clerk.auth })).json();
  const url = `/api/documents/${doc.id}/files/${detail.files[0].id}/text`;
  const draft = (await env.app.inject({ url, headers: clerk.auth })).json();
  assert.deepEqual({ text: draft.text, source: draft.source }, { text: '', source: 'none' });
  assert.equal((await env.app.inject({ method: 'POST', url: `/api/documents/${doc.id}/issue`, headers: clerk.auth })).statusCode, 200);
  let body: { text: string; pages: number; source: string } = draft;
  for (let i = 0; i < 100 && body.source === 'none'; i++) {
    await sleep(200);
    body = (await env.app.inject({ url, headers: reader.auth })).json();
  }
  assert.equal(body.source, 'text');
  assert.equal(body.pages, 1);
  assert.match(body.text, /Chu lon de doc van ban/);
  assert.equal((await env.app.inject({ url, headers: stranger.auth })).statusCode, 404);
});
