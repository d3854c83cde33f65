// Issue 13 point 2: the text of stored files, read once per file hash by the background text job
// (pdf.js for text layers; pdftoppm + Tesseract's Vietnamese model for scans), stored in file_texts
// and fed to the search index; leases survive a worker that died; a file that cannot be read ends
// `failed` after TEXT_MAX_ATTEMPTS and is left alone; without Tesseract the app runs, the pages
// are counted missing (no_ocr) and /healthz says so; `npm run cli -- reindex --texts` as a process.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import fontkit from '@pdf-lib/fontkit';
import { sql } from 'drizzle-orm';
import { PDFDocument } from 'pdf-lib';
import { catchUpIndex } from '../src/modules/search/indexer.js';
import { isBlankPgm } from '../src/modules/search/ocr.js';
import { enqueueTexts } from '../src/modules/search/text-queue.js';
import { buildTestEnv, type TestEnv } from './helpers/app.js';
import { buildUnit, buildUser, type TestUser } from './helpers/factories.js';
import { multipart } from './helpers/pdf.js';
import { runCli } from './helpers/cli.js';
import { district, issue } from './helpers/web-world.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-text-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const FONT = fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), '../node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));

/** A PDF whose pages carry these lines in DejaVu Sans (a real text layer with Vietnamese glyphs). */
async function textPdf(pages: string[][], size = 22): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(FONT, { subset: true });
  for (const lines of pages) {
    const page = doc.addPage([595, 842]);
    lines.forEach((line, i) => page.drawText(line, { x: 60, y: 760 - i * 2.2 * size, size, font }));
  }
  return Buffer.from(await doc.save());
}

let n = 0;
/** A phone photo of printed text: the page rendered to JPEG by poppler (no text layer left). */
function photo(pdf: Buffer, dpi = 150): Buffer {
  const base = path.join(tmp, `scan${++n}`);
  fs.writeFileSync(`${base}.pdf`, pdf);
  execFileSync('pdftoppm', ['-jpeg', '-r', String(dpi), '-singlefile', `${base}.pdf`, base]);
  return fs.readFileSync(`${base}.jpg`);
}

/** Lower case, no Vietnamese diacritics, đ → d (to compare OCR output loosely). */
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase();
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function paper(env: TestEnv, clerk: TestUser, subject: string, file: { filename: string; type: string; data: Buffer }) {
  const form = multipart([
    { name: 'type', data: 'CV' }, { name: 'subject', data: subject }, { name: 'senderName', data: 'Ông Nguyễn Văn An, thôn Đông' },
    { name: 'file', ...file },
  ]);
  const r = await env.app.inject({ method: 'POST', url: '/api/incoming/paper', headers: { ...clerk.auth, ...form.headers }, payload: form.payload });
  assert.equal(r.statusCode, 201, r.body);
  return r.json().documentId as string;
}

async function stored(env: TestEnv, hash: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await env.store.get(hash)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Stores bytes as a blob (as an upload would) and returns the hash. */
async function put(env: TestEnv, bytes: Buffer): Promise<string> {
  const s = await env.store.put(Readable.from([bytes]));
  await env.db.execute(sql`insert into blobs (sha256, size) values (${s.sha256}, ${s.size}) on conflict do nothing`);
  return s.sha256;
}

/** An image-only PDF: one A4 page painting this JPEG (a scanner's output). */
async function scanPdfOf(jpeg: Buffer): Promise<Buffer> {
  const scan = await PDFDocument.create();
  const jpg = await scan.embedJpg(jpeg);
  scan.addPage([595, 842]).drawImage(jpg, { x: 0, y: 0, width: 595, height: 842 });
  return Buffer.from(await scan.save());
}

const BROKEN_PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF garbage');

type TextRow = { sha256: string; state: string; text: string | null; pages: number | null; ocr_pages: number; missing_pages: number; attempts: number; error: string | null };
const row = async (env: TestEnv, hash: string) =>
  (await env.db.execute<TextRow>(sql`select * from file_texts where sha256 = ${hash}`))[0];
const filesOf = async (env: TestEnv, documentId: string) =>
  (await env.db.execute<{ sha256: string }>(sql`select sha256 from document_files where document_id = ${documentId}`)).map((r) => r.sha256);

/** Waits (bounded) until `check` holds, asking the index to catch up (which queues files) on the way. */
async function until(env: TestEnv, check: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    await catchUpIndex(env.db);
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const nonePending = (env: TestEnv) => async () =>
  Number((await env.db.execute<{ n: string }>(sql`select count(*) as n from file_texts where state = 'pending'`))[0]!.n) === 0;
const readLogs = (env: TestEnv) => env.logs.filter((l) => l.includes('"file text read"')).map((l) => JSON.parse(l) as { sha256: string; state: string });
const FAST = { textExtraction: true, textTickMs: 100, textRetryMs: 50, textLeaseMs: 1500, ocrDpi: 150 };

test('a rendered page is blank (no OCR run) only when it has no mark: one short word in 12 pt is not blank', async () => {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]);
  doc.addPage([595, 842]).drawText('Hello', { x: 50, y: 700, size: 12 });
  const file = path.join(tmp, 'blank.pdf');
  fs.writeFileSync(file, await doc.save());
  const render = (page: string) => {
    execFileSync('pdftoppm', ['-f', page, '-l', page, '-gray', '-singlefile', '-scale-to', '2000', file, path.join(tmp, `blank${page}`)]);
    return fs.readFileSync(path.join(tmp, `blank${page}.pgm`));
  };
  assert.equal(isBlankPgm(render('1')), true);
  assert.equal(isBlankPgm(render('2')), false);
});

