// The interactive form side of a new signature field: what the catalog's /AcroForm holds now
// (read first, before any object number is handed out), and the objects the update rewrites to
// list one more field. Also the DocMDP "no changes" check that forbids signing at all.
import type { PdfValue } from './lexer.js';
import type { Dict, PdfReader } from './reader.js';
import { num, ref, serialize } from './serialize.js';
import { decodeTextString } from './text.js';
import { certifiedNoChanges } from '../../../lib/pdf/structure.js';
import { UnsupportedPdfError } from './trailer.js';

type Ref = { num: number; gen: number };
/** Rewritten existing objects: object number -> generation and new body. */
export type Changes = Map<number, { gen: number; body: string }>;

export interface FormState {
  catalogRef: Ref;
  catalog: Dict;
  /** Set when /AcroForm is an indirect dictionary. */
  formRef: Ref | null;
  form: Dict | null;
  /** Set when /Fields is an indirect array. */
  fieldsRef: Ref | null;
  fields: PdfValue[] | null;
  /** The wanted field name, made unique among the top-level fields. */
  fieldName: string;
}

export function readForm(r: PdfReader, catalog: Dict, wantedName: string): FormState {
  const root = r.trailer('Root');
  if (root?.t !== 'ref') throw new UnsupportedPdfError('cannot read the PDF: the trailer /Root is not an indirect object');
  const rawForm = catalog.v.get('AcroForm');
  const form = r.resolve(rawForm);
  const formDict = form?.t === 'dict' ? form : null;
  const rawFields = formDict?.v.get('Fields');
  const fields = r.resolve(rawFields);
  const fieldsArr = fields?.t === 'arr' ? fields.v : null;
  return {
    catalogRef: root,
    catalog,
    formRef: rawForm?.t === 'ref' && formDict ? rawForm : null,
    form: formDict,
    fieldsRef: rawFields?.t === 'ref' && fieldsArr ? rawFields : null,
    fields: fieldsArr,
    fieldName: uniqueFieldName(r, fieldsArr ?? [], wantedName),
  };
}

export const copyDict = (d: Dict): Dict => ({ t: 'dict', v: new Map(d.v), start: -1, end: -1 });
export const appended = (items: PdfValue[], item: PdfValue): PdfValue => ({ t: 'arr', v: [...items, item] });

/**
 * Lists `widget` in /AcroForm /Fields and sets /SigFlags 3 (signatures exist, append only).
 * A new /AcroForm dictionary becomes object `newFormNum()`; returns its body then, else null.
 */
export function addToForm(r: PdfReader, s: FormState, widget: number, newFormNum: () => number, changes: Changes): { num: number; body: string } | null {
  const form = s.form ? copyDict(s.form) : { t: 'dict' as const, v: new Map<string, PdfValue>(), start: -1, end: -1 };
  if (s.fieldsRef && s.fields) changes.set(s.fieldsRef.num, { gen: s.fieldsRef.gen, body: serialize(appended(s.fields, ref(widget))) });
  else form.v.set('Fields', appended(s.fields ?? [], ref(widget)));
  const flags = r.lookup(form, 'SigFlags', 'num')?.v ?? 0;
  form.v.set('SigFlags', num((Number.isSafeInteger(flags) ? flags : 0) | 3));
  if (s.formRef) {
    changes.set(s.formRef.num, { gen: s.formRef.gen, body: serialize(form) });
    return null;
  }
  const catalog = copyDict(s.catalog);
  let created: { num: number; body: string } | null = null;
  if (s.form) catalog.v.set('AcroForm', form);
  else {
    created = { num: newFormNum(), body: serialize(form) };
    catalog.v.set('AcroForm', ref(created.num));
  }
  changes.set(s.catalogRef.num, { gen: s.catalogRef.gen, body: serialize(catalog) });
  return created;
}

/** Top-level field names in use, so a new field never merges into an existing one. */
function uniqueFieldName(r: PdfReader, fields: PdfValue[], wanted: string): string {
  const base = wanted.replace(/\./g, '_') || 'Signature';
  const taken = new Set<string>();
  for (const f of fields) {
    const t = r.lookup(r.resolve(f), 'T', 'str');
    if (t) taken.add(decodeTextString(t.v));
  }
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  return name;
}

/** A DocMDP certification with /P 1 forbids any change, signatures included (ISO 32000-1 12.8.2.2). */
export function refuseIfCertifiedNoChanges(r: PdfReader, catalog: Dict) {
  if (certifiedNoChanges(r, catalog)) {
    throw new UnsupportedPdfError('the PDF is certified with "no changes allowed" (DocMDP P=1); it cannot be signed again');
  }
}
