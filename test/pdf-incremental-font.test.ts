// Visible signatures with the per-process DejaVu Serif subset (font.ts): Vietnamese renders and
// extracts (poppler's pdftoppm / pdftotext), NFD text is normalised, the font's bytes are reused,
// characters outside the repertoire get a one-off subset or "?". And findSignatures on fields
// kept in object streams, which it reads only when needed.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { encodeLine, fontFor, REPERTOIRE } from '../src/modules/signing/pdf/font.js';
import { addSignaturePlaceholder, byteRangeChunks, embedSignature, findSignatures, type AppearanceSpec } from '../src/modules/signing/pdf/incremental.js';
import { classicPdf, objectStream } from './helpers/pdf-build.js';

const tools = ['openssl', 'pdfsig', 'pdftoppm', 'pdftotext'].every((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0);
const needTools = { skip: tools ? false : 'openssl/poppler-utils not installed' };
let dir = '';
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-font-'));
  if (tools) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`,
      '-days', '30', '-subj', '/CN=Font Test'], { stdio: 'ignore' });
  }
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function sign(pdf: Buffer, appearance: AppearanceSpec) {
  const prepared = await addSignaturePlaceholder(pdf, { fieldName: 'Sig', signingTime: new Date(), subFilter: 'adbe.pkcs7.detached', appearance });
  const tail = prepared.pdf.subarray(pdf.length);
  fs.writeFileSync(`${dir}/data.bin`, Buffer.concat(byteRangeChunks(prepared.pdf, prepared.byteRange)));
  execFileSync('openssl', ['cms', '-sign', '-binary', '-outform', 'DER', '-md', 'sha256', '-signer', `${dir}/cert.pem`, '-inkey', `${dir}/key.pem`,
    '-nosmimecap', '-in', `${dir}/data.bin`, '-out', `${dir}/sig.der`]);
  const signed = embedSignature(prepared, fs.readFileSync(`${dir}/sig.der`));
  fs.writeFileSync(`${dir}/doc.pdf`, signed);
  const check = spawnSync('pdfsig', [`${dir}/doc.pdf`], { encoding: 'utf8' });
  assert.match(check.stdout + check.stderr, /Signature is Valid/);
  return { signed, tail };
}

const text = (pdf: Buffer) => {
  fs.writeFileSync(`${dir}/text.pdf`, pdf);
  return execFileSync('pdftotext', [`${dir}/text.pdf`, '-'], { encoding: 'utf8' });
};

/** The darkest grey in [x1, y1, x2, y2] (points from the lower left) of page 1 at 72 dpi. */
function darkest(pdf: Buffer, [x1, y1, x2, y2]: number[]) {
  fs.writeFileSync(`${dir}/render.pdf`, pdf);
  execFileSync('pdftoppm', ['-r', '72', '-gray', '-f', '1', '-l', '1', '-singlefile', `${dir}/render.pdf`, `${dir}/out`]);
  const pgm = fs.readFileSync(`${dir}/out.pgm`);
  const m = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.toString('latin1', 0, 40))!;
  const [w, h, off] = [Number(m[1]), Number(m[2]), m[0].length];
  let min = 255;
  for (let y = h - y2!; y < h - y1!; y++) for (let x = x1!; x < x2!; x++) min = Math.min(min, pgm[off + y * w + x]!);
  return min;
}

/** The FontFile2 stream of an update and the subset's name. */
function fontOf(tail: Buffer) {
  const s = tail.toString('latin1');
  const m = /\/Length1 \d+ \/Length (\d+) >>\nstream\n/.exec(s)!;
  return { name: /\/BaseFont \/([A-Z]{6}\+DejaVuSerif)/.exec(s)?.[1], data: tail.subarray(m.index + m[0].length, m.index + m[0].length + Number(m[1])) };
}

const blank = async () => {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]);
  return Buffer.from(await doc.save({ useObjectStreams: false }));
};

describe('visible signatures with the cached DejaVu Serif subset', needTools, () => {
  test('Vietnamese renders and extracts; NFD text is normalised; a second signature reuses the same font bytes', async () => {
    const lines = ['CHỦ TỊCH ỦY BAN NHÂN DÂN', 'Nguyễn Văn Án'.normalize('NFD'), 'Số: 12/QĐ-UBND — 23/11/2026 15:30', 'ắằẳẵặ ấầẩẫậ ếềểễệ ốồổỗộ ớờởỡợ ứừửữự ỳýỷỹỵ đĐ'];
    const input = await blank();
    const first = await sign(input, { page: 0, rect: [100, 600, 500, 700], text: { lines, fontSize: 11 } });
    const extracted = text(first.signed);
    for (const l of lines) assert.ok(extracted.includes(l.normalize('NFC')), `pdftotext finds "${l.normalize('NFC')}"`);
    assert.equal(darkest(input, [100, 600, 500, 700]), 255);
    assert.ok(darkest(first.signed, [100, 600, 500, 700]) < 128, 'the text is drawn');
    assert.equal(darkest(first.signed, [100, 100, 500, 500]), 255, 'nothing outside the widget');

    const second = await sign(first.signed, { page: 0, rect: [100, 300, 500, 340], text: { lines: ['Phó Chủ tịch'], fontSize: 12 } });
    assert.ok(text(second.signed).includes('Phó Chủ tịch'));
    const [a, b] = [fontOf(first.tail), fontOf(second.tail)];
    assert.ok(a.name && a.name === b.name, 'the same subset, by name');
    assert.ok(a.data.length > 10_000 && a.data.equals(b.data), 'and byte for byte');
  });

  test('outside the repertoire: a one-off subset for characters DejaVu has, "?" for those it lacks', async () => {
    const { signed, tail } = await sign(await blank(), { page: 0, rect: [50, 700, 550, 760], text: { lines: ['Ελληνικά ∑ ☺', 'Trung văn: 中文'], fontSize: 12 } });
    const extracted = text(signed);
    assert.ok(extracted.includes('Ελληνικά ∑ ☺'), 'characters the font has are drawn with a wider subset');
    assert.ok(extracted.includes('Trung văn: ??'), 'characters it lacks are drawn as "?"');
    const standard = await sign(await blank(), { page: 0, rect: [50, 700, 550, 760], text: { lines: ['Văn bản'], fontSize: 12 } });
    assert.notEqual(fontOf(tail).name, fontOf(standard.tail).name);
  });
});

test('every Vietnamese letter has its own glyph in the standard subset; NFD and NFC encode alike', async () => {
  const font = await fontFor(['x']);
  const tones = ['', '\u0300', '\u0301', '\u0309', '\u0303', '\u0323'];
  const letters = [...'aăâeêioôơuưy'].flatMap((v) => tones.map((t) => (v + t).normalize('NFC')));
  letters.push('đ', ...letters.map((l) => l.toUpperCase()), 'Đ');
  assert.equal(new Set(letters).size, 12 * 6 * 2 + 2);
  for (const l of letters) {
    const cp = l.codePointAt(0)!;
    assert.equal([...l].length, 1, `${l} is one code point in NFC`);
    assert.ok(REPERTOIRE.includes(cp), `${l} is in the repertoire`);
    const gid = font.gidOf.get(cp);
    assert.ok(gid && gid !== font.question, `${l} has a glyph`);
  }
  const s = 'Nguyễn Thị Ngọc Ánh — Ủy ban';
  assert.equal(encodeLine(font, s.normalize('NFD')), encodeLine(font, s));
  assert.equal(encodeLine(font, '中'), `<${font.question.toString(16).padStart(4, '0')}>`);
  assert.equal(await fontFor(['Hà Nội', 'ĐẮK LẮK']), font, 'text within the repertoire shares one font');
});

describe('findSignatures and object streams', () => {
  const sigDict = '<< /Type /Sig /Filter /Adobe.PPKLite /ByteRange [0 10 20 30] /Contents <3000> /M (D:20261123153000+07\'00\') >>';
  const make = (parent: string) => classicPdf([
    '<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [5 0 R] >>', null, null, sigDict,
    objectStream([[4, parent], [5, '<< /Type /Annot /Subtype /Widget /FT /Sig /T (Con) /Parent 4 0 R /V 6 0 R /Rect [0 0 0 0] >>'], [8, '<< /Other [1 2 3] >>']]),
  ]);

  test('a signature field kept in an object stream, its parent there too (read only when asked)', () => {
    const [found, ...rest] = findSignatures(make('<< /T (Cha) /Kids [5 0 R] >>'));
    assert.equal(rest.length, 0);
    assert.equal(found?.fieldName, 'Cha.Con');
    assert.equal(found?.signingTime?.toISOString(), '2026-11-23T08:30:00.000Z');
    assert.equal(found?.wellFormed, false, 'its byte range does not frame /Contents');
  });

  test('a damaged parent leaves the field its own name, and nothing throws', () => {
    assert.equal(findSignatures(make('<< /T (Cha) /Kids [5 0 R'))[0]?.fieldName, 'Con');
    assert.equal(findSignatures(make('(not a dict)'))[0]?.fieldName, 'Con');
  });
});