test('text PDFs and a scanned page are read once per file hash: Vietnamese kept, OCR finds the words, the search row gets the text', async (t) => {
  const env = await buildTestEnv(t, FAST);
  const w = await district(env);
  const health = (await env.app.inject({ url: '/healthz' })).json();
  assert.deepEqual(health, { status: 'ok', details: { ocr: 'available', textQueue: 0, sms: false, email: false } });

  // One issued document to three communes: one sealed file, read once.
  const text = await textPdf([['Công văn về việc phòng chống bão lũ', 'Hỏa tốc: Sở Tài nguyên và Môi trường'], ['Trang hai: kế hoạch ứng phó thiên tai']]);
  const issued = await issue(env, { clerk: w.clerk, recipients: [w.sonTay.id, w.haThanh.id, w.sonHa.id], subject: 'Phòng chống bão lũ', files: [text] });
  // A paper letter photographed with a phone (JPEG → the paper path's PDF), then the same PDF registered again.
  const printed = await textPdf([['ĐƠN ĐỀ NGHỊ', 'Sửa chữa nhà văn hóa thôn Đông', 'Kính gửi Ủy ban nhân dân xã']], 26);
  const clerk = await buildUser(env, { unit: w.sonTay, roles: ['clerk'] });
  const first = await paper(env, clerk, 'Đơn đề nghị sửa nhà văn hóa', { filename: 'IMG_0001.jpg', type: 'image/jpeg', data: photo(printed) });
  const [scanSha] = await filesOf(env, first);
  const scanPdf = await stored(env, scanSha!);
  const second = await paper(env, clerk, 'Đơn đề nghị (bản chụp gửi lại)', { filename: 'don.pdf', type: 'application/pdf', data: scanPdf });
  assert.deepEqual(await filesOf(env, second), [scanSha], 'the same PDF is one stored file');

  const [textSha] = await filesOf(env, issued.id);
  // Stored first, then the documents' search rows refreshed, then logged: wait for the log lines.
  const logged = async () => readLogs(env).filter((l) => l.sha256 === textSha || l.sha256 === scanSha).length >= 2;
  await until(env, async () => (await nonePending(env)()) && (await logged()), 'every file read');
  const tr = (await row(env, textSha!))!;
  assert.equal(tr.state, 'done');
  assert.equal(tr.pages, 2);
  assert.equal(tr.ocr_pages, 0);
  const pages = tr.text!.split('\f');
  assert.equal(pages.length, 2);
  assert.match(pages[0]!, /Công văn về việc phòng chống bão lũ/);
  assert.match(pages[0]!, /Hỏa tốc: Sở Tài nguyên và Môi trường/);
  assert.equal(pages[1]!.trim(), 'Trang hai: kế hoạch ứng phó thiên tai');
  assert.equal(tr.text, tr.text!.normalize('NFC'));

  const sr = (await row(env, scanSha!))!;
  assert.equal(sr.state, 'done');
  assert.deepEqual([sr.pages, sr.ocr_pages, sr.missing_pages], [1, 1, 0]);
  const folded = fold(sr.text!);
  const words = ['nghi', 'sua chua', 'nha van hoa', 'thon dong', 'kinh gui', 'uy ban nhan dan'];
  const found = words.filter((x) => folded.includes(x));
  assert.ok(found.length >= 3, `OCR found ${found.join(', ')} in ${JSON.stringify(sr.text)}`);
  assert.match(sr.text!, /\p{M}|[ăâđêôơưĂÂĐÊÔƠƯ]|[\u00c0-\u1ef9]/u, 'Vietnamese letters recognised');

  // Once per hash: each file read once (one log line, one attempt), however many documents and units hold it.
  const reads = readLogs(env);
  assert.equal(reads.filter((l) => l.sha256 === textSha).length, 1);
  assert.equal(reads.filter((l) => l.sha256 === scanSha).length, 1);
  assert.deepEqual([tr.attempts, sr.attempts], [1, 1]);
  const fileRows = await env.db.execute<{ n: string }>(sql`select count(*) as n from file_texts`);
  assert.equal(Number(fileRows[0]!.n), 2);

  // The search rows hold the words of the files (folded), and know their text was read.
  const matches = await env.db.execute<{ id: string; state: string | null }>(sql`
    select document_id as id, text_state as state from search_documents where text_tsv @@ to_tsquery('simple', 'phong & chong & bao & lu')`);
  assert.deepEqual(matches.map((m) => [m.id, m.state]), [[issued.id, 'done']]);
  const ocrMatch = await env.db.execute<{ id: string }>(sql`select document_id as id from search_documents where text_tsv @@ to_tsquery('simple', 'thon & dong')`);
  assert.deepEqual(ocrMatch.map((m) => m.id).sort(), [first, second].sort());
  assert.equal((await env.app.inject({ url: '/healthz' })).json().details.textQueue, 0);
});

