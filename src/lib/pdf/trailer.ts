// Locates the file's last cross-reference section. An incremental update must point /Prev at
// it and continue its numbering (/Size), and should write its xref in the same kind.
import { get, PdfLexer } from './lexer.js';

export class UnsupportedPdfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedPdfError';
  }
}

export interface LastXref {
  offset: number; // value of the last startxref
  kind: 'table' | 'stream';
  size: number; // /Size of the last trailer
  encrypted: boolean;
}

/**
 * Reads the last "startxref N" and the section at N. Deliberately strict: readers repair a
 * wrong offset silently, but our /Prev would then point at garbage and tools that follow the
 * chain (and the signature's own revision) would break, so such files are refused instead.
 */
export function lastXref(pdf: Buffer): LastXref {
  const broken = (why: string) =>
    new UnsupportedPdfError(`the PDF's cross-reference data is damaged (${why}); re-save the PDF before signing`);
  const k = pdf.lastIndexOf('startxref', pdf.length, 'latin1');
  if (k < 0) throw broken('no startxref');
  const lx = new PdfLexer(pdf, k + 'startxref'.length);
  const offset = lx.uint();
  if (offset === null || offset >= k) throw broken('startxref is not a valid offset');
  try {
    const at = new PdfLexer(pdf, offset);
    if (at.keyword('xref')) {
      const t = pdf.indexOf('trailer', at.pos, 'latin1');
      if (t < 0 || t > k) throw broken('xref table without trailer');
      const dict = new PdfLexer(pdf, t + 'trailer'.length).value();
      const size = get(dict, 'Size', 'num')?.v;
      if (size === undefined) throw broken('trailer without /Size');
      return { offset, kind: 'table', size, encrypted: dict.t === 'dict' && dict.v.has('Encrypt') };
    }
    const obj = at.indirectObject();
    if (get(obj.value, 'Type', 'name')?.v !== 'XRef' || !obj.data) throw broken('startxref does not point at an xref section');
    const size = get(obj.value, 'Size', 'num')?.v;
    if (size === undefined) throw broken('xref stream without /Size');
    return { offset, kind: 'stream', size, encrypted: obj.value.t === 'dict' && obj.value.v.has('Encrypt') };
  } catch (e) {
    if (e instanceof UnsupportedPdfError) throw e;
    throw broken((e as Error).message);
  }
}
