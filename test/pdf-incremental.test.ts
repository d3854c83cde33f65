// Incremental-update signing placeholders, checked against real tools: OpenSSL makes the CMS,
// poppler's pdfsig validates it, pdftoppm/pdftotext render the visible appearance.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import {
  addSignaturePlaceholder,
  byteRangeChunks,
  embedSignature,
  findSignatures,
  pageCount,
  pageSize,
  type PlaceholderOptions,
  type Prepared,
} from '../src/modules/signing/pdf/incremental.js';

const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const tools = ['openssl', 'pdfsig', 'pdftoppm', 'pdftotext', 'certutil'].every(have);
let dir = '';
const at = new Date('2026-11-23T08:30:00Z'); // 15:30 in Vietnam

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-pdfsig-'));
  if (!tools) return;
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`,
    '-days', '30', '-subj', '/CN=Nguyen Van A/O=UBND huyen Son Ha', '-addext', 'keyUsage=critical,digitalSignature,nonRepudiation'], { stdio: 'ignore' });
  fs.mkdirSync(`${dir}/nss`);
  execFileSync('certutil', ['-N', '-d', `sql:${dir}/nss`, '--empty-password']);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A detached CMS (SHA-256, RSA) over the byte-range chunks, made by OpenSSL. */
function cms(prepared: Prepared, extra: string[] = []): Buffer {
  fs.writeFileSync(`${dir}/data.bin`, Buffer.concat(byteRangeChunks(prepared.pdf, prepared.byteRange)));
  execFileSync('openssl', ['cms', '-sign', '-binary', '-outform', 'DER', '-md', 'sha256', '-signer', `${dir}/cert.pem`,
    '-inkey', `${dir}/key.pem`, '-nosmimecap', ...extra, '-in', `${dir}/data.bin`, '-out', `${dir}/sig.der`]);
  return fs.readFileSync(`${dir}/sig.der`);
}

function pdfsig(pdf: Buffer): string {
  fs.writeFileSync(`${dir}/check.pdf`, pdf);
  const r = spawnSync('pdfsig', ['-nssdir', `sql:${dir}/nss`, '-no-ocsp', `${dir}/check.pdf`], { encoding: 'utf8' });
  return r.stdout + r.stderr;
}

async function sign(pdf: Buffer, opts: Partial<PlaceholderOptions> = {}, extra: string[] = []) {
  const prepared = await addSignaturePlaceholder(pdf, { fieldName: 'Signature1', signingTime: at, subFilter: 'adbe.pkcs7.detached', ...opts });
  const der = cms(prepared, extra);
  return { prepared, der, signed: embedSignature(prepared, der) };
}

async function makeInput(pages: number, useObjectStreams: boolean, form = false): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) doc.addPage([595, 842]).drawText(`Page ${i + 1}`, { x: 72, y: 760, size: 18, font });
  if (form) doc.getForm().createTextField('existing').addToPage(doc.getPage(0), { x: 72, y: 600, width: 200, height: 20 });
  return Buffer.from(await doc.save({ useObjectStreams }));
}

/**
 * A hand-written classic PDF (PDF 1.4, no object streams). 'inline': /AcroForm and /Annots are
 * direct objects; 'indirect': both /Annots and /AcroForm /Fields are arrays of their own.
 */
function handMadePdf(kind: 'inline' | 'indirect' | 'encrypted'): Buffer {
  const link = '<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] >>';
  const objs =
    kind === 'indirect'
      ? ['<< /Type /Catalog /Pages 2 0 R /AcroForm 4 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
          '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots 6 0 R >>', '<< /Fields 5 0 R >>', '[]', `[${link}]`]
      : ['<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /DA (/Helv 0 Tf 0 g) >> >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
          `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [${link}] >>`];
  if (kind === 'encrypted') objs.push('<< /Filter /Standard /V 1 /R 2 /P -4 /O <00> /U <00> >>');
  let out = '%PDF-1.4\n';
  const offs: number[] = [];
  objs.forEach((o, i) => {
    offs.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offs.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  const trailer = `<< /Size ${objs.length + 1} /Root 1 0 R${kind === 'encrypted' ? ' /Encrypt 4 0 R /ID [<01><01>]' : ''} >>`;
  return Buffer.from(`${out}trailer\n${trailer}\nstartxref\n${xref}\n%%EOF\n`, 'latin1');
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A 16x16 RGBA PNG: opaque dark red 8x8 square in the middle, fully transparent around it. */
function transparentPng(): Buffer {
  const rows: number[] = [];
  for (let y = 0; y < 16; y++) {
    rows.push(0); // filter: none
    for (let x = 0; x < 16; x++) rows.push(...(x >= 4 && x < 12 && y >= 4 && y < 12 ? [160, 0, 0, 255] : [0, 0, 255, 0]));
  }
  const chunk = (type: string, data: Buffer) => {
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.from([0, 0, 0, 16, 0, 0, 0, 16, 8, 6, 0, 0, 0]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.from(rows))), chunk('IEND', Buffer.alloc(0))]);
}

/** Page `page` (1-based) rendered in grey at 72 dpi: pixel (x, y) is the point (x, height - y). */
function render(pdf: Buffer, page: number) {
  fs.writeFileSync(`${dir}/render.pdf`, pdf);
  execFileSync('pdftoppm', ['-r', '72', '-gray', '-f', String(page), '-l', String(page), '-singlefile', `${dir}/render.pdf`, `${dir}/out`]);
  const pgm = fs.readFileSync(`${dir}/out.pgm`);
  const m = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.toString('latin1', 0, 40))!;
  const [w, h, off] = [Number(m[1]), Number(m[2]), m[0].length];
  /** The darkest grey value in the rectangle [x1, y1, x2, y2] given in points from the lower left. */
  return (x1: number, y1: number, x2: number, y2: number) => {
    let min = 255;
    for (let y = h - y2; y < h - y1; y++) for (let x = x1; x < x2; x++) min = Math.min(min, pgm[off + y * w + x]!);
    return min;
  };
}

const needTools = { skip: tools ? false : 'openssl/poppler-utils/certutil not installed' };

describe('PDF signature placeholders (incremental update)', needTools, () => {
  for (const useObjectStreams of [false, true]) {
    test(`one signature, ${useObjectStreams ? 'xref stream' : 'classic xref'} input`, async () => {
      const input = await makeInput(1, useObjectStreams);
      const { prepared, der, signed } = await sign(input);
      assert.ok(prepared.pdf.subarray(0, input.length).equals(input), 'original bytes are an exact prefix');
      const tail = prepared.pdf.subarray(input.length).toString('latin1');
      assert.match(tail, useObjectStreams ? /\/Type \/XRef/ : /\nxref\n/, 'the update uses the same kind of xref');
      const out = pdfsig(signed);
      assert.match(out, /Signature is Valid/);
      assert.match(out, /Total document signed/);
      const [found, ...rest] = findSignatures(signed);
      assert.equal(rest.length, 0);
      assert.deepEqual(found!.byteRange, prepared.byteRange);
      assert.ok(found!.contents.equals(der));
      assert.equal(found!.coversWholeDocument, true);
      assert.equal(found!.wellFormed, true);
      assert.equal(found!.fieldName, 'Signature1');
      assert.equal(found!.subFilter, 'adbe.pkcs7.detached');
      assert.equal(found!.signingTime?.toISOString(), at.toISOString());
      const doc = await PDFDocument.load(signed);
      assert.equal(doc.getPageCount(), 1);
      assert.deepEqual(doc.getForm().getFields().map((f) => f.getName()), ['Signature1']);
    });
  }

  test('ETSI.CAdES.detached with a CAdES CMS (signing-certificate-v2) validates too', async () => {
    const { signed } = await sign(await makeInput(1, true), { subFilter: 'ETSI.CAdES.detached' }, ['-cades']);
    const out = pdfsig(signed);
    assert.match(out, /Signature Type: ETSI\.CAdES\.detached/);
    assert.match(out, /Signature is Valid/);
  });

  test('signing twice keeps the first signature valid', async () => {
    const input = await makeInput(3, true, true);
    const first = await sign(input, { name: 'Nguyễn Văn A', reason: 'Phát hành văn bản', location: 'Quảng Ngãi' });
    const second = await sign(first.signed, { reason: 'Xác nhận' });
    assert.ok(second.signed.subarray(0, first.signed.length).equals(first.signed));
    const out = pdfsig(second.signed);
    assert.equal(out.match(/Signature is Valid/g)?.length, 2);
    assert.match(out, /Signature #1:[\s\S]*Not total document signed[\s\S]*Signature #2:[\s\S]*Total document signed/);
    const found = findSignatures(second.signed);
    assert.deepEqual(found.map((f) => f.fieldName), ['Signature1', 'Signature1_2']);
    assert.deepEqual(found.map((f) => f.coversWholeDocument), [false, true]);
    assert.deepEqual(found.map((f) => f.wellFormed), [true, true]);
    assert.ok(found[0]!.contents.equals(first.der) && found[1]!.contents.equals(second.der));
    assert.deepEqual([found[0]!.name, found[0]!.reason, found[1]!.reason], ['Nguyễn Văn A', 'Phát hành văn bản', 'Xác nhận']);
    assert.equal(await pageCount(second.signed), 3);
    const names = (await PDFDocument.load(second.signed)).getForm().getFields().map((f) => f.getName());
    assert.deepEqual(names.sort(), ['Signature1', 'Signature1_2', 'existing']);
  });

  for (const kind of ['inline', 'indirect'] as const) {
    test(`${kind} /AcroForm /Fields and /Annots are extended`, async () => {
      const input = handMadePdf(kind);
      const { signed } = await sign(input);
      const again = await sign(signed, { fieldName: 'Signature1' });
      assert.equal(pdfsig(again.signed).match(/Signature is Valid/g)?.length, 2);
      const doc = await PDFDocument.load(again.signed);
      assert.equal(doc.getPage(0).node.Annots()?.size(), 3, 'the link and both widgets');
      assert.deepEqual(doc.getForm().getFields().map((f) => f.getName()), ['Signature1', 'Signature1_2']);
      const tail = again.signed.subarray(signed.length).toString('latin1');
      if (kind === 'indirect') {
        assert.match(tail, /\n5 0 obj\n\[ 9 0 R 12 0 R \]\nendobj/, 'the /Fields array is rewritten');
        assert.match(tail, /(?:^|\n)6 0 obj\n\[ <<[\s\S]*>> 9 0 R 12 0 R \]\nendobj/, 'the /Annots array is rewritten');
        assert.doesNotMatch(tail, /\n3 0 obj\n/, 'the page itself is not');
      }
    });
  }

  test('visible appearance: transparent PNG and Vietnamese text on the last page', async () => {
    const input = await makeInput(2, true);
    assert.deepEqual(await pageSize(input, -1), { width: 595, height: 842 });
    const rect: [number, number, number, number] = [250, 100, 550, 180];
    const lines = ['01/QĐ-UBND', 'Ký bởi: Ủy ban nhân dân huyện Sơn Hà', '23/11/2026 15:30:00 +07:00'];
    const { signed } = await sign(input, {
      appearance: { page: -1, rect, images: [{ png: transparentPng(), rect: [0, 0, 80, 80] }], text: { lines, fontSize: 8, rect: [85, 0, 300, 80] } },
    });
    assert.match(pdfsig(signed), /Signature is Valid/);
    const before = render(input, 2);
    assert.equal(before(250, 100, 550, 180), 255, 'the widget area is blank before signing');
    const px = render(signed, 2);
    assert.ok(px(270, 120, 310, 160) < 128, 'the opaque middle of the PNG is drawn');
    assert.equal(px(252, 102, 266, 116), 255, 'the transparent corner of the PNG stays white');
    assert.ok(px(335, 100, 550, 180) < 128, 'the text is drawn');
    assert.equal(render(signed, 1)(250, 100, 550, 180), 255, 'nothing drawn on page 1');
    fs.writeFileSync(`${dir}/text.pdf`, signed);
    const text = execFileSync('pdftotext', ['-f', '2', '-l', '2', `${dir}/text.pdf`, '-'], { encoding: 'utf8' });
    for (const l of lines) assert.ok(text.includes(l), `pdftotext finds "${l}"`);
  });

  test('tampering is detected by pdfsig, findSignatures still works', async () => {
    const { signed, prepared } = await sign(await makeInput(1, false));
    const bad = Buffer.from(signed);
    assert.equal(bad[10], 0x81); // inside pdf-lib's binary header comment: the file still parses
    bad[10] = 0x82;
    assert.ok(10 < prepared.byteRange[1]);
    const out = pdfsig(bad);
    assert.doesNotMatch(out, /Signature is Valid/);
    assert.match(out, /Digest Mismatch/);
    const found = findSignatures(bad);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.wellFormed, true);
  });

  test('findSignatures never throws on garbage, and flags a bad /ByteRange', async () => {
    assert.deepEqual(findSignatures(Buffer.alloc(0)), []);
    assert.deepEqual(findSignatures(Buffer.from('hello, not a pdf 1 0 obj << /ByteRange [')), []);
    let seed = 42; // a fixed LCG, so a failure is reproducible
    const noise = () => Buffer.from(Array.from({ length: 4096 }, () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 16) & 255));
    for (let i = 0; i < 20; i++) assert.deepEqual(findSignatures(noise()), []);
    const { signed, prepared } = await sign(await makeInput(1, false));
    const shifted = Buffer.from(signed.toString('latin1').replace(`/ByteRange [0 ${prepared.byteRange[1]} `, `/ByteRange [0 ${prepared.byteRange[1] - 1} `), 'latin1');
    const [f] = findSignatures(shifted);
    assert.equal(f?.wellFormed, false);
    const truncated = findSignatures(signed.subarray(0, signed.length - 100));
    assert.equal(truncated[0]?.coversWholeDocument, false);
    assert.equal(truncated[0]?.wellFormed, false);
  });

  test('encrypted PDFs and PDFs with a wrong startxref are refused', async () => {
    const opts = { fieldName: 'S', signingTime: at };
    await assert.rejects(addSignaturePlaceholder(handMadePdf('encrypted'), opts), /encrypted PDFs cannot be signed/);
    const good = handMadePdf('inline');
    const wrong = Buffer.from(good.toString('latin1').replace(/startxref\n(\d+)/, (_, n) => `startxref\n${Number(n) - 7}`), 'latin1');
    await assert.rejects(addSignaturePlaceholder(wrong, opts), /cross-reference data is damaged/);
    await assert.rejects(addSignaturePlaceholder(Buffer.from('not a pdf'), opts), /cross-reference data is damaged/);
    await assert.rejects(addSignaturePlaceholder(good, { ...opts, appearance: { page: 1, rect: [0, 0, 10, 10] } }), /page 1 does not exist/);
  });

  test('embedSignature refuses a CMS larger than signatureSize', async () => {
    const prepared = await addSignaturePlaceholder(await makeInput(1, false), { fieldName: 'S', signingTime: at, signatureSize: 1024 });
    assert.throws(() => embedSignature(prepared, Buffer.alloc(1025, 1)), /1025 bytes but only 1024 were reserved/);
    assert.doesNotThrow(() => embedSignature(prepared, Buffer.alloc(1024, 1)));
    // A DER that itself ends in zero bytes survives: its length comes from the ASN.1 header.
    const der = Buffer.from('3006020100020100', 'hex'); // SEQUENCE { INTEGER 0, INTEGER 0 }
    assert.ok(findSignatures(embedSignature(prepared, der))[0]!.contents.equals(der));
  });
});
