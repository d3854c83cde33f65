// PDF side of PAdES signing: a signature field with a /Contents placeholder appended as an
// incremental update, so the original bytes (and every earlier signature over them) stay
// untouched. Knows nothing about CMS: the caller hashes byteRangeChunks() and hands back DER.
// The file is read with our own targeted reader (reader.ts: only the objects the update needs),
// and pdf-lib is used only for a scratch document that builds the appearance.
import { PDFContext, PDFDocument } from 'pdf-lib';
import { pdfHeaderOffset } from '../../../lib/pdf-guard.js';
import { MAX_OBJECT_NUMBER } from '../../../lib/pdf/structure.js';
import { buildAppearance, normRect, type AppearanceSpec } from './appearance.js';
import { addToForm, appended, copyDict, readForm, refuseIfCertifiedNoChanges, type Changes } from './form.js';
import { PdfSyntaxError } from './lexer.js';
import { catalogOf, findPage, pageCountOf } from './pages.js';
import { PdfReader, readingErrors } from './reader.js';
import { formatNumber, ref, serialize } from './serialize.js';
import { encodeTextString, pdfDate } from './text.js';
import { lastXref, UnsupportedPdfError } from './trailer.js';
import { objectBytes, writeUpdate, type UpdateObject } from './writer.js';

export type { AppearanceSpec, Rect } from './appearance.js';
export { findSignatures, type FoundSignature } from './find.js';
export { UnsupportedPdfError } from './trailer.js';

export interface PlaceholderOptions {
  /** Unique within the document; if taken, a suffix is appended ("." becomes "_": it separates name parts). */
  fieldName: string;
  /** Written as /M in Vietnam time. */
  signingTime: Date;
  name?: string;
  reason?: string;
  location?: string;
  contactInfo?: string;
  /** Default ETSI.CAdES.detached (PAdES). */
  subFilter?: 'ETSI.CAdES.detached' | 'adbe.pkcs7.detached';
  /** Bytes reserved for the CMS DER; default 16384 (the hex placeholder is twice that). */
  signatureSize?: number;
  /** Absent = invisible signature (Rect [0 0 0 0], still a widget on page 1). */
  appearance?: AppearanceSpec;
}

export interface Prepared {
  pdf: Buffer;
  byteRange: [number, number, number, number];
}

const BYTE_RANGE_PLACEHOLDER = '[0 /********** /********** /**********]';
const MAX_SIGNATURE_SIZE = 1024 * 1024;

/**
 * The PDF from its "%PDF-" header on. Readers skip bytes before the header and count every offset
 * (xref entries, startxref, a signature's /ByteRange) from it, so an update to such a file is
 * appended to the PDF itself: the result starts at "%PDF-" and its offsets are plain file offsets
 * for every reader (uploads are stored that way already: lib/pdf-guard.ts).
 */
export function fromHeader(pdf: Buffer): Buffer {
  const at = pdfHeaderOffset(pdf);
  return at > 0 ? pdf.subarray(at) : pdf;
}

