// What a PDF must be for us to keep it as a document's file: readable the way our incremental
// signer reads it (reader.ts), not encrypted, not certified against changes, with a page tree
// that has pages and no loops. Run on every upload (documents) so a file that could never be
// signed or sealed is refused when the clerk attaches it, not when the document is issued.
import { pdfHeaderOffset } from '../pdf-guard.js';
import { PdfSyntaxError, type PdfValue } from './lexer.js';
import { catalogOf, findPage, pageCountOf } from './pages.js';
import { type Dict, PdfReader } from './reader.js';
import { lastXref, UnsupportedPdfError } from './trailer.js';

export type PdfDefect = 'encrypted' | 'certified' | 'broken';

export class PdfStructureError extends Error {
  constructor(readonly defect: PdfDefect, message: string) {
    super(message);
    this.name = 'PdfStructureError';
  }
}

/** ISO 32000-1 annex C: at most 8,388,607 indirect objects, so /Size is at most one more. */
export const MAX_OBJECT_NUMBER = 8_388_607;
/** Page tree depth we follow (pages.ts walks no deeper either). */
const MAX_TREE_DEPTH = 64;

/** An intermediate node has /Kids; "#" could spell it as a name escape (as in pages.ts). */
const LEX_IF = ['/Kids', '#'];

/** Up to this many pages (/Count) every page dictionary is read, so a damaged one is found at upload. */
const LEX_EVERY_PAGE_UP_TO = 2000;

const broken = (why: string) => new PdfStructureError('broken', why);

/** A DocMDP certification with /P 1 forbids any change, signatures included (ISO 32000-1 12.8.2.2). */
export function certifiedNoChanges(r: PdfReader, catalog: Dict): boolean {
  const sig = r.lookup(r.lookup(catalog, 'Perms', 'dict'), 'DocMDP', 'dict');
  for (const ref of r.lookup(sig, 'Reference', 'arr')?.v ?? []) {
    const params = r.lookup(r.resolve(ref), 'TransformParams', 'dict');
    if (r.lookup(params, 'P', 'num')?.v === 1) return true;
  }
  return false;
}

/**
 * Throws PdfStructureError unless `pdf` (bytes before "%PDF-" are skipped, as readers do) is a
 * PDF we can sign: the last startxref points at a readable cross-reference section listing object
 * numbers within the PDF limit, whose trailer has an indirect /Root dictionary; no /Encrypt; no
 * DocMDP "no changes"; a page tree without loops, at most 64 levels deep, whose pages are all
 * dictionaries (each one read in documents of up to 2,000 pages), with at least one page, and
 * whose first and last page can be found the way the seal finds them. Returns the page count.
 * The trailer's /Size is not judged: the signer does not trust it (reader.ts nextFreeNumber).
 */
export function checkPdfStructure(pdf: Buffer): { pages: number } {
  const at = pdfHeaderOffset(pdf);
  if (at < 0) throw broken('no %PDF- header');
  const body = at > 0 ? pdf.subarray(at) : pdf;
  try {
    const last = lastXref(body);
    if (last.encrypted) throw new PdfStructureError('encrypted', 'the PDF is encrypted');
    const r = PdfReader.open(body, last);
    if (r.trailer('Encrypt')) throw new PdfStructureError('encrypted', 'the PDF is encrypted');
    if (r.highestListedNumber() > MAX_OBJECT_NUMBER) throw broken('object numbers beyond the PDF limit');
    const root = r.trailer('Root');
    if (!root) throw broken('the trailer has no /Root');
    if (root.t !== 'ref') throw broken('the trailer /Root is not an indirect object');
    if (r.resolve(root)?.t !== 'dict') throw broken('the document catalog is missing or not a dictionary');
    const catalog = catalogOf(r);
    if (certifiedNoChanges(r, catalog)) throw new PdfStructureError('certified', 'the PDF is certified with "no changes allowed" (DocMDP P=1)');
    const tree = r.lookup(catalog, 'Pages', 'dict');
    if (!tree) throw broken('the catalog has no page tree');
    const count = pageCountOf(r);
    const leaves = walkPages(r, tree, catalog.v.get('Pages'), count > LEX_EVERY_PAGE_UP_TO);
    if (leaves === 0) throw broken('the PDF has no pages');
    if (!findPage(r, 0) || !findPage(r, count - 1)) throw broken('the page tree does not match its /Count');
    return { pages: count };
  } catch (e) {
    if (e instanceof PdfStructureError) throw e;
    if (e instanceof UnsupportedPdfError || e instanceof PdfSyntaxError) {
      const why = e.message.replace(/; re-save the PDF before signing$/, '').replace(/^cannot read the PDF: /, '');
      throw /encrypt/i.test(why) ? new PdfStructureError('encrypted', why) : broken(why);
    }
    // Anything else our reader meets in hostile bytes is still the file's fault, never a 500.
    throw broken(e instanceof Error ? e.message : String(e));
  }
}

/** Every node of the page tree once: the number of pages, or broken on a loop, too deep a tree, or a kid that is no dictionary. */
function walkPages(r: PdfReader, root: Dict, rootRef: PdfValue | undefined, lazy: boolean): number {
  const seen = new Set<number>(rootRef?.t === 'ref' ? [rootRef.num] : []);
  let pages = 0;
  const stack: Array<{ node: Dict; depth: number }> = [{ node: root, depth: 0 }];
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (depth > MAX_TREE_DEPTH) throw broken('the page tree is nested too deeply');
    const kids = r.lookup(node, 'Kids', 'arr');
    if (!kids) throw broken('a page tree node has no /Kids');
    for (const kid of kids.v) {
      if (kid.t === 'ref') {
        if (seen.has(kid.num)) throw broken('a loop in the page tree');
        seen.add(kid.num);
        // In a long document a page whose bytes show it is no node is counted without lexing it
        // (a flat tree of 100,000 pages would otherwise mean 100,000 dictionaries read).
        if (lazy && !r.mayContain(kid.num, LEX_IF)) {
          pages++;
          continue;
        }
      }
      const d = r.resolve(kid);
      if (d?.t !== 'dict') throw broken('a page or page tree node cannot be read');
      if (isNode(d)) stack.push({ node: d, depth: depth + 1 });
      else pages++;
    }
  }
  return pages;
}

function isNode(d: Dict): boolean {
  const type = d.v.get('Type');
  if (type?.t === 'name' && (type.v === 'Pages' || type.v === 'Page')) return type.v === 'Pages';
  return d.v.has('Kids');
}

/**
 * Why readers cannot open the file's last revision, or null: its startxref must point at a
 * readable cross-reference section, listing object numbers within the PDF limit (poppler cannot
 * read an xref listing object 1000000003 and then finds no signature at all: what an update to a
 * file claiming /Size 1000000000 used to write), with a trailer /Root. A verifier must not call a
 * signature valid in a file that readers cannot open. `pdf` starts at its "%PDF-" header.
 */
export function lastRevisionProblem(pdf: Buffer): string | null {
  try {
    const r = PdfReader.open(pdf, lastXref(pdf));
    if (r.highestListedNumber() > MAX_OBJECT_NUMBER) return `the cross-reference data lists object numbers beyond ${MAX_OBJECT_NUMBER}`;
    const root = r.trailer('Root');
    if (root?.t !== 'ref' || r.resolve(root)?.t !== 'dict') return 'the trailer has no document catalog';
    return null;
  } catch (e) {
    if (e instanceof UnsupportedPdfError || e instanceof PdfSyntaxError) return e.message;
    throw e;
  }
}
