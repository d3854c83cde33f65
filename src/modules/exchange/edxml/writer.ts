// Writing packages. A document package is a stream: the header (signed when a seal key is given)
// and the manifest first, then each attachment read from its own stream and base64-encoded on the
// fly (optionally zipped first with zlib, as the national axis SDK sends them), so no file is ever held
// whole. A status package is small and returned as a Buffer.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { crc32 } from './crc32.js';
import { parseEdxmlDate, parseEdxmlTime } from './convert.js';
import { newHeaderId, type SealKey, signHeaderXml } from './signature.js';
import {
  type AttachmentSource, type DocumentHeader, EDXML_NS, edxmlError, type Organ, type ResponseFor, STATUS_CODES,
  type StatusHeader, type TraceHeader,
} from './types.js';

export interface WriteOptions {
  /** Sign edXMLHeader with this seal key (XML-DSig, RSA-SHA256, exclusive C14N). */
  seal?: SealKey;
  /** Write each attachment as the base64 of a zip holding the file (the national SDK's shape). */
  zipAttachments?: boolean;
}

// XML 1.0 Char, minus what we refuse: C0 controls other than tab/LF/CR, U+FFFE/U+FFFF, lone surrogates.
const BAD_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function esc(v: string, where: string): string {
  if (BAD_CHAR.test(v)) {
    throw edxmlError('bad_value', `Ký tự điều khiển không được phép trong ${where}`, `A control character is not allowed in ${where}`);
  }
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

/** `<Name>value</Name>`, or nothing when the value is absent. */
function el(name: string, v: string | number | undefined | null): string {
  if (v === undefined || v === null || v === '') return '';
  return `<${name}>${esc(String(v), name)}</${name}>`;
}
const group = (name: string, inner: string) => (inner ? `<${name}>${inner}</${name}>` : '');

function need(v: string | undefined, path: string): string {
  if (v === undefined || v.trim() === '') {
    throw edxmlError('missing_element', `Thiếu giá trị bắt buộc ${path}`, `Required value ${path} is missing`);
  }
  return v;
}
function date(v: string | undefined, path: string): string | undefined {
  if (v !== undefined) try { parseEdxmlDate(v); } catch { throw edxmlError('bad_value', `${path} không đúng dạng yyyy/MM/dd: ${v}`, `${path} not in yyyy/MM/dd form: ${v}`); }
  return v;
}
function time(v: string | undefined, path: string): string | undefined {
  if (v !== undefined) try { parseEdxmlTime(v); } catch { throw edxmlError('bad_value', `${path} không đúng dạng yyyy/MM/dd HH:mm:ss: ${v}`, `${path} not in yyyy/MM/dd HH:mm:ss form: ${v}`); }
  return v;
}
function int(v: number | undefined, path: string, max = 999_999_999): number | undefined {
  if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > max)) throw edxmlError('bad_value', `Giá trị không hợp lệ ở ${path}: ${v}`, `Invalid value in ${path}: ${v}`);
  return v;
}

function organ(name: string, o: Organ): string {
  return `<${name}>${el('OrganId', need(o.organId, `${name}/OrganId`))}${el('OrganizationInCharge', o.organizationInCharge)}${el('OrganName', o.organName)}${el('OrganAdd', o.organAdd)}${el('Email', o.email)}${el('Telephone', o.telephone)}${el('Website', o.website)}</${name}>`;
}

function responseFor(r: ResponseFor | undefined): string {
  if (!r) return '';
  return group('ResponseFor', `${el('OrganId', r.organId)}${el('Code', r.code)}${el('PromulgationDate', date(r.promulgationDate, 'ResponseFor/PromulgationDate'))}${el('DocumentId', r.documentId)}`);
}

