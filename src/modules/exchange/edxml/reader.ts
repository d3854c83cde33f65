// Reading packages, streamed: `readPackage` (the whole package, attachments handed as streams to
// the caller) and `readPackageHeader` / `createHeaderTap` (only edXMLHeader, for the exchange
// axis; the rest of the bytes are counted and passed through, never parsed).
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Transform, type Readable, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { drive, Feeder, Scanner, asEdxmlError } from './scanner.js';
import { verifyHeaderXml } from './signature.js';
import { AttachmentSink } from './sink.js';
import { documentHeaderOf, type El, kids, kindOf, statusHeaderOf, txt } from './tree.js';
import {
  type AttachmentInfo, type AttachmentRead, type DocumentHeader, edxmlError, EdxmlError, type PackageHeaderInfo,
  type SignatureReport, type StatusHeader,
} from './types.js';

const MiB = 1024 * 1024;

export interface HeaderReadOptions {
  /** Largest package accepted (bytes of XML). Default 128 MiB. */
  maxBytes?: number;
  /** Largest edXMLHeader (and any other metadata element). Default 1 MiB. */
  maxHeaderBytes?: number;
  /**
   * A header whose signature does not verify: 'error' (default) throws EdxmlError bad_signature;
   * 'report' returns it with `signature.valid === false`. An unsigned header is never an error.
   */
  badSignature?: 'error' | 'report';
}

export interface ReadPackageOptions extends HeaderReadOptions {
  /** Largest attachment, after base64 and unzipping. Default 64 MiB. */
  maxAttachmentBytes?: number;
  /** Uncompressed / compressed ratio above which a zip attachment is a bomb (checked past 1 MiB). Default 100. */
  maxZipRatio?: number;
  /** Most attachments in a package. Default 100. */
  maxAttachments?: number;
  /** Extract a zip attachment's single file (default true); false hands the zip as it is. */
  unzip?: boolean;
  /**
   * Called once per attachment with a stream of its bytes; the returned promise must settle only
   * after the stream was read to its end (e.g. `pipeline(stream, store)`). Reading waits for the
   * stream to be consumed (backpressure), so memory stays flat. A rejection stops reading.
   * Without it, attachments are read, checked, hashed and dropped.
   */
  onAttachment?: (info: AttachmentInfo, stream: Readable) => Promise<void>;
  /** Where an attachment is spooled when its name comes only after its content. Default os.tmpdir(). */
  tmpDir?: string;
}

export type PackageRead =
  | { kind: 'document'; header: DocumentHeader; signature: SignatureReport; manifest: AttachmentInfo[]; attachments: AttachmentRead[] }
  | { kind: 'status'; header: StatusHeader; signature: SignatureReport };

type Input = Readable | AsyncIterable<Uint8Array | string>;

const DEFAULTS = { maxBytes: 128 * MiB, maxHeaderBytes: 1 * MiB, maxAttachmentBytes: 64 * MiB, maxZipRatio: 100, maxAttachments: 100 };

function checkSignature(report: SignatureReport, opts: HeaderReadOptions): void {
  if (report.signed && report.valid !== true && (opts.badSignature ?? 'error') === 'error') {
    throw edxmlError(
      'bad_signature',
      `Chữ ký số trên phần đầu gói tin không hợp lệ: ${report.problem ?? ''}`,
      `The package header signature is not valid: ${report.problem ?? ''}`,
    );
  }
}

function headerInfo(tree: El, xml: string, opts: HeaderReadOptions): PackageHeaderInfo {
  const kind = kindOf(tree);
  const signature = verifyHeaderXml(xml);
  checkSignature(signature, opts);
  if (kind === 'status') {
    const h = statusHeaderOf(tree);
    return {
      kind, from: h.from, to: [], documentId: h.responseFor.documentId, statusCode: h.statusCode, timestamp: h.timestamp,
      responseFor: h.responseFor, signature,
    };
  }
  const h = documentHeaderOf(tree);
  const last = h.traceHeaders?.[h.traceHeaders.length - 1];
  return {
    kind, from: h.from, to: h.to, documentId: h.documentId,
    ...(last ? { timestamp: last.timestamp } : {}),
    ...(h.responseFor ? { responseFor: h.responseFor } : {}),
    ...(h.bussiness?.bussinessDocType !== undefined ? { bussinessDocType: h.bussiness.bussinessDocType } : {}),
    signature,
  };
}

const noHeader = () => edxmlError('missing_element', 'Gói tin không có edXMLHeader', 'The package has no edXMLHeader');

/**
 * Only what the axis needs, from edXMLHeader; the rest of the stream is consumed (counted against
 * maxBytes) but not parsed. Throws EdxmlError, or the input stream's own error (see readPackage).
 */
