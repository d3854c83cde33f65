// Where the decoded bytes of one attachment go: base64 text in, file bytes out to a Writable, with
// the size limit, the SHA-256, and — when the bytes are a zip (PK\x03\x04, the national SDK's
// way) — the single file inside extracted on the fly (zlib inflateRaw) with a ratio limit.
import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import zlib from 'node:zlib';
import { crc32 } from './crc32.js';
import { edxmlError, type EdxmlError } from './types.js';

const B64_OK = /^[A-Za-z0-9+/=]*$/;
const WS = /[ \t\r\n]+/g;

/** Streaming, strict base64: only the alphabet and whitespace, padding only at the end. */
export class Base64Decoder {
  private rest = '';
  private padded = false;

  push(text: string): Buffer | null {
    let s = text.replace(WS, '');
    if (!s) return null;
    if (!B64_OK.test(s)) throw badBase64('a character outside the base64 alphabet');
    if (this.padded) throw badBase64('data after the padding');
    const eq = s.indexOf('=');
    if (eq >= 0) {
      if (!/^=*$/.test(s.slice(eq))) throw badBase64('data after the padding');
      this.padded = true;
    }
    s = this.rest + s;
    const whole = s.length - (s.length % 4);
    this.rest = s.slice(whole);
    if (whole === 0) return null;
    const quads = s.slice(0, whole);
    const p = quads.indexOf('=');
    if (p >= 0 && (p < whole - 2 || this.rest.length > 0)) throw badBase64('misplaced padding');
    return Buffer.from(quads, 'base64');
  }

  end(): void {
    if (this.rest.length) throw badBase64('the length is not a multiple of 4');
  }
}

const badBase64 = (why: string) =>
  edxmlError('bad_base64', `Nội dung tệp đính kèm không phải base64 (${why})`, `Attachment content is not base64 (${why})`);
const badZip = (why: string) => edxmlError('bad_zip', `Tệp nén đính kèm không đọc được: ${why}`, `Unreadable zip attachment: ${why}`);
const tooLarge = (limit: number) =>
  edxmlError('too_large', `Tệp đính kèm vượt quá ${limit} byte`, `Attachment larger than ${limit} bytes`);
const zipBomb = () =>
  edxmlError('zip_bomb', 'Tệp nén đính kèm có tỷ lệ nén bất thường (bom nén)', 'Zip attachment with an abnormal compression ratio (zip bomb)');

export interface SinkLimits {
  maxAttachmentBytes: number;
  /** Uncompressed / compressed above this (after the first MiB) is a zip bomb. */
  maxRatio: number;
  /** Extract a zip (true) or hand the zip itself (false). */
  unzip: boolean;
  /** AttachmentName, when known: tells a wrapper zip from an attachment that is itself a zip. */
  name?: string;
}

/** First entries of files that are zips themselves (OOXML, ODF, EPUB, JAR …): never a wrapper. */
const PACKAGE_PART = /^(\[Content_Types\]\.xml|mimetype|_rels\/|docProps\/|word\/|xl\/|ppt\/|META-INF\/|customXml\/)/i;

/**
 * Is a zip whose first entry is `entry` the national SDK's wrapper around one file (extract it),
 * or the attachment itself (a .docx, .odt, a .zip sent as such: hand it as it is)? A wrapper's
 * first entry is a plain file; when the attachment is named *.zip, the entry must bear that name.
 */
export function isWrapperZip(entry: string, attachmentName: string | undefined): boolean {
  if (entry.endsWith('/') || PACKAGE_PART.test(entry)) return false;
  if (attachmentName && /\.zip$/i.test(attachmentName)) {
    const base = (n: string) => n.split(/[\\/]/).pop()!.normalize('NFC').toLowerCase();
    return base(entry) === base(attachmentName);
  }
  return true;
}

const ZIP_SIG = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const TAIL_KEEP = 128 * 1024;

export interface SinkResult {
  size: number;
  sha256: string;
  zipped: boolean;
  /** Name of the file in the zip. */
  zipEntryName?: string;
}

export class AttachmentSink {
  private readonly b64 = new Base64Decoder();
  private head: Buffer[] = [];
  private headLen = 0;
  private mode: 'undecided' | 'plain' | 'zip-header' | 'zip-data' | 'zip-after' = 'undecided';
  private size = 0;
  private readonly hash = createHash('sha256');
  private crc = 0;
  private error: EdxmlError | Error | null = null;
  private inflater: zlib.InflateRaw | null = null;
  private zipInfo: { flags: number; method: number; crc: number; csize: number; name: string } | null = null;
  private compressedFed = 0;
  private storedLeft = 0;
  private tail: Buffer[] = [];
  private tailLen = 0;
  private inflateEnded: Promise<void> | null = null;

