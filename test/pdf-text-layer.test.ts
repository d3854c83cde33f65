// The text layer with positions (src/modules/signing/pdf/text-layer.ts) on real Decree 30-layout
// PDFs (test/helpers/decree30.ts): the "Số:" and date lines beside each other on one baseline are
// two lines, their blanks are where the generator left them, the signature block's position and
// name lines are found; a scan, garbage or a truncated file gives a TextLayerError or no lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import {
  TextLayerError, findDateLine, findLine, findNumberLine, groupLines, isNameLine, isUppercaseLine, textLines, warmTextLayer,
} from '../src/modules/signing/pdf/text-layer.js';
import { decree30Pdf } from './helpers/decree30.js';

const near = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} is not within ${tol} of ${b}`);

test('a quyết định: "Số:" and the date line are separate lines on one baseline, with their blanks located', async () => {
  const d = await decree30Pdf();
  const lines = await textLines(d.pdf);
  const texts = lines.map((l) => l.text);
  assert.ok(texts.includes('Số: /QĐ-UBND'), texts.slice(0, 8).join(' | '));
  assert.ok(texts.includes('Sơn Hà, ngày tháng năm 2026'));
  const n = findNumberLine(lines)!;
  assert.equal(n.suffix, '/QĐ-UBND');
  assert.equal(n.number, null);
  near(n.line.x, d.numberLine!.x, 0.5, 'number line x');
  near(n.line.y, d.numberLine!.y, 0.5, 'number line baseline');
  assert.equal(n.line.fontSize, 13);
  // The blank lies between the end of "Số:" and the suffix, and is wide enough for "01".
  assert.ok(n.labelEnd > n.line.x && n.suffixStart - n.labelEnd > 18, `${n.labelEnd} .. ${n.suffixStart}`);

  const dl = findDateLine(lines)!;
  assert.equal(dl.place, 'Sơn Hà');
  assert.equal(dl.year.value, '2026');
  assert.equal(dl.day.value, '');
  assert.equal(dl.month.value, '');
  near(dl.line.x, d.dateLine!.x, 0.5, 'date line x');
  assert.ok(dl.ngayStart > dl.line.x + 40 && dl.day.x1 - dl.day.x0 > 18 && dl.month.x1 - dl.month.x0 > 18, JSON.stringify({ ...dl, line: null }));
  assert.ok(dl.day.x0 < dl.day.x1 && dl.day.x1 < dl.month.x0 && dl.month.x1 < dl.year.x0);
});

test('a công văn without a place and without a year; pages chosen and capped; signature block on the last page', async () => {
  const d = await decree30Pdf({ type: 'CV', place: null, year: '', pages: 3 });
  const first = await textLines(d.pdf, { pages: [0] });
  assert.ok(first.every((l) => l.page === 0));
  assert.equal(findNumberLine(first)!.suffix, '/UBND-VP');
  const dl = findDateLine(first)!;
  assert.equal(dl.place, '');
  assert.equal(dl.year.value, '');
  assert.ok(findLine(first, /^V\/v /));

  assert.deepEqual([...new Set((await textLines(d.pdf, { maxPages: 2 })).map((l) => l.page))], [0, 1]);
  const last = await textLines(d.pdf, { pages: [-1] });
  assert.ok(last.every((l) => l.page === 2));
  const position = findLine(last, /^CHỦ TỊCH$/)!;
  near(position.line.y, d.positionLine.y, 0.5, 'position line');
  assert.ok(isUppercaseLine(position.line.text));
  const name = findLine(last, /.*/, (l) => isNameLine(l.text) && l.y < position.line.y)!;
  assert.equal(name.line.text, 'Nguyễn Văn An');
  near(name.line.x, d.nameLine.x, 0.5, 'name line x');
  // "Nơi nhận:" bottom left is its own line, not glued to the competence line beside it.
  assert.ok(findLine(last, /^Nơi nhận:$/));
  assert.ok(findLine(last, /^TM\. ỦY BAN NHÂN DÂN$/));
});

test('the warm-up the server runs at start reads its page, and the reader serves the next file as usual', async () => {
  await warmTextLayer();
  const d = await decree30Pdf();
  const lines = await textLines(d.pdf, { pages: [0] });
  assert.equal(findNumberLine(lines)?.suffix, '/QĐ-UBND', lines.map((l) => l.text).join(' | '));
});

test('helpers: capitals and names', () => {
  assert.ok(isUppercaseLine('TM. ỦY BAN NHÂN DÂN'));
  assert.ok(!isUppercaseLine('Chủ tịch'));
  assert.ok(!isUppercaseLine('2026'));
  assert.ok(isNameLine('Nguyễn Văn An'));
  assert.ok(isNameLine('Đỗ Thị Ánh Hồng'));
  assert.ok(!isNameLine('Nơi nhận:'));
  assert.ok(!isNameLine('CHỦ TỊCH'));
});

test('grouping: items a few points off one baseline join; a wide gap splits columns; a narrow one is a space', () => {
  const it = (str: string, x: number, y: number, width: number, fontName = 'f1') => ({ str, x, y, width, height: 13, fontSize: 13, fontName });
  const lines = groupLines(0, [it('Số:', 100, 700, 21), it('/QĐ-UBND', 150, 700.5, 70), it('ngày', 300, 700, 30, 'f2'), it('tháng', 360, 699.8, 38, 'f2')], { width: 595, height: 842 });
  assert.deepEqual(lines.map((l) => l.text), ['Số: /QĐ-UBND', 'ngày tháng']);
  const spans = lines[0]!.spans;
  assert.equal(spans.length, 'Số: /QĐ-UBND'.length);
  assert.deepEqual(spans[3], [121, 150]); // the inserted space covers the gap
  assert.equal(spans[4]![0], 150);
  near(spans[spans.length - 1]![1], 220, 1e-6, 'end of the last character');
});

test('no text layer, garbage, a truncated file: no lines or a TextLayerError, never a crash or a hang', async () => {
  const blank = await PDFDocument.create();
  blank.addPage();
  assert.deepEqual(await textLines(Buffer.from(await blank.save())), []);
  await assert.rejects(textLines(Buffer.from('this is not a PDF at all')), TextLayerError);
  const d = await decree30Pdf();
  const truncated = d.pdf.subarray(0, Math.floor(d.pdf.length / 3));
  const started = Date.now();
  const got = await textLines(truncated).then((l) => l.length, (e: unknown) => e);
  assert.ok(typeof got === 'number' || got instanceof TextLayerError, String(got));
  assert.ok(Date.now() - started < 10_000);
});

test('a read that exceeds its time limit ends the worker thread; the next read starts a new one', async () => {
  const d = await decree30Pdf({ pages: 3 });
  await assert.rejects(textLines(d.pdf, { timeoutMs: 1 }), /took too long/);
  const lines = await textLines(d.pdf, { pages: [0] });
  assert.ok(findNumberLine(lines));
  // Reads queue up: several at once all answer.
  const all = await Promise.all([0, 1, 2].map((p) => textLines(d.pdf, { pages: [p] })));
  assert.deepEqual(all.map((l) => l[0]!.page), [0, 1, 2]);
});