function traceList(traces: TraceHeader[] | undefined, b: DocumentHeader['bussiness']): string {
  const t = (traces ?? []).map((x) => `<TraceHeader>${el('OrganId', need(x.organId, 'TraceHeader/OrganId'))}${el('Timestamp', time(need(x.timestamp, 'TraceHeader/Timestamp'), 'TraceHeader/Timestamp'))}</TraceHeader>`).join('');
  const bus = b
    ? group('Bussiness', `${el('BussinessDocType', int(b.bussinessDocType, 'Bussiness/BussinessDocType', 3))}${el('BussinessDocReason', b.bussinessDocReason)}${el('Paper', b.paper)}`)
    : '';
  return group('TraceHeaderList', t + bus);
}

/** The MessageHeader and TraceHeaderList of a document. Throws EdxmlError. */
function documentHeaderXml(h: DocumentHeader): string {
  if (!h.to?.length) throw edxmlError('missing_element', 'Thiếu nơi nhận (To)', 'No recipient (To)');
  const c = h.code;
  const pi = h.promulgationInfo;
  const dt = h.documentType;
  const si = h.signerInfo;
  const oi = h.otherInfo;
  const mh = [
    organ('From', h.from),
    ...h.to.map((t) => organ('To', t)),
    el('DocumentId', need(h.documentId, 'DocumentId')),
    c ? group('Code', `${el('CodeNumber', c.codeNumber)}${el('CodeNotation', c.codeNotation)}`) : '',
    pi ? group('PromulgationInfo', `${el('Place', pi.place)}${el('PromulgationDate', date(pi.promulgationDate, 'PromulgationInfo/PromulgationDate'))}`) : '',
    dt ? group('DocumentType', `${el('Type', dt.type)}${el('TypeDetail', dt.typeDetail)}${el('TypeName', dt.typeName)}`) : '',
    el('Subject', h.subject),
    el('Content', h.content),
    si ? group('SignerInfo', `${el('Competence', si.competence)}${el('Position', si.position)}${el('FullName', si.fullName)}`) : '',
    el('DueDate', date(h.dueDate, 'DueDate')),
    h.toPlaces ? group('ToPlaces', h.toPlaces.map((p) => el('Place', p)).join('')) : '',
    oi
      ? group('OtherInfo', `${el('Priority', int(oi.priority, 'OtherInfo/Priority', 4))}${el('SphereOfPromulgation', oi.sphereOfPromulgation)}${el('TyperNotation', oi.typerNotation)}${el('PromulgationAmount', int(oi.promulgationAmount, 'OtherInfo/PromulgationAmount'))}${el('PageAmount', int(oi.pageAmount, 'OtherInfo/PageAmount'))}`)
      : '',
    el('SteeringType', h.steeringType),
    responseFor(h.responseFor),
  ].join('');
  return `<MessageHeader>${mh}</MessageHeader>${traceList(h.traceHeaders, h.bussiness)}`;
}

function statusHeaderXml(h: StatusHeader): string {
  if (!(STATUS_CODES as readonly string[]).includes(h.statusCode)) {
    throw edxmlError('bad_value', `Mã trạng thái không hợp lệ: ${h.statusCode}`, `Invalid StatusCode: ${h.statusCode}`);
  }
  need(h.responseFor?.documentId, 'ResponseFor/DocumentId');
  const s = h.staffInfo;
  const mh = [
    responseFor(h.responseFor),
    organ('From', h.from),
    s ? group('StaffInfo', `${el('Department', s.department)}${el('Staff', s.staff)}${el('Mobile', s.mobile)}${el('Email', s.email)}`) : '',
    el('StatusCode', h.statusCode),
    el('Description', h.description),
    el('Timestamp', time(need(h.timestamp, 'Timestamp'), 'Timestamp')),
  ].join('');
  return `<MessageHeader>${mh}</MessageHeader>${traceList(h.traceHeaders, undefined)}`;
}