  constructor(private readonly out: Writable, private readonly limits: SinkLimits) {
    out.on('error', (e) => { this.error ??= e; });
  }

  /** Base64 text of ContentTransferEncoded. Throws EdxmlError. */
  text(t: string): void {
    if (this.error) throw this.error;
    const bytes = this.b64.push(t);
    if (bytes) this.bytes(bytes);
  }

  private bytes(b: Buffer): void {
    switch (this.mode) {
      case 'undecided': {
        this.head.push(b);
        this.headLen += b.length;
        if (this.headLen < 4) return;
        const all = Buffer.concat(this.head);
        this.head = [];
        this.headLen = 0;
        if (this.limits.unzip && all.subarray(0, 4).equals(ZIP_SIG)) {
          this.mode = 'zip-header';
          this.bytes(all);
        } else {
          this.mode = 'plain';
          this.emit(all);
        }
        return;
      }
      case 'plain':
        return this.emit(b);
      case 'zip-header': {
        this.head.push(b);
        this.headLen += b.length;
        const all = Buffer.concat(this.head);
        this.head = [all];
        if (all.length < 30) return;
        const nlen = all.readUInt16LE(26);
        const xlen = all.readUInt16LE(28);
        if (all.length < 30 + nlen + xlen) {
          if (all.length > 30 + 0xffff * 2) throw badZip('local header too long');
          return;
        }
        const flags = all.readUInt16LE(6);
        const method = all.readUInt16LE(8);
        const name = all.subarray(30, 30 + nlen).toString(flags & 0x800 ? 'utf8' : 'latin1');
        this.head = [];
        this.headLen = 0;
        if (!isWrapperZip(name, this.limits.name)) {
          // The attachment is itself a zip-based file: its bytes, as they are.
          this.mode = 'plain';
          this.emit(all);
          return;
        }
        const csize = all.readUInt32LE(18);
        if (flags & 0x01) throw badZip('encrypted entry');
        if (method !== 0 && method !== 8) throw badZip(`compression method ${method} not supported`);
        this.zipInfo = { flags, method, crc: all.readUInt32LE(14), csize, name };
        if (method === 0) {
          if (flags & 0x08) throw badZip('stored entry without sizes');
          this.storedLeft = csize;
        } else {
          this.inflater = zlib.createInflateRaw();
          this.inflater.on('data', (d: Buffer) => this.inflated(d));
          this.inflater.on('error', (e) => { this.error ??= badZip(e.message); });
          this.inflateEnded = new Promise((resolve) => {
            this.inflater!.once('end', resolve);
            this.inflater!.once('error', () => resolve());
            this.inflater!.once('close', resolve);
          });
        }
        this.mode = 'zip-data';
        const rest = all.subarray(30 + nlen + xlen);
        if (rest.length) this.bytes(rest);
        return;
      }
      case 'zip-data': {
        const z = this.zipInfo!;
        if (z.method === 0) {
          const take = Math.min(this.storedLeft, b.length);
          this.storedLeft -= take;
          this.emit(b.subarray(0, take));
          if (this.storedLeft === 0) this.mode = 'zip-after';
          if (take < b.length) this.keepTail(b.subarray(take));
          return;
        }
        this.compressedFed += b.length;
        if (!(z.flags & 0x08)) {
          // Sizes known: feed exactly csize bytes.
          const before = this.compressedFed - b.length;
          const take = Math.max(0, Math.min(b.length, z.csize - before));
          if (take > 0) this.inflater!.write(b.subarray(0, take));
          if (take < b.length) this.keepTail(b.subarray(take));
        } else {
          this.inflater!.write(b);
          this.keepTail(b);
        }
        return;
      }
      case 'zip-after':
        this.keepTail(b);
    }
  }

  private keepTail(b: Buffer): void {
    this.tail.push(b); // decoded buffers are fresh, never reused: no copy
    this.tailLen += b.length;
    while (this.tail.length > 1 && this.tailLen - this.tail[0]!.length >= TAIL_KEEP) this.tailLen -= this.tail.shift()!.length;
  }