export async function readPackageHeader(input: Input, opts: HeaderReadOptions = {}): Promise<PackageHeaderInfo> {
  let info: PackageHeaderInfo | undefined;
  const scanner = new Scanner(
    { header: (tree, xml) => { info = headerInfo(tree, xml, opts); } },
    { maxBytes: opts.maxBytes ?? DEFAULTS.maxBytes, maxHeaderBytes: opts.maxHeaderBytes ?? DEFAULTS.maxHeaderBytes },
  );
  scanner.stopAfterHeader = true;
  try {
    await drive(input, scanner);
  } catch (e) {
    throw asEdxmlError(e);
  }
  if (!info) throw noHeader();
  return info;
}

/** A pass-through stream that reads the header of the package flowing through it. */
export type HeaderTap = Transform & { header: Promise<PackageHeaderInfo> };

/**
 * For the axis, one pass: `pipeline(request, tap, objectStoreUpload)` stores the bytes unchanged
 * while `tap.header` resolves with the header (at the end of the stream). A bad package (or more
 * than maxBytes) fails the tap, hence the pipeline, and rejects `tap.header`.
 */
export function createHeaderTap(opts: HeaderReadOptions = {}): HeaderTap {
  let info: PackageHeaderInfo | undefined;
  const scanner = new Scanner(
    { header: (tree, xml) => { info = headerInfo(tree, xml, opts); } },
    { maxBytes: opts.maxBytes ?? DEFAULTS.maxBytes, maxHeaderBytes: opts.maxHeaderBytes ?? DEFAULTS.maxHeaderBytes },
  );
  scanner.stopAfterHeader = true;
  const feeder = new Feeder(scanner);
  let resolve!: (h: PackageHeaderInfo) => void;
  let reject!: (e: Error) => void;
  const header = new Promise<PackageHeaderInfo>((res, rej) => { resolve = res; reject = rej; });
  header.catch(() => {}); // the pipeline reports the same error
  let failed = false;
  const fail = (e: unknown, cb: (e: Error) => void) => {
    const err = asEdxmlError(e);
    failed = true;
    reject(err);
    cb(err);
  };
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      feeder.push(chunk).then(() => cb(null, chunk), (e) => fail(e, cb));
    },
    flush(cb) {
      feeder.end().then(
        () => {
          if (!info) return fail(noHeader(), cb);
          resolve(info);
          cb();
        },
        (e) => fail(e, cb),
      );
    },
  }) as HeaderTap;
  tap.header = header;
  tap.on('close', () => { if (!failed && !info) reject(edxmlError('malformed', 'Gói tin bị cắt ngang', 'The package stream was cut short')); });
  return tap;
}

interface Current {
  fields: Record<string, string>;
  sink: AttachmentSink | null;
  out: PassThrough | Writable | null;
  info: AttachmentInfo | null;
  consumer: Promise<void> | null;
  spool: string | null;
  failure: Error | null;
}

/**
 * The whole package: header (signature verified, see `badSignature`), manifest, and each
 * attachment streamed to `opts.onAttachment`. Throws EdxmlError (a failure of onAttachment is
 * wrapped as attachment_failed, with it as the cause), or the input stream's own error, unchanged,
 * when reading the input failed (a broken connection is not a bad package).
 */