export async function addSignaturePlaceholder(input: Buffer, opts: PlaceholderOptions): Promise<Prepared> {
  const pdf = fromHeader(input);
  const size = opts.signatureSize ?? 16384;
  if (!Number.isInteger(size) || size < 64 || size > MAX_SIGNATURE_SIZE) {
    throw new Error(`signatureSize must be an integer between 64 and ${MAX_SIGNATURE_SIZE}`);
  }
  const last = lastXref(pdf);
  const encrypted = () => new UnsupportedPdfError('encrypted PDFs cannot be signed here; remove the encryption first');
  if (last.encrypted) throw encrypted();
  const src = PdfReader.open(pdf, last);
  if (src.trailer('Encrypt')) throw encrypted();
  if (src.highestListedNumber() > MAX_OBJECT_NUMBER) {
    throw new UnsupportedPdfError(`cannot read the PDF: its cross-reference data lists object numbers beyond ${MAX_OBJECT_NUMBER}`);
  }

  // Everything the update depends on is read before any new object number is handed out.
  const app = opts.appearance;
  const { page, form } = readingErrors(() => {
    const catalog = catalogOf(src);
    refuseIfCertifiedNoChanges(src, catalog);
    const count = pageCountOf(src);
    const pageIndex = app ? (app.page < 0 ? count + app.page : app.page) : 0;
    const page = Number.isInteger(pageIndex) && pageIndex >= 0 && pageIndex < count ? findPage(src, pageIndex) : null;
    if (!page) throw new Error(`page ${app?.page ?? 0} does not exist (the PDF has ${count} pages)`);
    return { page, form: readForm(src, catalog, opts.fieldName) };
  });
  const [x, y, w, h] = app ? normRect(app.rect, 'appearance.rect') : [0, 0, 0, 0];

  // The scratch context hands out object numbers above every number the file already uses (and
  // above a scratch document's own catalog and page tree, which are never written). A document
  // is only needed to embed PNGs.
  const scratch = app?.images?.length ? await PDFDocument.create({ updateMetadata: false }) : PDFContext.create();
  const ctx = scratch instanceof PDFDocument ? scratch.context : scratch;
  const base = Math.max(src.nextFreeNumber(), ctx.largestObjectNumber + 1);
  ctx.largestObjectNumber = base - 1;
  const nextNum = () => ctx.nextRef().objectNumber;
  const sigNum = nextNum();
  const apRef = await buildAppearance(scratch, w, h, app);
  const widgetNum = nextNum();
  const name = form.fieldName;
  const widget = [
    '/Type /Annot', '/Subtype /Widget', '/FT /Sig',
    `/T ${/^[\x20-\x7e]*$/.test(name) && !/[()\\]/.test(name) ? `(${name})` : encodeTextString(name)}`,
    `/V ${sigNum} 0 R`,
    '/F 132', // Print (4) + Locked (128): printed, and viewers must not let it be moved or deleted
    `/P ${page.num} ${page.gen} R`,
    `/Rect [ ${[x, y, x + w, y + h].map(formatNumber).join(' ')} ]`,
    `/AP << /N ${apRef.objectNumber} 0 R >>`,
  ];

  // Changed existing objects keep their numbers; the update's copy supersedes the old one.
  const changes: Changes = new Map();
  const annots = page.dict.v.get('Annots');
  const annotsArr = src.resolve(annots);
  if (annots?.t === 'ref' && annotsArr?.t === 'arr') {
    changes.set(annots.num, { gen: annots.gen, body: serialize(appended(annotsArr.v, ref(widgetNum))) });
  } else {
    const newPage = copyDict(page.dict);
    newPage.v.set('Annots', appended(annotsArr?.t === 'arr' ? annotsArr.v : [], ref(widgetNum)));
    changes.set(page.num, { gen: page.gen, body: serialize(newPage) });
  }
  const newForm = addToForm(src, form, widgetNum, nextNum, changes);

  const sigBody = signatureDictionary(opts, size);
  const latin1 = (t: string) => Buffer.from(t, 'latin1');
  const objects: UpdateObject[] = [...changes].map(([num, c]) => ({ num, gen: c.gen, body: latin1(c.body) }));
  for (const [r, obj] of ctx.enumerateIndirectObjects()) {
    if (r.objectNumber >= base) objects.push({ num: r.objectNumber, gen: 0, body: objectBytes(obj) });
  }
  objects.push({ num: widgetNum, gen: 0, body: latin1(`<<\n${widget.join('\n')}\n>>`) });
  if (newForm) objects.push({ num: newForm.num, gen: 0, body: latin1(newForm.body) });
  objects.push({ num: sigNum, gen: 0, body: latin1(sigBody) });

  const trailer: Record<string, string> = { Root: `${form.catalogRef.num} ${form.catalogRef.gen} R` };
  for (const key of ['Info', 'ID']) {
    const v = src.trailer(key);
    if (v) trailer[key] = serialize(v);
  }
  const { tail, bodyOffsets } = writeUpdate({
    baseLength: pdf.length,
    endsWithEol: pdf[pdf.length - 1] === 0x0a || pdf[pdf.length - 1] === 0x0d,
    objects,
    kind: last.kind,
    size: Math.max(base, ctx.largestObjectNumber + 1),
    trailer,
    prev: last.offset,
  });

  // Patch /ByteRange now that every offset is known; the fixed-width placeholder keeps them valid.
  const sigAt = bodyOffsets.get(sigNum)!;
  const contentsStart = sigAt + sigBody.indexOf('/Contents <') + '/Contents '.length;
  const contentsEnd = contentsStart + 2 * size + 2;
  const total = pdf.length + tail.length;
  const byteRange: Prepared['byteRange'] = [0, contentsStart, contentsEnd, total - contentsEnd];
  let brText = `[${byteRange.join(' ')}`;
  brText += ' '.repeat(BYTE_RANGE_PLACEHOLDER.length - brText.length - 1) + ']';
  tail.write(brText, sigAt - pdf.length + sigBody.indexOf(BYTE_RANGE_PLACEHOLDER), 'latin1');
  return { pdf: Buffer.concat([pdf, tail]), byteRange };
}

