// Serialises the objects of one incremental update plus its cross-reference section and
// trailer (ISO 32000-1 7.5.6). The xref is written in the same kind as the file's last one:
// a classic table after an xref stream would make a hybrid file that some readers mishandle.
import { PDFObject } from 'pdf-lib';

export interface UpdateObject {
  num: number;
  gen: number;
  body: Buffer; // what goes between "N G obj\n" and "\nendobj"
}

export interface UpdateSpec {
  /** Length of the file being appended to (offsets in the update are absolute). */
  baseLength: number;
  /** Whether the file already ends in an end-of-line (else one is written first). */
  endsWithEol: boolean;
  objects: UpdateObject[];
  kind: 'table' | 'stream';
  /** Highest object number in use + 1, counting the new objects (not the xref stream). */
  size: number;
  /** Trailer entries copied from the previous revision, already serialised (e.g. Root: "1 0 R"). */
  trailer: Record<string, string>;
  /** Offset of the previous cross-reference section (its startxref). */
  prev: number;
}

/** Object bytes we serialised ourselves, kept inside pdf-lib's context (written as they are). */
export class RawObject extends PDFObject {
  constructor(readonly bytes: Buffer) {
    super();
  }
  override clone(): PDFObject {
    return this;
  }
  override toString(): string {
    return this.bytes.toString('latin1');
  }
  override sizeInBytes(): number {
    return this.bytes.length;
  }
  override copyBytesInto(buffer: Uint8Array, offset: number): number {
    buffer.set(this.bytes, offset);
    return this.bytes.length;
  }
}

/** The bytes of a pdf-lib object, written the way PDFWriter does. */
export function objectBytes(obj: PDFObject): Buffer {
  if (obj instanceof RawObject) return obj.bytes;
  const buf = Buffer.alloc(obj.sizeInBytes());
  obj.copyBytesInto(buf, 0);
  return buf;
}

/**
 * The bytes to append, and where each object's body starts in the final file (so the caller
 * can find the /Contents placeholder and /ByteRange it must patch).
 */
export function writeUpdate(spec: UpdateSpec): { tail: Buffer; bodyOffsets: Map<number, number> } {
  const parts: Buffer[] = [];
  let length = spec.baseLength;
  const push = (b: Buffer | string) => {
    const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
    parts.push(buf);
    length += buf.length;
  };
  if (!spec.endsWithEol) push('\n');

  const entries = new Map<number, { offset: number; gen: number }>();
  const bodyOffsets = new Map<number, number>();
  for (const o of spec.objects) {
    if (entries.has(o.num)) throw new Error(`object ${o.num} written twice in one update`);
    entries.set(o.num, { offset: length, gen: o.gen });
    push(`${o.num} ${o.gen} obj\n`);
    bodyOffsets.set(o.num, length);
    push(o.body);
    push('\nendobj\n');
  }

  const xrefOffset = length;
  const trailerEntries = Object.entries(spec.trailer).map(([k, v]) => `/${k} ${v}`);
  if (spec.kind === 'table') {
    let table = 'xref\n';
    for (const [start, nums] of runs([...entries.keys()])) {
      table += `${start} ${nums.length}\n`;
      for (const n of nums) {
        const e = entries.get(n)!;
        // Each entry is exactly 20 bytes: 10-digit offset, 5-digit generation, "n", CR LF.
        table += `${String(e.offset).padStart(10, '0')} ${String(e.gen).padStart(5, '0')} n\r\n`;
      }
    }
    const dict = [`/Size ${spec.size}`, ...trailerEntries, `/Prev ${spec.prev}`].join(' ');
    push(`${table}trailer\n<< ${dict} >>\nstartxref\n${xrefOffset}\n%%EOF\n`);
  } else {
    // The xref stream is itself an object (the next free number) and lists itself too.
    const selfNum = spec.size;
    entries.set(selfNum, { offset: xrefOffset, gen: 0 });
    const offW = Math.max(4, Math.ceil(Math.log2(xrefOffset + 1) / 8));
    const w = [1, offW, 2];
    const index: number[] = [];
    const rows: Buffer[] = [];
    for (const [start, nums] of runs([...entries.keys()])) {
      index.push(start, nums.length);
      for (const n of nums) {
        const e = entries.get(n)!;
        const row = Buffer.alloc(1 + offW + 2);
        row[0] = 1; // type 1: uncompressed object at a byte offset
        row.writeUIntBE(e.offset, 1, offW);
        row.writeUInt16BE(e.gen, 1 + offW);
        rows.push(row);
      }
    }
    const data = Buffer.concat(rows);
    const dict = [
      '/Type /XRef',
      `/Size ${selfNum + 1}`,
      `/W [${w.join(' ')}]`,
      `/Index [${index.join(' ')}]`,
      ...trailerEntries,
      `/Prev ${spec.prev}`,
      `/Length ${data.length}`,
    ].join(' ');
    push(`${selfNum} 0 obj\n<< ${dict} >>\nstream\n`);
    push(data);
    push(`\nendstream\nendobj\nstartxref\n${xrefOffset}\n%%EOF\n`);
  }
  return { tail: Buffer.concat(parts), bodyOffsets };
}

/** Sorted object numbers grouped into runs of consecutive numbers (xref subsections). */
function runs(nums: number[]): Array<[number, number[]]> {
  const sorted = [...nums].sort((a, b) => a - b);
  const out: Array<[number, number[]]> = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && last[0] + last[1].length === n) last[1].push(n);
    else out.push([n, [n]]);
  }
  return out;
}
