// PDF side of PAdES signing: a signature field with a /Contents placeholder appended as an
// incremental update, so the original bytes (and every earlier signature over them) stay
// untouched. Knows nothing about CMS: the caller hashes byteRangeChunks() and hands back DER.
import {
  EncryptedPDFError,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFRef,
  PDFString,
  type PDFContext,
  type PDFObject,
} from 'pdf-lib';
import { buildAppearance, normRect, type AppearanceSpec } from './appearance.js';
import { lastXref, UnsupportedPdfError } from './trailer.js';
import { encodeTextString, pdfDate } from './text.js';
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

export async function addSignaturePlaceholder(pdf: Buffer, opts: PlaceholderOptions): Promise<Prepared> {
  const size = opts.signatureSize ?? 16384;
  if (!Number.isInteger(size) || size < 64 || size > MAX_SIGNATURE_SIZE) {
    throw new Error(`signatureSize must be an integer between 64 and ${MAX_SIGNATURE_SIZE}`);
  }
  const last = lastXref(pdf);
  if (last.encrypted) throw new UnsupportedPdfError('encrypted PDFs cannot be signed here; remove the encryption first');
  const doc = await loadForUpdate(pdf);
  const src = doc.context;
  refuseIfCertifiedNoChanges(doc);

  // The scratch document hands out object numbers above every number the file already uses
  // (xref streams are not counted by pdf-lib, hence the max with /Size) and above its own
  // catalog and page tree, which are never written.
  const scratch = await PDFDocument.create({ updateMetadata: false });
  const ctx = scratch.context;
  const base = Math.max(last.size, src.largestObjectNumber + 1, ctx.largestObjectNumber + 1);
  ctx.largestObjectNumber = base - 1;
  const sigRef = ctx.nextRef();

  const pages = doc.getPages();
  const app = opts.appearance;
  const pageIndex = app ? (app.page < 0 ? pages.length + app.page : app.page) : 0;
  const page = pages[pageIndex];
  if (!page || !Number.isInteger(pageIndex)) throw new Error(`page ${app?.page ?? 0} does not exist (the PDF has ${pages.length} pages)`);
  const [x, y, w, h] = app ? normRect(app.rect, 'appearance.rect') : [0, 0, 0, 0];
  const apRef = await buildAppearance(scratch, w, h, app);

  const fieldName = uniqueFieldName(src, doc.catalog, opts.fieldName);
  const widget = ctx.obj({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    T: /^[\x20-\x7e]*$/.test(fieldName) && !/[()\\]/.test(fieldName) ? PDFString.of(fieldName) : PDFHexString.fromText(fieldName),
    V: sigRef,
    F: 132, // Print (4) + Locked (128): printed, and viewers must not let it be moved or deleted
    P: page.ref,
    Rect: [x, y, x + w, y + h],
    AP: { N: apRef },
  });
  const widgetRef = ctx.register(widget);

  // Changed existing objects keep their numbers; the update's copy supersedes the old one.
  const changed = new Map<PDFRef, PDFObject>();
  const annots = page.node.get(PDFName.of('Annots'));
  const annotsArr = annots instanceof PDFRef ? src.lookup(annots) : annots;
  if (annots instanceof PDFRef && annotsArr instanceof PDFArray) {
    changed.set(annots, appended(annotsArr, widgetRef, ctx));
  } else {
    const newPage = copyDict(page.node, ctx);
    newPage.set(PDFName.of('Annots'), annotsArr instanceof PDFArray ? appended(annotsArr, widgetRef, ctx) : ctx.obj([widgetRef]));
    changed.set(page.ref, newPage);
  }
  addToAcroForm(doc, ctx, widgetRef, changed);

  const sigBody = signatureDictionary(opts, size);
  const objects: UpdateObject[] = [...changed].map(([ref, obj]) => ({ num: ref.objectNumber, gen: ref.generationNumber, body: objectBytes(obj) }));
  for (const [ref, obj] of ctx.enumerateIndirectObjects()) {
    if (ref.objectNumber >= base) objects.push({ num: ref.objectNumber, gen: 0, body: objectBytes(obj) });
  }
  objects.push({ num: sigRef.objectNumber, gen: 0, body: Buffer.from(sigBody, 'latin1') });

  const { Root, Info, ID } = src.trailerInfo;
  const trailer: Record<string, string> = { Root: String(Root) };
  if (Info) trailer.Info = String(Info);
  if (ID) trailer.ID = String(ID);
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
  const sigAt = bodyOffsets.get(sigRef.objectNumber)!;
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

/** Writes the DER CMS as hex into the /Contents placeholder (a new buffer; `prepared` is untouched). */
export function embedSignature(prepared: Prepared, cmsDer: Buffer): Buffer {
  const [, from, to] = prepared.byteRange;
  const pdf = prepared.pdf;
  if (pdf[from] !== 0x3c || pdf[to - 1] !== 0x3e) throw new Error('byteRange does not frame the /Contents placeholder');
  const capacity = (to - from - 2) / 2;
  if (cmsDer.length > capacity) {
    throw new Error(`the CMS signature is ${cmsDer.length} bytes but only ${capacity} were reserved; prepare again with signatureSize >= ${cmsDer.length}`);
  }
  const out = Buffer.from(pdf);
  const hex = cmsDer.toString('hex').toUpperCase().padEnd(2 * capacity, '0');
  out.write(hex, from + 1, 'latin1');
  return out;
}

export async function pageCount(pdf: Buffer): Promise<number> {
  return (await loadReadOnly(pdf)).getPageCount();
}

/** The page's MediaBox size in points (not taking /Rotate into account). */
export async function pageSize(pdf: Buffer, page: number): Promise<{ width: number; height: number }> {
  const doc = await loadReadOnly(pdf);
  const n = doc.getPageCount();
  const p = doc.getPages()[page < 0 ? n + page : page];
  if (!p) throw new Error(`page ${page} does not exist (the PDF has ${n} pages)`);
  return p.getSize();
}

function loadReadOnly(pdf: Buffer): Promise<PDFDocument> {
  // Reading the page tree needs no decryption: only strings and streams are encrypted.
  return PDFDocument.load(pdf, { updateMetadata: false, ignoreEncryption: true });
}

async function loadForUpdate(pdf: Buffer): Promise<PDFDocument> {
  try {
    return await PDFDocument.load(pdf, { updateMetadata: false, ignoreEncryption: false });
  } catch (e) {
    if (e instanceof EncryptedPDFError) throw new UnsupportedPdfError('encrypted PDFs cannot be signed here; remove the encryption first');
    throw new UnsupportedPdfError(`cannot read the PDF: ${(e as Error).message}`);
  }
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

function copyDict(d: PDFDict, ctx: PDFContext): PDFDict {
  return PDFDict.fromMapWithContext(new Map(d.entries()), ctx);
}

function appended(arr: PDFArray, item: PDFObject, ctx: PDFContext): PDFArray {
  const copy = PDFArray.withContext(ctx);
  for (const x of arr.asArray()) copy.push(x);
  copy.push(item);
  return copy;
}

/** Lists the new field in /AcroForm /Fields and sets /SigFlags 3 (signatures exist, append only). */
function addToAcroForm(doc: PDFDocument, ctx: PDFContext, fieldRef: PDFRef, changed: Map<PDFRef, PDFObject>) {
  const src = doc.context;
  const catalogRef = src.trailerInfo.Root as PDFRef;
  const raw = doc.catalog.get(PDFName.of('AcroForm'));
  const existing = raw instanceof PDFRef ? src.lookup(raw) : raw;
  const form = existing instanceof PDFDict ? copyDict(existing, ctx) : ctx.obj({});
  const fields = form.get(PDFName.of('Fields'));
  const fieldsArr = fields instanceof PDFRef ? src.lookup(fields) : fields;
  if (fields instanceof PDFRef && fieldsArr instanceof PDFArray) changed.set(fields, appended(fieldsArr, fieldRef, ctx));
  else form.set(PDFName.of('Fields'), fieldsArr instanceof PDFArray ? appended(fieldsArr, fieldRef, ctx) : ctx.obj([fieldRef]));
  const flags = form.get(PDFName.of('SigFlags'));
  form.set(PDFName.of('SigFlags'), PDFNumber.of((flags instanceof PDFNumber ? flags.asNumber() : 0) | 3));
  if (raw instanceof PDFRef && existing instanceof PDFDict) {
    changed.set(raw, form);
  } else {
    const catalog = copyDict(doc.catalog, ctx);
    catalog.set(PDFName.of('AcroForm'), existing instanceof PDFDict ? form : ctx.register(form));
    changed.set(catalogRef, catalog);
  }
}

/** Top-level field names in use, so a new field never merges into an existing one. */
function uniqueFieldName(src: PDFContext, catalog: PDFDict, wanted: string): string {
  const base = wanted.replace(/\./g, '_') || 'Signature';
  const taken = new Set<string>();
  const form = src.lookup(catalog.get(PDFName.of('AcroForm')));
  const fields = form instanceof PDFDict ? src.lookup(form.get(PDFName.of('Fields'))) : undefined;
  for (const f of fields instanceof PDFArray ? fields.asArray() : []) {
    const t = (src.lookup(f) as PDFDict | undefined)?.get?.(PDFName.of('T'));
    if (t instanceof PDFString || t instanceof PDFHexString) taken.add(t.decodeText());
  }
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  return name;
}

/** A DocMDP certification with /P 1 forbids any change, signatures included (ISO 32000-1 12.8.2.2). */
function refuseIfCertifiedNoChanges(doc: PDFDocument) {
  const src = doc.context;
  const perms = src.lookup(doc.catalog.get(PDFName.of('Perms')));
  const sig = perms instanceof PDFDict ? src.lookup(perms.get(PDFName.of('DocMDP'))) : undefined;
  const refs = sig instanceof PDFDict ? src.lookup(sig.get(PDFName.of('Reference'))) : undefined;
  for (const r of refs instanceof PDFArray ? refs.asArray() : []) {
    const params = src.lookup((src.lookup(r) as PDFDict | undefined)?.get?.(PDFName.of('TransformParams')));
    const p = params instanceof PDFDict ? params.get(PDFName.of('P')) : undefined;
    if (p instanceof PDFNumber && p.asNumber() === 1) {
      throw new UnsupportedPdfError('the PDF is certified with "no changes allowed" (DocMDP P=1); it cannot be signed again');
    }
  }
}
