// The streaming scanner under both readers: saxes (namespaces on, no DTD: a DOCTYPE is refused
// outright, so no external entity and no entity expansion can happen) fed by an async driver that
// counts bytes, decodes UTF-8 strictly and applies backpressure from the attachment streams.
//
// saxes keeps the text of an element in memory until the next tag; a ContentTransferEncoded is
// tens of MB of base64, so the driver feeds saxes up to each `>` and, right after the start tag of
// a ContentTransferEncoded, takes the text up to the next `<` itself and hands it to the
// attachment's decoder (CDATA sections and whitespace character references included). saxes then
// sees `<ContentTransferEncoded></ContentTransferEncoded>`.
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { type El, isEdxml } from './tree.js';
import { edxmlError, EdxmlError } from './types.js';

export interface ScanLimits {
  maxBytes: number;
  /** Longest edXMLHeader (its serialisation) and longest other small element. */
  maxHeaderBytes: number;
}

export interface ScanHandlers {
  /** edXMLHeader closed: its tree and a standalone serialisation (for the signature). */
  header(tree: El, xml: string): void;
  manifest?(tree: El): void;
  attachmentStart?(): void;
  /** A small child of Attachment (ContentId, AttachmentName …). */
  attachmentField?(field: El): void;
  /** ContentTransferEncoded opens (text follows through contentText). */
  contentStart?(): void;
  contentText?(text: string): void;
  contentEnd?(): void;
  attachmentEnd?(): void;
  /** Backpressure: awaited after every piece fed. */
  ready?(): Promise<void> | void;
}

const XMLNS = 'http://www.w3.org/2000/xmlns/';
const DOCTYPE = '<!DOCTYPE';
const PIECE = 64 * 1024;
const CDATA = '<![CDATA[';
const WS_REF = /^&#(x0*(9|a|d|20)|0*(9|10|13|32));$/i;

const escText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
const escAttr = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\t/g, '&#x9;').replace(/\n/g, '&#xA;').replace(/\r/g, '&#xD;');

export const malformed = (why: string) =>
  edxmlError('malformed', `Gói tin không phải XML hợp lệ: ${why}`, `The package is not well-formed XML: ${why}`);
const doctype = () =>
  edxmlError('doctype', 'Gói tin có khai báo DOCTYPE (không được phép)', 'The package has a DOCTYPE declaration, which is refused');
export const tooLarge = (what: string, limit: number) =>
  edxmlError('too_large', `${what.startsWith('package') ? 'Gói tin' : 'Phần tử'} vượt quá ${limit} byte`, `The ${what} is larger than ${limit} bytes`);

interface Frame {
  local: string;
  uri: string;
  scope: Record<string, string>;
}

interface Capture {
  kind: 'header' | 'manifest' | 'field';
  stack: El[];
  root: El;
  parts: string[] | null;
  size: number;
}

export class Scanner {
  private readonly parser = new SaxesParser({ xmlns: true });
  private readonly frames: Frame[] = [];
  private capture: Capture | null = null;
  private raw = false;
  /** An unfinished character reference at the end of a chunk of base64 content. */
  private carry = '';
  private cdata = false;
  private inContent = false;
  private inAttachment = false;
  private seenRoot = false;
  private prologTail = '';
  private sinceTag = 0;
  private bytes = 0;
  /** Stop parsing after edXMLHeader (header-only reading). */
  stopAfterHeader = false;
  done = false;
  headerSeen = false;

  constructor(private readonly h: ScanHandlers, private readonly limits: ScanLimits) {
    const p = this.parser;
    p.on('error', (e) => {
      throw malformed(e.message);
    });
    p.on('doctype', () => {
      throw doctype();
    });
    p.on('xmldecl', (d) => {
      if (d.encoding && !/^utf-?8$/i.test(d.encoding)) {
        throw edxmlError('encoding', `Gói tin phải mã hóa UTF-8 (không phải ${d.encoding})`, `The package must be UTF-8 (not ${d.encoding})`);
      }
    });
    p.on('opentag', (t) => this.open(t as SaxesTagNS));
    p.on('closetag', (t) => this.close(t as SaxesTagNS));
    p.on('text', (t) => this.text(t));
    p.on('cdata', (t) => this.text(t));
    p.on('processinginstruction', (pi) => {
      if (this.capture?.parts) this.append(`<?${pi.target}${pi.body ? ` ${pi.body}` : ''}?>`);
    });
  }