export async function readPackage(input: Input, opts: ReadPackageOptions = {}): Promise<PackageRead> {
  const o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) } as typeof DEFAULTS & ReadPackageOptions;
  let result: PackageRead | undefined;
  const manifest: AttachmentInfo[] = [];
  const attachments: AttachmentRead[] = [];
  const pending: Promise<void>[] = [];
  let cur: Current | null = null;
  let count = 0;
  const spools: string[] = [];

  const finishAttachment = async (c: Current): Promise<void> => {
    const r = await c.sink!.finish();
    const out = c.out!;
    out.end();
    let info = c.info;
    if (!info) {
      // Spooled: the metadata is complete only now.
      await finished(out);
      info = infoOf(c.fields, manifest);
      await handOver(info, createReadStream(c.spool!), c);
    }
    await c.consumer;
    if (c.failure) throw c.failure;
    if (c.spool) await rm(c.spool, { force: true });
    const description = c.fields.Description ?? info.description;
    attachments.push({ ...info, ...(description ? { description } : {}), ...r });
  };

  const handOver = (info: AttachmentInfo, stream: Readable, c: Current): void => {
    if (!o.onAttachment) {
      stream.resume();
      c.consumer = finished(stream).then(() => undefined, () => undefined);
      return;
    }
    c.consumer = Promise.resolve()
      .then(() => o.onAttachment!(info, stream))
      .then(
        () => {
          if (!stream.readableEnded && !c.failure) {
            c.failure = edxmlError('attachment_failed', 'Hàm nhận tệp đính kèm trả về trước khi đọc hết tệp', 'onAttachment settled before reading its stream to the end');
            stream.destroy(c.failure);
          }
        },
        (e: unknown) => {
          c.failure ??= edxmlError('attachment_failed', 'Không lưu được tệp đính kèm', `Storing the attachment failed: ${(e as Error)?.message ?? e}`, e);
          stream.destroy(c.failure);
        },
      );
  };

  const scanner = new Scanner(
    {
      header: (tree, xml) => {
        const signature = verifyHeaderXml(xml);
        checkSignature(signature, o);
        result = kindOf(tree) === 'status'
          ? { kind: 'status', header: statusHeaderOf(tree), signature }
          : { kind: 'document', header: documentHeaderOf(tree), signature, manifest, attachments };
      },
      manifest: (tree) => {
        for (const r of kids(tree, 'Reference')) {
          const contentId = txt(r, 'ContentId');
          if (!contentId) continue;
          const description = txt(r, 'Description');
          manifest.push({
            contentId,
            name: txt(r, 'AttachmentName') ?? '',
            contentType: txt(r, 'ContentType') ?? '',
            ...(description ? { description } : {}),
          });
        }
      },
      attachmentStart: () => {
        if (!result) throw edxmlError('malformed', 'Tệp đính kèm đứng trước phần đầu gói tin', 'An attachment comes before edXMLHeader');
        if (result.kind === 'status') throw edxmlError('malformed', 'Gói tin trạng thái không được có tệp đính kèm', 'A status package carries no attachments');
        if (++count > o.maxAttachments) throw edxmlError('too_large', `Gói tin có quá ${o.maxAttachments} tệp đính kèm`, `More than ${o.maxAttachments} attachments`);
        cur = { fields: {}, sink: null, out: null, info: null, consumer: null, spool: null, failure: null };
      },
      attachmentField: (f) => {
        if (cur) cur.fields[f.local] = f.text.trim();
      },
      contentStart: () => {
        const c = cur!;
        if (c.sink) throw edxmlError('malformed', 'Tệp đính kèm có hai nội dung', 'An attachment has two ContentTransferEncoded');
        const id = c.fields.ContentId;
        const name = c.fields.AttachmentName || manifest.find((m) => m.contentId === id)?.name;
        const limits = { maxAttachmentBytes: o.maxAttachmentBytes, maxRatio: o.maxZipRatio, unzip: o.unzip ?? true, ...(name ? { name } : {}) };
        if (id && name) {
          c.info = infoOf(c.fields, manifest);
          const pt = new PassThrough({ highWaterMark: 256 * 1024 });
          c.out = pt;
          c.sink = new AttachmentSink(pt, limits);
          handOver(c.info, pt, c);
        } else {
          c.spool = path.join(o.tmpDir ?? os.tmpdir(), `edxml-${randomUUID()}.part`);
          spools.push(c.spool);
          c.out = createWriteStream(c.spool, { flags: 'wx', mode: 0o600 });
          c.sink = new AttachmentSink(c.out, limits);
        }
      },
      contentText: (t) => cur?.sink?.text(t),
      attachmentEnd: () => {
        const c = cur!;
        cur = null;
        if (!c.sink) throw edxmlError('missing_element', 'Tệp đính kèm thiếu ContentTransferEncoded', 'An attachment has no ContentTransferEncoded');
        const p = finishAttachment(c);
        p.catch(() => {}); // awaited in order by ready() or at the end
        pending.push(p);
      },
      ready: async () => {
        const c = cur as Current | null;
        if (c?.failure) throw c.failure;
        if (c?.sink) await c.sink.ready();
        while (pending.length) await pending.shift();
      },
    },
    { maxBytes: o.maxBytes, maxHeaderBytes: o.maxHeaderBytes },
  );
  try {
    await drive(input, scanner);
    while (pending.length) await pending.shift();
  } catch (e) {
    let err = asEdxmlError(e);
    const c = cur as Current | null;
    if (c) {
      c.sink?.abort();
      c.out?.destroy(err);
      await c.consumer?.catch(() => {});
      // The attachment stream broke because the consumer failed: say so (attachment_failed).
      if (c.failure && !(e instanceof EdxmlError)) err = c.failure;
    }
    await Promise.allSettled(pending);
    throw err;
  } finally {
    await Promise.all(spools.map((s) => rm(s, { force: true })));
  }
  if (!result) throw noHeader();
  if (result.kind === 'document') {
    const ids = new Set<string>();
    for (const a of attachments) {
      if (ids.has(a.contentId)) throw edxmlError('bad_value', `ContentId trùng: ${a.contentId}`, `Duplicate ContentId: ${a.contentId}`);
      ids.add(a.contentId);
    }
  }
  return result;
}

function infoOf(fields: Record<string, string>, manifest: AttachmentInfo[]): AttachmentInfo {
  const contentId = fields.ContentId;
  if (!contentId) throw edxmlError('missing_element', 'Tệp đính kèm thiếu ContentId', 'An attachment has no ContentId');
  const m = manifest.find((r) => r.contentId === contentId);
  const name = fields.AttachmentName || m?.name;
  if (!name) throw edxmlError('missing_element', 'Tệp đính kèm thiếu AttachmentName', 'An attachment has no AttachmentName');
  const description = fields.Description || m?.description;
  return {
    contentId,
    name,
    contentType: fields.ContentType || m?.contentType || 'application/octet-stream',
    ...(description ? { description } : {}),
  };
}

