// The targeted reader behind signing (reader.ts, xref.ts, pages.ts): classic tables, xref and
// object streams, /Prev chains, hybrid files, inherited page attributes, damaged offsets. What
// it reads is compared with pdf-lib's full parse; signed results are checked by poppler's pdfsig.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PDFArray, PDFDict, PDFDocument, PDFNumber, PDFRawStream, StandardFonts } from 'pdf-lib';
import {
  addSignaturePlaceholder, byteRangeChunks, embedSignature, findSignatures, pageCount, pageSize, type PlaceholderOptions,
} from '../src/modules/signing/pdf/incremental.js';
import { PdfLexer, type PdfValue } from '../src/modules/signing/pdf/lexer.js';
import { findPage } from '../src/modules/signing/pdf/pages.js';
import { PdfReader } from '../src/modules/signing/pdf/reader.js';
import { serialize } from '../src/modules/signing/pdf/serialize.js';
import { skipValue } from '../src/modules/signing/pdf/skip.js';
import { appendClassic, classicPdf, objectStream, startxref, xrefStream } from './helpers/pdf-build.js';

const tools = ['openssl', 'pdfsig'].every((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0);
let dir = '';
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-reader-'));
  if (tools) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`,
      '-days', '30', '-subj', '/CN=Reader Test'], { stdio: 'ignore' });
  }
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Placeholder, CMS by OpenSSL, embedded; pdfsig's verdict when the tools are there. */
async function signAndCheck(pdf: Buffer, opts: Partial<PlaceholderOptions> = {}) {
  const prepared = await addSignaturePlaceholder(pdf, { fieldName: 'Sig', signingTime: new Date('2026-11-23T08:30:00Z'), subFilter: 'adbe.pkcs7.detached', ...opts });
  const tail = prepared.pdf.subarray(pdf.length).toString('latin1');
  if (!tools) return { signed: embedSignature(prepared, Buffer.from('3000', 'hex')), tail };
  fs.writeFileSync(`${dir}/data.bin`, Buffer.concat(byteRangeChunks(prepared.pdf, prepared.byteRange)));
  execFileSync('openssl', ['cms', '-sign', '-binary', '-outform', 'DER', '-md', 'sha256', '-signer', `${dir}/cert.pem`, '-inkey', `${dir}/key.pem`,
    '-nosmimecap', '-in', `${dir}/data.bin`, '-out', `${dir}/sig.der`]);
  const signed = embedSignature(prepared, fs.readFileSync(`${dir}/sig.der`));
  fs.writeFileSync(`${dir}/check.pdf`, signed);
  const r = spawnSync('pdfsig', [`${dir}/check.pdf`], { encoding: 'utf8' });
  assert.match(r.stdout + r.stderr, /Signature is Valid/, 'pdfsig validates the signature');
  return { signed, tail };
}

/** Page `i`'s /MediaBox as our reader finds it (pageSize() would fall back to pdf-lib if it could not). */
const box = (pdf: Buffer, i: number) => findPage(PdfReader.open(pdf), i)?.mediaBox;

/** The widget's /P in an update, as "N G". */
const widgetPage = (tail: string) => /\/Subtype \/Widget[\s\S]*?\/P (\d+ \d+) R/.exec(tail)?.[1];

/** A page tree with an intermediate node, an empty node, and /MediaBox set at every level. */
const tree = () => classicPdf([
  '<< /Type /Catalog /Pages 2 0 R >>',
  '<< /Type /Pages /Kids [3 0 R 4 0 R 8 0 R 7 0 R] /Count 4 /MediaBox [0 0 612 792] >>',
  '<< /Type /Page /Parent 2 0 R >>', // inherits Letter from the root
  '<< /Type /Pages /Parent 2 0 R /Kids [5 0 R 6 0 R] /Count 2 /MediaBox [0 0 420 595] >>',
  '<< /Type /Page /Parent 4 0 R /MediaBox [0 0 200 300] >>',
  '<< /Type /Page /Parent 4 0 R >>', // inherits A5 from its parent node
  '<< /Type /Page /Parent 2 0 R /MediaBox [10 20 310 420] >>',
  '<< /Type /Pages /Parent 2 0 R /Kids [] /Count 0 >>', // an empty node before the last page
]);

describe('targeted PDF reader', () => {
  test('lexer: references in arrays, reals, escapes; skipValue ends where value ends; serialize round-trips', () => {
    const src = '[1 2 0 R 3.5 -4 +.5 /N#20x (a\\)b\\r) <41 42> << /K 7 0 R /L [[]] >> true null] %';
    const lx = new PdfLexer(Buffer.from(src, 'latin1'));
    const v = lx.value();
    assert.equal(v.t, 'arr');
    const items = (v as Extract<PdfValue, { t: 'arr' }>).v;
    assert.deepEqual(items.slice(0, 5), [{ t: 'num', v: 1 }, { t: 'ref', num: 2, gen: 0 }, { t: 'num', v: 3.5 }, { t: 'num', v: -4 }, { t: 'num', v: 0.5 }]);
    assert.deepEqual(items[5], { t: 'name', v: 'N x' });
    assert.equal((items[6] as { v: Buffer }).v.toString('latin1'), 'a)b\r');
    const skip = new PdfLexer(Buffer.from(src, 'latin1'));
    skipValue(skip);
    assert.equal(skip.pos, lx.pos);
    const again = new PdfLexer(Buffer.from(serialize(v), 'latin1')).value();
    assert.equal(serialize(again), serialize(v));
    // Hex strings: whitespace between digits, an odd last digit (taken as followed by 0).
    assert.deepEqual((new PdfLexer(Buffer.from('<4 1 4\n2 5>')).value() as { v: Buffer }).v, Buffer.from([0x41, 0x42, 0x50]));
  });

  test('classic xref: page tree with an intermediate node, an empty node and inherited /MediaBox', async () => {
    const pdf = tree();
    assert.equal(await pageCount(pdf), 4);
    const sizes = await Promise.all([0, 1, 2, 3, -1].map((p) => pageSize(pdf, p)));
    assert.deepEqual(sizes, [
      { width: 612, height: 792 }, { width: 200, height: 300 }, { width: 420, height: 595 }, { width: 300, height: 400 }, { width: 300, height: 400 },
    ]);
    await assert.rejects(pageSize(pdf, 4), /page 4 does not exist \(the PDF has 4 pages\)/);
    assert.deepEqual([0, 1, 2, 3].map((i) => findPage(PdfReader.open(pdf), i)?.num), [3, 5, 6, 7]);
    const { tail } = await signAndCheck(pdf, { appearance: { page: 2, rect: [10, 10, 110, 40], text: { lines: ['Trang 3'], fontSize: 9 } } });
    assert.equal(widgetPage(tail), '6 0', 'the widget sits on the third page');
    assert.ok(/(?:^|\n)6 0 obj\n<<\n\/Type \/Page\n\/Parent 4 0 R\n\/Annots \[ \d+ 0 R \]\n>>/.test(tail), 'that page gets /Annots');
  });

  test('xref stream and object streams: every object reads as pdf-lib reads it; sizes of 25 pages', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    for (let i = 0; i < 25; i++) doc.addPage([400 + i, 600 - i]).drawText(`Trang ${i + 1}`, { x: 50, y: 50, size: 12, font });
    doc.getForm().createTextField('ho.ten').addToPage(doc.getPage(3), { x: 50, y: 100, width: 100, height: 20 });
    const pdf = Buffer.from(await doc.save({ useObjectStreams: true }));
    const r = PdfReader.open(pdf);
    assert.equal(r.last.kind, 'stream');
    const loaded = await PDFDocument.load(pdf);
    let compared = 0;
    for (const [ref, obj] of loaded.context.enumerateIndirectObjects()) {
      const ours = r.get(ref.objectNumber);
      const dict = obj instanceof PDFRawStream ? obj.dict : obj;
      if (dict instanceof PDFDict) {
        assert.equal(ours.t, 'dict', `object ${ref.objectNumber}`);
        const keys = [...(ours as Extract<PdfValue, { t: 'dict' }>).v.keys()].sort();
        assert.deepEqual(keys, dict.keys().map((k) => k.decodeText()).sort(), `keys of object ${ref.objectNumber}`);
      } else if (obj instanceof PDFArray) assert.equal(ours.t === 'arr' && ours.v.length, obj.size());
      else if (obj instanceof PDFNumber) assert.deepEqual(ours, { t: 'num', v: obj.asNumber() });
      compared++;
    }
    assert.ok(compared > 50);
    assert.equal(await pageCount(pdf), 25);
    for (let i = 0; i < 25; i++) assert.deepEqual(await pageSize(pdf, i), loaded.getPage(i).getSize());
    // The last page of the flat tree: the widget's /P is pdf-lib's reference for it.
    const { tail } = await signAndCheck(pdf, { appearance: { page: -1, rect: [10, 10, 110, 40] } });
    assert.equal(widgetPage(tail), `${loaded.getPage(24).ref.objectNumber} 0`);
    assert.ok(tail.includes('/Type /XRef'), 'an xref stream, like the last section');
  });

  test('incremental updates with /Prev: the newest revision wins, freed objects are null', async () => {
    const base = classicPdf([
      '<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>', '<< /Old true >>',
    ]);
    const upd = appendClassic(base, [
      [2, '<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>'],
      [3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] >>'],
      [5, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] >>'],
    ], '/Size 6 /Root 1 0 R', [4]);
    const upd2 = appendClassic(upd, [[5, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 150] >>']], '/Size 6 /Root 1 0 R');
    assert.equal(await pageCount(upd2), 2);
    assert.deepEqual(await pageSize(upd2, 0), { width: 842, height: 595 });
    assert.deepEqual(await pageSize(upd2, -1), { width: 100, height: 150 });
    assert.deepEqual(await pageSize(upd, -1), { width: 300, height: 300 });
    assert.deepEqual([box(upd2, 0), box(upd2, 1), box(upd, 1), box(base, 0)], [[0, 0, 842, 595], [0, 0, 100, 150], [0, 0, 300, 300], [0, 0, 595, 842]]);
    assert.deepEqual(PdfReader.open(upd2).get(4), { t: 'null' });
    const { signed, tail } = await signAndCheck(upd2, { appearance: { page: -1, rect: [5, 5, 95, 45], text: { lines: ['Ký'], fontSize: 8 } } });
    assert.ok(tail.includes(`/Prev ${startxref(upd2)} >>`), 'the update continues the chain');
    assert.ok(/trailer\n<< \/Size \d+ \/Root 1 0 R /.test(tail));
    assert.equal(widgetPage(tail), '5 0');
    assert.equal(findSignatures(signed)[0]?.wellFormed, true);
  });

  test('hybrid file: hidden objects found through /XRefStm (a PNG-predicted xref stream)', async () => {
    const main = classicPdf([
      '<< /Type /Catalog /Pages 2 0 R >>', null, null,
      objectStream([[2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>'], [3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 400] >>']]),
    ]);
    const off4 = main.indexOf('4 0 obj');
    const off5 = main.length;
    const x5 = Buffer.concat([Buffer.from('5 0 obj\n'), xrefStream([[2, 4, 0], [2, 4, 1], [1, off4, 0], [1, off5, 0]], [2, 4], '/Size 6'), Buffer.from('\nendobj\n')]);
    const tableAt = off5 + x5.length;
    const hybrid = Buffer.concat([main, x5, Buffer.from(
      `xref\n5 1\n${String(off5).padStart(10, '0')} 00000 n\r\ntrailer\n<< /Size 6 /Root 1 0 R /Prev ${startxref(main)} /XRefStm ${off5} >>\nstartxref\n${tableAt}\n%%EOF\n`)]);
    const r = PdfReader.open(hybrid);
    assert.equal(r.last.kind, 'table');
    assert.deepEqual([r.xrefEntry(2), r.xrefEntry(3)], [{ type: 2, stream: 4, index: 0 }, { type: 2, stream: 4, index: 1 }], 'entries from the /XRefStm');
    assert.equal(r.get(3).t, 'dict', 'a hidden page, inside the object stream');
    assert.equal(await pageCount(hybrid), 1);
    assert.deepEqual(await pageSize(hybrid, 0), { width: 300, height: 400 });
    assert.deepEqual(box(hybrid, 0), [0, 0, 300, 400]);
    const { signed, tail } = await signAndCheck(hybrid, { appearance: { page: 0, rect: [20, 20, 200, 60], text: { lines: ['Hybrid'], fontSize: 10 } } });
    assert.ok(tail.includes('\nxref\n'), 'the update is a table, like the last section');
    assert.equal(widgetPage(tail), '3 0');
    assert.deepEqual((await PDFDocument.load(signed)).getForm().getFields().map((f) => f.getName()), ['Sig']);
  });

  test('wrong xref offsets are repaired by scanning for the objects, as readers do', async () => {
    const good = tree();
    let i = 0; // the 6th in-use entry, object 6, now points 3 bytes into its own header
    const bad = Buffer.from(good.toString('latin1').replace(/(\d{10}) 00000 n\r\n/g, (m, o: string) => (i++ === 5 ? `${String(Number(o) + 3).padStart(10, '0')} 00000 n\r\n` : m)), 'latin1');
    assert.notDeepEqual(bad, good);
    const entry = PdfReader.open(bad).xrefEntry(6);
    assert.ok(entry?.type === 1 && bad.toString('latin1', entry.offset, entry.offset + 7) !== '6 0 obj', 'the entry is wrong');
    assert.deepEqual(await pageSize(bad, 2), { width: 420, height: 595 });
    assert.deepEqual(box(bad, 2), [0, 0, 420, 595]);
    const { signed, tail } = await signAndCheck(bad, { appearance: { page: 2, rect: [10, 10, 60, 30] } });
    assert.equal(widgetPage(tail), '6 0');
    assert.equal(findSignatures(signed).length, 1);
  });

  test('pageCount/pageSize fall back to a full parse when the xref cannot be followed; signing refuses', async () => {
    const wrong = Buffer.from(tree().toString('latin1').replace(/startxref\n(\d+)/, (_, n: string) => `startxref\n${Number(n) - 7}`), 'latin1');
    assert.throws(() => PdfReader.open(wrong), /cross-reference data is damaged/);
    assert.equal(await pageCount(wrong), 4);
    assert.deepEqual(await pageSize(wrong, 1), { width: 200, height: 300 });
    await assert.rejects(addSignaturePlaceholder(wrong, { fieldName: 'S', signingTime: new Date() }), /cross-reference data is damaged/);
  });

  test('embedSignature writes into the prepared buffer (the only copy of the file is the placeholder\'s)', async () => {
    const prepared = await addSignaturePlaceholder(tree(), { fieldName: 'S', signingTime: new Date(), signatureSize: 64 });
    const der = Buffer.from('3003020101', 'hex');
    assert.equal(embedSignature(prepared, der), prepared.pdf);
    assert.ok(findSignatures(prepared.pdf)[0]!.contents.equals(der));
    assert.ok(findSignatures(embedSignature(prepared, Buffer.from('3000', 'hex')))[0]!.contents.equals(Buffer.from('3000', 'hex')), 'a second embed replaces the first');
  });

  test('a broken /Prev in an older section still lets the newest revision be read', async () => {
    const base = tree();
    const upd = appendClassic(base, [[7, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 50 60] >>']], '/Size 9 /Root 1 0 R');
    const broken = Buffer.from(upd.toString('latin1').replace(/\/Prev (\d+)/, (_, n: string) => `/Prev ${Number(n) + 1}`), 'latin1');
    assert.deepEqual(await pageSize(broken, 3), { width: 50, height: 60 });
    assert.deepEqual(await pageSize(broken, 1), { width: 200, height: 300 }, 'objects of the unreachable section are found by a scan');
    assert.deepEqual([box(broken, 3), box(broken, 1)], [[0, 0, 50, 60], [0, 0, 200, 300]]);
  });
});
