// Hand-built PDFs for reader tests: exact control over xref tables, incremental updates, object
// streams and xref streams (pdf-lib always writes one flat revision of its own kind).
import zlib from 'node:zlib';

export type Body = string | Buffer;
const bytes = (b: Body) => (typeof b === 'string' ? Buffer.from(b, 'latin1') : b);
const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** "N 0 obj … endobj" objects appended to `parts` at the running `offset`; returns their offsets. */
function writeObjects(parts: Buffer[], start: number, objs: Array<[number, Body]>): Map<number, number> {
  const offsets = new Map<number, number>();
  let at = start;
  for (const [num, body] of objs) {
    const b = Buffer.concat([Buffer.from(`${num} 0 obj\n`), bytes(body), Buffer.from('\nendobj\n')]);
    offsets.set(num, at);
    parts.push(b);
    at += b.length;
  }
  return offsets;
}

/** An xref table for `entries` (num -> offset, or null = free with generation 65535). */
function table(entries: Map<number, number | null>): string {
  const nums = [...entries.keys()].sort((a, b) => a - b);
  let out = 'xref\n';
  for (let i = 0; i < nums.length; ) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1) j++;
    out += `${nums[i]} ${j - i + 1}\n`;
    for (let k = i; k <= j; k++) {
      const off = entries.get(nums[k]!);
      out += off === null || off === undefined ? '0000000000 65535 f\r\n' : `${pad(off, 10)} 00000 n\r\n`;
    }
    i = j + 1;
  }
  return out;
}

/**
 * A PDF with one classic xref section; objects are numbered 1, 2, … in order. A null object
 * is "hidden" (hybrid files): no body here, a free entry in the table.
 */
export function classicPdf(objs: Array<Body | null>, trailer = '/Root 1 0 R'): Buffer {
  const parts = [Buffer.from('%PDF-1.5\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const present = objs.flatMap((b, i): Array<[number, Body]> => (b === null ? [] : [[i + 1, b]]));
  const offsets = writeObjects(parts, parts[0]!.length, present);
  const entries = new Map<number, number | null>([[0, null]]);
  for (let n = 1; n <= objs.length; n++) entries.set(n, offsets.get(n) ?? null);
  const xref = Buffer.concat(parts).length;
  parts.push(Buffer.from(`${table(entries)}trailer\n<< /Size ${objs.length + 1} ${trailer} >>\nstartxref\n${xref}\n%%EOF\n`));
  return Buffer.concat(parts);
}

/** The value of the file's last startxref. */
export function startxref(pdf: Buffer): number {
  return Number(/startxref\s+(\d+)/.exec(pdf.toString('latin1', pdf.lastIndexOf('startxref')))![1]);
}

/** An incremental update with a classic xref section (`freed` objects get free entries). */
export function appendClassic(base: Buffer, objs: Array<[number, Body]>, trailer: string, freed: number[] = []): Buffer {
  const parts = [base];
  const offsets = writeObjects(parts, base.length, objs);
  const entries = new Map<number, number | null>(offsets);
  for (const n of freed) entries.set(n, null);
  const xref = Buffer.concat(parts).length;
  parts.push(Buffer.from(`${table(entries)}trailer\n<< ${trailer} /Prev ${startxref(base)} >>\nstartxref\n${xref}\n%%EOF\n`));
  return Buffer.concat(parts);
}

/** An object stream holding `members` (uncompressed), as an object body. */
export function objectStream(members: Array<[number, string]>): Buffer {
  let head = '';
  let body = '';
  for (const [num, text] of members) {
    head += `${num} ${body.length} `;
    body += `${text}\n`;
  }
  const data = zlib.deflateSync(Buffer.from(head + body, 'latin1'));
  return Buffer.concat([Buffer.from(`<< /Type /ObjStm /N ${members.length} /First ${head.length} /Filter /FlateDecode /Length ${data.length} >>\nstream\n`), data, Buffer.from('\nendstream')]);
}

/**
 * An xref stream body with PNG "Up" prediction (as Acrobat writes them): rows of /W [1 4 2],
 * entries [type, field2, field3] for the object numbers in `index` runs.
 */
export function xrefStream(rows: Array<[number, number, number]>, index: number[], dict: string): Buffer {
  const raw: number[] = [];
  let prev = Buffer.alloc(7);
  for (const [t, f2, f3] of rows) {
    const row = Buffer.alloc(7);
    row[0] = t;
    row.writeUInt32BE(f2, 1);
    row.writeUInt16BE(f3, 5);
    raw.push(2, ...row.map((b, i) => (b - prev[i]! + 256) & 0xff));
    prev = row;
  }
  const data = zlib.deflateSync(Buffer.from(raw));
  return Buffer.concat([
    Buffer.from(`<< /Type /XRef /W [1 4 2] /Index [${index.join(' ')}] ${dict} /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 7 >> /Length ${data.length} >>\nstream\n`),
    data,
    Buffer.from('\nendstream'),
  ]);
}

/** The xref stream of `pdf` (one written by qpdf --object-streams=generate) with its /W replaced, same length. */
export function withXrefW(pdf: Buffer, w: string): Buffer {
  const s = pdf.toString('latin1');
  const m = /\/W \[[^\]]*\]/.exec(s.slice(s.lastIndexOf('/Type /XRef') - 200));
  if (!m) throw new Error('no /W in an xref stream');
  const at = s.lastIndexOf('/Type /XRef') - 200 + m.index;
  const repl = `/W [${w}]`.padEnd(m[0].length, ' ');
  if (repl.length !== m[0].length) throw new Error('the new /W is longer than the old one');
  return Buffer.from(s.slice(0, at) + repl + s.slice(at + m[0].length), 'latin1');
}

/** A page tree `depth` levels deep (each node holding the next), one page at the bottom. */
export function deepPageTree(depth: number): Buffer {
  const objs: string[] = ['<< /Type /Catalog /Pages 2 0 R >>'];
  for (let i = 0; i < depth; i++) {
    const self = i + 2;
    objs.push(`<< /Type /Pages ${i ? `/Parent ${self - 1} 0 R ` : ''}/Kids [${self + 1} 0 R] /Count 1 >>`);
  }
  objs.push(`<< /Type /Page /Parent ${depth + 1} 0 R /MediaBox [0 0 595 842] >>`);
  return classicPdf(objs);
}

/** One page whose catalog carries a DocMDP certification with /P 1 ("no changes allowed"). */
export function certifiedNoChanges(): Buffer {
  return classicPdf([
    '<< /Type /Catalog /Pages 2 0 R /Perms << /DocMDP 4 0 R >> >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
    `<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /ByteRange [0 0 0 0] /Contents <${'0'.repeat(64)}>
/Reference [ << /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P 1 /V /1.2 >> >> ] >>`,
  ]);
}