  /** Feed decoded text; resolves when it has been handled (and backpressure allows more). */
  async feed(text: string, byteLength: number): Promise<void> {
    this.bytes += byteLength;
    if (this.bytes > this.limits.maxBytes) throw tooLarge('package', this.limits.maxBytes);
    if (this.carry) {
      text = this.carry + text;
      this.carry = '';
    }
    let pos = 0;
    while (pos < text.length && !this.done) {
      if (this.cdata) {
        // Base64 wrapped in CDATA: taken as it is up to `]]>` (the last two characters wait for
        // the next chunk, in case `]]>` is split).
        const close = text.indexOf(']]>', pos);
        const end = close >= 0 ? close : Math.max(pos, text.length - 2);
        const piece = Math.min(end, pos + PIECE);
        if (piece > pos) {
          this.h.contentText?.(text.slice(pos, piece));
          await this.h.ready?.();
        }
        pos = piece;
        if (piece === close) {
          this.cdata = false;
          pos = close + 3;
        } else if (close < 0 && pos === end) {
          this.carry = text.slice(pos);
          return;
        }
        continue;
      }
      if (this.raw) {
        const lt = text.indexOf('<', pos);
        const amp = text.indexOf('&', pos);
        let stop = lt < 0 ? text.length : lt;
        if (amp >= 0 && amp < stop) stop = amp;
        const end = Math.min(stop, pos + PIECE);
        if (end > pos) {
          this.h.contentText?.(text.slice(pos, end));
          await this.h.ready?.();
        }
        pos = end;
        if (end === amp) {
          // Line breaks written as character references (&#xD; &#10; …) are whitespace; nothing
          // else has any business in base64.
          const semi = text.indexOf(';', amp);
          if (semi < 0 && text.length - amp < 12) {
            this.carry = text.slice(amp);
            return;
          }
          const ref = semi < 0 ? text.slice(amp, amp + 12) : text.slice(amp, semi + 1);
          if (!WS_REF.test(ref)) {
            throw edxmlError('bad_base64', `Nội dung tệp đính kèm không phải base64 (${ref})`, `Attachment content is not base64 (${ref})`);
          }
          pos = semi + 1;
        } else if (end === lt) {
          const rest = text.slice(lt, lt + CDATA.length);
          if (rest.length < CDATA.length && CDATA.startsWith(rest)) {
            this.carry = text.slice(lt);
            return;
          }
          if (rest === CDATA) {
            this.cdata = true;
            pos = lt + CDATA.length;
          } else this.raw = false;
        }
        continue;
      }
      const gt = text.indexOf('>', pos);
      const end = Math.min(gt < 0 ? text.length : gt + 1, pos + PIECE);
      const piece = text.slice(pos, end);
      if (!this.seenRoot) {
        if ((this.prologTail + piece).includes(DOCTYPE)) throw doctype();
        this.prologTail = piece.slice(-DOCTYPE.length);
      }
      this.sinceTag += piece.length;
      this.parser.write(piece);
      if (this.sinceTag > this.limits.maxHeaderBytes && !this.inContent) throw tooLarge('element', this.limits.maxHeaderBytes);
      pos = end;
      await this.h.ready?.();
    }
  }

  /** The end of the input. */
  end(): void {
    if (this.done) return;
    if (this.carry) throw malformed('the input ends inside an attachment');
    this.parser.close();
    if (!this.seenRoot) throw malformed('no root element');
  }