test('a claimed file whose worker died is read after its lease; a broken PDF fails after TEXT_MAX_ATTEMPTS and is left alone; without Tesseract scans are no_ocr', async (t) => {
  const env = await buildTestEnv(t, { ...FAST, textMaxAttempts: 3, ocrCommand: path.join(tmp, 'no-such-tesseract') });
  assert.deepEqual((await env.app.inject({ url: '/healthz' })).json(), { status: 'ok', details: { ocr: 'unavailable', textQueue: 0, sms: false, email: false } });

  // A worker claimed this file and died (its lease runs 3 s): nobody reads it before the lease ends, then it is read.
  const orphan = await put(env, await textPdf([['Tờ trình về việc mua sắm thiết bị']]));
  const claimedAt = Date.now();
  await env.db.execute(sql`insert into file_texts (sha256, attempts, lease_until) values (${orphan}, 1, now() + interval '3000 milliseconds')`);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await row(env, orphan))!.state, 'pending', 'not taken while the lease runs');
  await until(env, async () => (await row(env, orphan))!.state === 'done', 'the orphaned file read');
  assert.ok(Date.now() - claimedAt >= 3000);
  const o = (await row(env, orphan))!;
  assert.equal(o.attempts, 2);
  assert.match(o.text!, /Tờ trình về việc mua sắm thiết bị/);

  // A broken PDF: three attempts with backoff, then failed with its error, and never taken again.
  const broken = await put(env, BROKEN_PDF);
  await enqueueTexts(env.db, [broken]);
  await env.deps.sql.notify('lienthong_texts', '');
  await until(env, async () => (await row(env, broken))!.state === 'failed', 'the broken file failed');
  const b = (await row(env, broken))!;
  assert.equal(b.attempts, 3);
  assert.match(b.error!, /cannot read the PDF/);
  await new Promise((r) => setTimeout(r, 500)); // five ticks
  assert.equal((await row(env, broken))!.attempts, 3, 'not retried once failed');

  // A file whose readers died on every allowed attempt (the last claim's lease over, or none left) is failed, not left pending.
  const exhausted = await put(env, await textPdf([['Giấy mời họp']]));
  await env.db.execute(sql`insert into file_texts (sha256, attempts) values (${exhausted}, 3)`);
  await until(env, async () => (await row(env, exhausted))!.state === 'failed', 'the exhausted file failed');
  assert.match((await row(env, exhausted))!.error!, /stopped while reading this file 3 times/);

  // Without OCR a scanned page is counted missing and the file is no_ocr ("chưa nhận dạng chữ").
  const scanned = await put(env, await scanPdfOf(photo(await textPdf([['Biên bản họp thôn']]), 60)));
  await enqueueTexts(env.db, [scanned]);
  await until(env, nonePending(env), 'the scan handled');
  const s = (await row(env, scanned))!;
  assert.deepEqual([s.state, s.pages, s.ocr_pages, s.missing_pages], ['no_ocr', 1, 0, 1]);

});