  private inflated(d: Buffer): void {
    if (this.error) return;
    if (this.size + d.length > this.limits.maxAttachmentBytes) {
      this.error = this.size + d.length > this.limits.maxRatio * Math.max(this.compressedFed, 1) ? zipBomb() : tooLarge(this.limits.maxAttachmentBytes);
      this.inflater!.destroy();
      return;
    }
    if (this.size + d.length > 1024 * 1024 && this.size + d.length > this.limits.maxRatio * Math.max(this.compressedFed, 1)) {
      this.error = zipBomb();
      this.inflater!.destroy();
      return;
    }
    try {
      this.emit(d);
    } catch (e) {
      this.error = e as Error;
      this.inflater!.destroy();
      return;
    }
    if (this.out.writableNeedDrain) {
      this.inflater!.pause();
      this.out.once('drain', () => this.inflater?.resume());
    }
  }

  private emit(b: Buffer): void {
    if (b.length === 0) return;
    this.size += b.length;
    if (this.size > this.limits.maxAttachmentBytes) throw tooLarge(this.limits.maxAttachmentBytes);
    this.hash.update(b);
    if (this.zipInfo) this.crc = crc32(b, this.crc);
    this.out.write(b);
  }

  /** Resolves when more bytes may be written (backpressure); rejects with the first error. */
  async ready(): Promise<void> {
    for (;;) {
      if (this.error) throw this.error;
      const w = this.inflater && this.inflater.writableNeedDrain ? this.inflater : this.out.writableNeedDrain ? this.out : null;
      if (!w) return;
      if (w.destroyed || this.out.destroyed) throw this.error ?? new Error('attachment stream closed');
      await new Promise<void>((resolve) => {
        const done = () => {
          w.off('drain', done); w.off('error', done); w.off('close', done);
          resolve();
        };
        w.once('drain', done); w.once('error', done); w.once('close', done);
      });
    }
  }

  /** After the last text: flush, check the zip's end and CRC. Does not end `out`. */
  async finish(): Promise<SinkResult> {
    if (this.error) throw this.error;
    this.b64.end();
    if (this.mode === 'undecided') {
      const all = Buffer.concat(this.head);
      this.mode = 'plain';
      this.emit(all);
    }
    if (this.mode === 'zip-header') throw badZip('truncated local header');
    if (this.inflater) {
      this.inflater.end();
      await this.inflateEnded;
      if (this.error) throw this.error;
      if (!this.inflater.readableEnded) throw badZip('the compressed data is truncated');
      const z = this.zipInfo!;
      let trailing: Buffer;
      if (z.flags & 0x08) {
        const tail = Buffer.concat(this.tail);
        const extra = this.compressedFed - this.inflater.bytesWritten;
        if (extra > tail.length) throw badZip('data after the file');
        trailing = tail.subarray(tail.length - extra);
      } else {
        if (this.compressedFed < z.csize) throw badZip('the compressed data is truncated');
        trailing = Buffer.concat(this.tail);
      }
      this.checkAfter(trailing, z);
    } else if (this.zipInfo) {
      if (this.storedLeft > 0) throw badZip('the stored data is truncated');
      this.checkAfter(Buffer.concat(this.tail), this.zipInfo);
    }
    await this.ready();
    return {
      size: this.size,
      sha256: this.hash.digest('hex'),
      zipped: this.zipInfo !== null,
      ...(this.zipInfo ? { zipEntryName: this.zipInfo.name } : {}),
    };
  }

  private checkAfter(trailing: Buffer, z: { flags: number; crc: number }): void {
    let p = 0;
    let expected = z.crc;
    if (z.flags & 0x08) {
      if (trailing.length >= 4 && trailing.readUInt32LE(0) === 0x08074b50) p = 4;
      if (trailing.length < p + 4) throw badZip('missing data descriptor');
      expected = trailing.readUInt32LE(p);
      // csize/usize: 4+4, or 8+8 in Zip64; find the next signature either way.
      const after = [p + 12, p + 20].find((q) => q === trailing.length || (trailing.length >= q + 4 && trailing[q] === 0x50 && trailing[q + 1] === 0x4b));
      p = after ?? p + 12;
    }
    if ((this.crc >>> 0) !== (expected >>> 0)) throw badZip('CRC-32 mismatch');
    if (trailing.length >= p + 4) {
      const sig = trailing.readUInt32LE(p);
      if (sig === 0x04034b50) throw badZip('more than one file in the zip');
      if (sig !== 0x02014b50 && sig !== 0x06054b50 && sig !== 0x06064b50) throw badZip('unexpected data after the file');
    }
  }

  /** Stop: an error elsewhere. */
  abort(): void {
    this.inflater?.destroy();
  }
}