  private open(t: SaxesTagNS): void {
    this.sinceTag = 0;
    const parent = this.frames[this.frames.length - 1];
    const scope = { ...(parent?.scope ?? {}), ...t.ns };
    const frame: Frame = { local: t.local, uri: t.uri, scope };
    const depth = this.frames.length;
    this.frames.push(frame);
    if (depth === 0) {
      this.seenRoot = true;
      if (t.local !== 'edXML' || !isEdxml(t)) {
        throw edxmlError('not_edxml', `Không phải gói tin edXML (phần tử gốc ${t.name})`, `Not an edXML package (root element ${t.name})`);
      }
      return;
    }
    if (this.capture) return this.captureOpen(t);
    const path = this.frames.map((f) => f.local);
    const std = isEdxml(t);
    if (std && t.local === 'edXMLHeader' && path.length === 3 && path[1] === 'edXMLEnvelope') {
      if (this.headerSeen) throw malformed('more than one edXMLHeader');
      this.startCapture('header', t, parent?.scope ?? {});
    } else if (std && t.local === 'edXMLManifest' && path[path.length - 2] === 'edXMLBody') {
      this.startCapture('manifest', t, {});
    } else if (std && t.local === 'Attachment' && path[path.length - 2] === 'AttachmentEncoded') {
      this.inAttachment = true;
      this.h.attachmentStart?.();
    } else if (this.inAttachment && path[path.length - 2] === 'Attachment') {
      if (std && t.local === 'ContentTransferEncoded') {
        this.inContent = true;
        this.h.contentStart?.();
        if (!t.isSelfClosing) this.raw = true;
      } else this.startCapture('field', t, {});
    }
  }

  private startCapture(kind: Capture['kind'], t: SaxesTagNS, inherited: Record<string, string>): void {
    const el: El = { local: t.local, uri: t.uri, attrs: attrsOf(t), children: [], text: '' };
    this.capture = { kind, stack: [el], root: el, parts: kind === 'header' ? [] : null, size: 0 };
    if (kind === 'header') {
      // The in-scope namespaces declared on ancestors go on the standalone header.
      const decl: string[] = [];
      for (const [prefix, uri] of Object.entries(inherited)) {
        if (prefix === 'xml' || prefix === 'xmlns' || prefix in t.ns) continue;
        if (prefix === '' && uri === '') continue;
        decl.push(prefix === '' ? ` xmlns="${escAttr(uri)}"` : ` xmlns:${prefix}="${escAttr(uri)}"`);
      }
      this.append(`<${t.name}${decl.join('')}${serialAttrs(t)}>`);
    }
  }

  private captureOpen(t: SaxesTagNS): void {
    const c = this.capture!;
    const el: El = { local: t.local, uri: t.uri, attrs: attrsOf(t), children: [], text: '' };
    c.stack[c.stack.length - 1]!.children.push(el);
    c.stack.push(el);
    if (c.parts) this.append(`<${t.name}${serialAttrs(t)}>`);
    if (c.root.children.length > 10_000) throw tooLarge('element', this.limits.maxHeaderBytes);
  }

  private append(s: string): void {
    const c = this.capture!;
    c.size += s.length;
    if (c.size > this.limits.maxHeaderBytes) throw tooLarge('element', this.limits.maxHeaderBytes);
    c.parts?.push(s);
  }

  private text(t: string): void {
    if (this.inContent) {
      if (t) this.h.contentText?.(t);
      return;
    }
    const c = this.capture;
    if (!c) return;
    const el = c.stack[c.stack.length - 1]!;
    if (c.parts) this.append(escText(t));
    else {
      c.size += t.length;
      if (c.size > this.limits.maxHeaderBytes) throw tooLarge('element', this.limits.maxHeaderBytes);
    }
    el.text += t;
  }