test('a replica stopped while reading gives its claim back at once (OCR killed); another replica then reads the file, the attempt not counted', async (t) => {
  // A Tesseract that lists vie but never finishes a page: the replica is stopped in the middle of it.
  const slow = path.join(tmp, 'slow-tesseract');
  fs.writeFileSync(slow, '#!/bin/sh\nif [ "$1" = "--list-langs" ]; then echo vie; exit 0; fi\nexec sleep 120\n', { mode: 0o755 });
  const a = await buildTestEnv(t, { ...FAST, ocrCommand: slow });
  const scanned = await put(a, await scanPdfOf(photo(await textPdf([['Biên bản họp thôn']]), 60)));
  await enqueueTexts(a.db, [scanned]);
  await a.deps.sql.notify('lienthong_texts', '');
  await until(a, async () => (await row(a, scanned))!.attempts === 1, 'the file claimed');
  await new Promise((r) => setTimeout(r, 1000));
  const stopping = Date.now();
  await a.app.close();
  assert.ok(Date.now() - stopping < 10_000, `stopping took ${Date.now() - stopping} ms`);
  const released = (await a.db.execute<TextRow & { lease_until: Date | null }>(sql`select * from file_texts where sha256 = ${scanned}`))[0]!;
  assert.deepEqual([released.state, released.attempts, released.lease_until], ['pending', 0, null]);

  // The same database and file store, as replicas share them.
  const b = await buildTestEnv(t, { ...FAST, dataDir: a.dataDir, ocrCommand: path.join(tmp, 'no-such-tesseract') }, { database: { url: a.dbUrl } });
  await until(b, async () => (await row(b, scanned))!.state !== 'pending', 'the other replica read it');
  const r = (await row(b, scanned))!;
  assert.deepEqual([r.state, r.attempts, r.missing_pages], ['no_ocr', 1, 1]);
});

test('npm run cli -- reindex --texts: rebuilds the index and reads every file again in its own process, with a summary; exit 1 when a file failed', async (t) => {
  // The app's own text job is off: the command does all the reading.
  const env = await buildTestEnv(t, { textExtraction: false });
  const files = [
    await put(env, await textPdf([['Quyết định về việc khen thưởng'], ['Điều 2. Chánh Văn phòng']])),
    await put(env, BROKEN_PDF),
    await put(env, await scanPdfOf(photo(await textPdf([['Biên bản họp thôn']]), 60))),
  ];
  await enqueueTexts(env.db, files);
  const cli = await runCli(['reindex', '--texts'], {
    DATABASE_URL: env.dbUrl, DATA_DIR: env.dataDir, LOG_LEVEL: 'warn', OCR_COMMAND: path.join(tmp, 'no-such-tesseract'), TEXT_MAX_ATTEMPTS: '1',
  });
  assert.equal(cli.code, 1, cli.stderr);
  assert.match(cli.stdout, /search index rebuilt: 0 documents/);
  assert.match(cli.stdout, /OCR\): không có/);
  assert.match(cli.stdout, /Đã đọc 2\/3 tệp .*: 3 trang \(pages\), 0 trang nhận dạng chữ \(OCR pages\), 1 trang chưa nhận dạng chữ \(pages without OCR\), 1 tệp lỗi \(failed files\)/);
  assert.match(cli.stderr, /Đọc chữ trong tệp/);
  const after = await env.db.execute<{ state: string; n: string }>(sql`select state, count(*) as n from file_texts group by state order by state`);
  assert.deepEqual(after.map((r) => [r.state, Number(r.n)]), [['done', 1], ['failed', 1], ['no_ocr', 1]]);
  assert.match((await row(env, files[0]!))!.text!, /Quyết định về việc khen thưởng\n?\fĐiều 2\. Chánh Văn phòng/);
  assert.equal((await runCli(['reindex', '--bogus'])).code, 2);
  const help = await runCli(['reindex', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /reindex \[--texts\]/);
});