/** The bytes covered by the byte range, as the chunks to hash (views, no copy). */
export function byteRangeChunks(pdf: Buffer, byteRange: number[]): Buffer[] {
  if (byteRange.length === 0 || byteRange.length % 2) throw new Error('byteRange must have an even, non-zero length');
  const chunks: Buffer[] = [];
  for (let i = 0; i < byteRange.length; i += 2) {
    const [start, len] = [byteRange[i]!, byteRange[i + 1]!];
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(len) || start < 0 || len < 0 || start + len > pdf.length) {
      throw new Error(`byteRange [${byteRange.join(' ')}] does not fit a ${pdf.length}-byte file`);
    }
    chunks.push(pdf.subarray(start, start + len));
  }
  return chunks;
}

/**
 * Writes the DER CMS as hex into the /Contents placeholder, in place: returns `prepared.pdf`
 * itself (no copy of the file), now signed. The placeholder's whole capacity is rewritten, so
 * embedding again into the same `prepared` replaces the earlier signature.
 */
export function embedSignature(prepared: Prepared, cmsDer: Buffer): Buffer {
  const [, from, to] = prepared.byteRange;
  const pdf = prepared.pdf;
  if (pdf[from] !== 0x3c || pdf[to - 1] !== 0x3e) throw new Error('byteRange does not frame the /Contents placeholder');
  const capacity = (to - from - 2) / 2;
  if (cmsDer.length > capacity) {
    throw new Error(`the CMS signature is ${cmsDer.length} bytes but only ${capacity} were reserved; prepare again with signatureSize >= ${cmsDer.length}`);
  }
  const hex = cmsDer.toString('hex').toUpperCase().padEnd(2 * capacity, '0');
  pdf.write(hex, from + 1, 'latin1');
  return pdf;
}

export async function pageCount(pdf: Buffer): Promise<number> {
  const n = tryReading(pdf, pageCountOf);
  return n ?? (await loadReadOnly(pdf)).getPageCount();
}

/** The page's MediaBox size in points (not taking /Rotate into account). */
export async function pageSize(pdf: Buffer, page: number): Promise<{ width: number; height: number }> {
  const found = tryReading(pdf, (r) => {
    const count = pageCountOf(r);
    const index = page < 0 ? count + page : page;
    return { count, page: Number.isInteger(index) && index >= 0 && index < count ? findPage(r, index) : null };
  });
  if (found) {
    if (!found.page) throw new Error(`page ${page} does not exist (the PDF has ${found.count} pages)`);
    const [x1, y1, x2, y2] = found.page.mediaBox;
    return { width: Math.abs(x2 - x1), height: Math.abs(y2 - y1) };
  }
  const doc = await loadReadOnly(pdf);
  const n = doc.getPageCount();
  const p = doc.getPages()[page < 0 ? n + page : page];
  if (!p) throw new Error(`page ${page} does not exist (the PDF has ${n} pages)`);
  return p.getSize();
}

/** `fn` on our reader, or undefined if the file is beyond it (damaged xref, encrypted object streams…). */
function tryReading<T>(pdf: Buffer, fn: (r: PdfReader) => T): T | undefined {
  try {
    return fn(PdfReader.open(fromHeader(pdf)));
  } catch (e) {
    if (e instanceof UnsupportedPdfError || e instanceof PdfSyntaxError) return undefined;
    throw e;
  }
}

function loadReadOnly(pdf: Buffer): Promise<PDFDocument> {
  // The fallback for files our reader cannot follow: pdf-lib parses every object, ignoring the
  // xref; reading the page tree needs no decryption (only strings and streams are encrypted).
  return PDFDocument.load(pdf, { updateMetadata: false, ignoreEncryption: true });
}

function signatureDictionary(opts: PlaceholderOptions, size: number): string {
  const subFilter = opts.subFilter ?? 'ETSI.CAdES.detached';
  if (subFilter !== 'ETSI.CAdES.detached' && subFilter !== 'adbe.pkcs7.detached') throw new Error(`unsupported subFilter ${String(subFilter)}`);
  const parts = [
    `/Type /Sig /Filter /Adobe.PPKLite /SubFilter /${subFilter}`,
    `/ByteRange ${BYTE_RANGE_PLACEHOLDER}`,
    `/Contents <${'0'.repeat(2 * size)}>`,
    `/M (${pdfDate(opts.signingTime)})`,
  ];
  const texts = { Name: opts.name, Reason: opts.reason, Location: opts.location, ContactInfo: opts.contactInfo };
  for (const [key, value] of Object.entries(texts)) if (value !== undefined) parts.push(`/${key} ${encodeTextString(value)}`);
  return `<< ${parts.join('\n')} >>`;
}