  private close(t: SaxesTagNS): void {
    this.sinceTag = 0;
    this.frames.pop();
    const c = this.capture;
    if (c) {
      if (c.parts) this.append(`</${t.name}>`);
      c.stack.pop();
      if (c.stack.length > 0) return;
      this.capture = null;
      if (c.kind === 'header') {
        this.headerSeen = true;
        this.h.header(c.root, c.parts!.join(''));
        if (this.stopAfterHeader) this.done = true;
      } else if (c.kind === 'manifest') this.h.manifest?.(c.root);
      else this.h.attachmentField?.(c.root);
      return;
    }
    if (this.inContent && t.local === 'ContentTransferEncoded') {
      this.inContent = false;
      this.raw = false;
      this.h.contentEnd?.();
    } else if (this.inAttachment && t.local === 'Attachment' && isEdxml(t)) {
      this.inAttachment = false;
      this.h.attachmentEnd?.();
    }
  }
}

function attrsOf(t: SaxesTagNS): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of Object.values(t.attributes)) if (a.uri !== XMLNS && a.prefix !== 'xmlns' && a.name !== 'xmlns') out[a.local] = a.value;
  return out;
}

function serialAttrs(t: SaxesTagNS): string {
  return Object.values(t.attributes)
    .map((a) => ` ${a.name}="${escAttr(a.value)}"`)
    .join('');
}

/** Bytes → scanner: counts them, decodes UTF-8 strictly (a UTF-16 BOM is refused). */
export class Feeder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private first = true;
  constructor(private readonly scanner: Scanner) {}

  async push(chunk0: Uint8Array | string): Promise<void> {
    const chunk = typeof chunk0 === 'string' ? Buffer.from(chunk0) : chunk0;
    if (this.first && chunk.length >= 2) {
      if ((chunk[0] === 0xfe && chunk[1] === 0xff) || (chunk[0] === 0xff && chunk[1] === 0xfe)) {
        throw edxmlError('encoding', 'Gói tin phải mã hóa UTF-8 (không phải UTF-16)', 'The package must be UTF-8 (not UTF-16)');
      }
    }
    if (chunk.length) this.first = false;
    if (this.scanner.done) return this.scanner.feed('', chunk.length);
    await this.scanner.feed(this.decode(chunk), chunk.length);
  }

  async end(): Promise<void> {
    if (this.scanner.done) return;
    const rest = this.decode(undefined);
    if (rest) await this.scanner.feed(rest, 0);
    this.scanner.end();
  }

  private decode(chunk: Uint8Array | undefined): string {
    try {
      return chunk ? this.decoder.decode(chunk, { stream: true }) : this.decoder.decode();
    } catch {
      throw edxmlError('encoding', 'Gói tin có chuỗi byte UTF-8 không hợp lệ', 'The package has invalid UTF-8');
    }
  }
}

/** The input stream itself failed (a network or disk error): not a fault of the package. */
export class InputFailure extends Error {
  constructor(readonly failure: unknown) {
    super((failure as Error)?.message ?? String(failure));
  }
}

/** An input stream (or any async iterable of chunks) → scanner. */
export async function drive(input: AsyncIterable<Uint8Array | string>, scanner: Scanner): Promise<void> {
  const f = new Feeder(scanner);
  const it = input[Symbol.asyncIterator]();
  try {
    for (;;) {
      let r: IteratorResult<Uint8Array | string>;
      try {
        r = await it.next();
      } catch (e) {
        throw new InputFailure(e);
      }
      if (r.done) break;
      await f.push(r.value);
    }
  } catch (e) {
    if (!(e instanceof InputFailure)) await it.return?.().catch(() => {}); // destroys a Readable
    throw e;
  }
  await f.end();
}

/**
 * What the readers throw: EdxmlError for anything about the package; the input's own error,
 * unchanged, when the input stream failed (so a broken connection is not taken for a bad package).
 */
export function asEdxmlError(e: unknown): EdxmlError | Error {
  if (e instanceof EdxmlError) return e;
  if (e instanceof InputFailure) return e.failure instanceof Error ? e.failure : new Error(String(e.failure));
  return malformed((e as Error)?.message ?? String(e));
}