/** A standalone edXMLHeader (namespace declared on it), signed when a seal is given. */
function headerXml(inner: string, seal: SealKey | undefined): string {
  if (!seal) return `<edXMLHeader xmlns="${EDXML_NS}">${inner}</edXMLHeader>`;
  return signHeaderXml(`<edXMLHeader xmlns="${EDXML_NS}" Id="${newHeaderId()}">${inner}</edXMLHeader>`, seal);
}

const open = (header: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<edXML xmlns="${EDXML_NS}"><edXMLEnvelope>${header}`;

/** Status package (answers a document; no attachments). Throws EdxmlError. */
export function writeStatusPackage(header: StatusHeader, opts: Pick<WriteOptions, 'seal'> = {}): Buffer {
  const h = headerXml(statusHeaderXml(header), opts.seal);
  return Buffer.from(`${open(h)}<edXMLBody><edXMLManifest/></edXMLBody></edXMLEnvelope></edXML>\n`, 'utf8');
}

/** Base64 of a byte stream, chunk by chunk (a remainder of < 3 bytes carried). */
class Base64Encoder {
  private carry = Buffer.alloc(0);
  push(b: Uint8Array): Buffer {
    const all = this.carry.length ? Buffer.concat([this.carry, b]) : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    const whole = all.length - (all.length % 3);
    this.carry = Buffer.from(all.subarray(whole));
    return Buffer.from(all.subarray(0, whole).toString('base64'), 'latin1');
  }
  end(): Buffer {
    const out = Buffer.from(this.carry.toString('base64'), 'latin1');
    this.carry = Buffer.alloc(0);
    return out;
  }
}

const toU8 = (c: unknown): Uint8Array => {
  if (typeof c === 'string') return Buffer.from(c);
  if (c instanceof Uint8Array) return c;
  throw edxmlError('bad_value', 'Luồng tệp đính kèm không phải byte', 'An attachment stream does not yield bytes');
};

/** MS-DOS time and date of `d` (local fields of Vietnam time, as a Vietnamese unzip shows them). */
function dosTime(d: Date): { time: number; date: number } {
  const v = new Date(d.getTime() + 7 * 3600_000);
  return {
    time: (v.getUTCHours() << 11) | (v.getUTCMinutes() << 5) | (v.getUTCSeconds() >> 1),
    date: ((Math.max(v.getUTCFullYear(), 1980) - 1980) << 9) | ((v.getUTCMonth() + 1) << 5) | v.getUTCDate(),
  };
}

/**
 * A zip holding one file, streamed: local header (sizes in the data descriptor, UTF-8 name), the
 * file deflated by zlib as it is read, data descriptor, central directory. No Zip64: a file over
 * 4 GiB is refused (attachments are far smaller).
 */
async function* zipOf(name: string, src: AsyncIterable<unknown>): AsyncGenerator<Uint8Array> {
  const nameBuf = Buffer.from(name, 'utf8');
  const { time, date } = dosTime(new Date());
  const FLAGS = 0x0808; // data descriptor, UTF-8 name
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(FLAGS, 6);
  local.writeUInt16LE(8, 8);
  local.writeUInt16LE(time, 10);
  local.writeUInt16LE(date, 12);
  local.writeUInt16LE(nameBuf.length, 26);
  yield Buffer.concat([local, nameBuf]);

  let crc = 0;
  let usize = 0;
  let csize = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const c of src) {
      const u = toU8(c);
      crc = crc32(u, crc);
      usize += u.length;
      if (usize > 0xffffffff) throw edxmlError('too_large', 'Tệp đính kèm quá 4 GiB', 'Attachment over 4 GiB');
      yield u;
    }
  }
  const deflate = zlib.createDeflateRaw({ level: 6 });
  const done = pipeline(Readable.from(counted()), deflate).catch(() => {}); // a failure surfaces through `deflate`
  for await (const c of deflate) {
    csize += (c as Buffer).length;
    yield c as Buffer;
  }
  await done;

  const dd = Buffer.alloc(16);
  dd.writeUInt32LE(0x08074b50, 0);
  dd.writeUInt32LE(crc >>> 0, 4);
  dd.writeUInt32LE(csize, 8);
  dd.writeUInt32LE(usize, 12);
  const cd = Buffer.alloc(46);
  cd.writeUInt32LE(0x02014b50, 0);
  cd.writeUInt16LE(20, 4);
  cd.writeUInt16LE(20, 6);
  cd.writeUInt16LE(FLAGS, 8);
  cd.writeUInt16LE(8, 10);
  cd.writeUInt16LE(time, 12);
  cd.writeUInt16LE(date, 14);
  cd.writeUInt32LE(crc >>> 0, 16);
  cd.writeUInt32LE(csize, 20);
  cd.writeUInt32LE(usize, 24);
  cd.writeUInt16LE(nameBuf.length, 28);
  // extra, comment, disk, internal and external attributes, local header offset: all 0
  const cdOffset = 30 + nameBuf.length + csize + dd.length;
  if (cdOffset > 0xffffffff) throw edxmlError('too_large', 'Tệp đính kèm quá 4 GiB', 'Attachment over 4 GiB');
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(cd.length + nameBuf.length, 12);
  eocd.writeUInt32LE(cdOffset, 16);
  yield Buffer.concat([dd, cd, nameBuf, eocd]);
}

/**
 * Document package as a stream of XML bytes. The header is checked (and signed) now, so a bad
 * header throws EdxmlError here; an attachment that fails to open or read errors the stream.
 */
export function writeDocumentPackage(header: DocumentHeader, attachments: AttachmentSource[], opts: WriteOptions = {}): Readable {
  const ids = new Set<string>();
  const refs = attachments
    .map((a) => {
      need(a.contentId, 'Attachment/ContentId');
      if (ids.has(a.contentId)) throw edxmlError('bad_value', `ContentId trùng: ${a.contentId}`, `Duplicate ContentId: ${a.contentId}`);
      ids.add(a.contentId);
      return `<Reference>${el('ContentId', a.contentId)}${el('AttachmentName', need(a.name, 'AttachmentName'))}${el('ContentType', need(a.contentType, 'ContentType'))}${el('Description', a.description)}</Reference>`;
    })
    .join('');
  const head = `${open(headerXml(documentHeaderXml(header), opts.seal))}<edXMLBody>${group('edXMLManifest', refs) || '<edXMLManifest/>'}</edXMLBody></edXMLEnvelope>`;
  const zipped = opts.zipAttachments ?? false;

  async function* gen(): AsyncGenerator<Buffer> {
    yield Buffer.from(head, 'utf8');
    if (attachments.length) {
      yield Buffer.from('<AttachmentEncoded>');
      for (const a of attachments) {
        yield Buffer.from(
          `<Attachment>${el('ContentId', a.contentId)}${el('AttachmentName', a.name)}${el('ContentType', a.contentType)}${el('Description', a.description)}<ContentTransferEncoded>`,
          'utf8',
        );
        const enc = new Base64Encoder();
        const src = a.open() as AsyncIterable<unknown>;
        const bytes: AsyncIterable<unknown> = zipped ? zipOf(a.name, src) : src;
        for await (const c of bytes) {
          // At most 48 KiB at a time: small buffers keep the memory flat whatever the source's chunks.
          const u = toU8(c);
          for (let i = 0; i < u.length; i += 49152) {
            const b = enc.push(u.subarray(i, i + 49152));
            if (b.length) yield b;
          }
        }
        yield Buffer.concat([enc.end(), Buffer.from('</ContentTransferEncoded></Attachment>')]);
      }
      yield Buffer.from('</AttachmentEncoded>');
    }
    yield Buffer.from('</edXML>\n');
  }
  return Readable.from(gen(), { objectMode: false, highWaterMark: 64 * 1024 });
}
