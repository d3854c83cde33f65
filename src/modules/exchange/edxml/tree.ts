// A small element tree for the parts of a package that are small (edXMLHeader, the manifest, an
// attachment's metadata), and the mapping from it to the typed headers.
import { parseEdxmlTime } from './convert.js';
import {
  EDXML_NS, edxmlError, STATUS_CODES,
  type BussinessDocType, type DocumentHeader, type Organ, type Priority, type ResponseFor, type StatusCode, type StatusHeader,
  type TraceHeader,
} from './types.js';

export interface El {
  local: string;
  uri: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}

/** Elements of the standard: in its namespace or in none. */
export const isEdxml = (e: { uri: string }) => e.uri === EDXML_NS || e.uri === '';

export const kids = (e: El | undefined, local: string): El[] => (e ? e.children.filter((c) => c.local === local && isEdxml(c)) : []);
export const kid = (e: El | undefined, local: string): El | undefined => kids(e, local)[0];

/** Trimmed text of a child, undefined when absent or empty. */
export function txt(e: El | undefined, local: string): string | undefined {
  const c = kid(e, local);
  const t = c?.text.trim();
  return t ? t : undefined;
}

const missing = (path: string) =>
  edxmlError('missing_element', `Thiếu phần tử bắt buộc ${path}`, `Required element ${path} is missing`);
const badValue = (path: string, v: string) =>
  edxmlError('bad_value', `Giá trị không hợp lệ ở ${path}: ${v}`, `Invalid value in ${path}: ${v}`);

function need(e: El | undefined, local: string, path: string): string {
  const v = txt(e, local);
  if (v === undefined) throw missing(`${path}/${local}`);
  return v;
}

function int(e: El | undefined, local: string, path: string): number | undefined {
  const v = txt(e, local);
  if (v === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v)) throw badValue(`${path}/${local}`, v);
  return Number(v);
}

/** Drop undefined members (and objects left empty), so a read header equals a written one. */
export function compact<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (v && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v)) {
      const c = compact(v as object);
      if (Object.keys(c).length === 0) continue;
      out[k] = c;
    } else out[k] = v;
  }
  return out as T;
}

function organ(e: El | undefined, path: string): Organ {
  if (!e) throw missing(path);
  return compact({
    organId: need(e, 'OrganId', path),
    organizationInCharge: txt(e, 'OrganizationInCharge'),
    organName: txt(e, 'OrganName'),
    organAdd: txt(e, 'OrganAdd'),
    email: txt(e, 'Email'),
    telephone: txt(e, 'Telephone'),
    website: txt(e, 'Website'),
  });
}

function responseFor(e: El | undefined): ResponseFor | undefined {
  if (!e) return undefined;
  return compact({
    organId: txt(e, 'OrganId'),
    code: txt(e, 'Code'),
    promulgationDate: txt(e, 'PromulgationDate'),
    documentId: txt(e, 'DocumentId'),
  });
}

function traces(header: El): { traceHeaders?: TraceHeader[]; bussiness?: DocumentHeader['bussiness'] } {
  const list = kid(header, 'TraceHeaderList');
  if (!list) return {};
  const traceHeaders = kids(list, 'TraceHeader').map((t) => ({
    organId: need(t, 'OrganId', 'TraceHeader'),
    timestamp: need(t, 'Timestamp', 'TraceHeader'),
  }));
  const b = kid(list, 'Bussiness');
  let bussiness: DocumentHeader['bussiness'];
  if (b) {
    const type = int(b, 'BussinessDocType', 'Bussiness');
    if (type !== undefined && type > 3) throw badValue('Bussiness/BussinessDocType', String(type));
    bussiness = compact({
      bussinessDocType: type as BussinessDocType | undefined,
      bussinessDocReason: txt(b, 'BussinessDocReason'),
      paper: txt(b, 'Paper'),
    });
  }
  return compact({ traceHeaders: traceHeaders.length ? traceHeaders : undefined, bussiness });
}

/**
 * The kind of a package: a status package is one whose MessageHeader has a StatusCode child;
 * every other package is a document package.
 */
export function kindOf(header: El): 'document' | 'status' {
  return kid(kid(header, 'MessageHeader'), 'StatusCode') ? 'status' : 'document';
}

export function documentHeaderOf(header: El): DocumentHeader {
  const mh = kid(header, 'MessageHeader');
  if (!mh) throw missing('edXMLHeader/MessageHeader');
  const to = kids(mh, 'To').map((t) => organ(t, 'MessageHeader/To'));
  if (to.length === 0) throw missing('MessageHeader/To');
  const code = kid(mh, 'Code');
  const pi = kid(mh, 'PromulgationInfo');
  const dt = kid(mh, 'DocumentType');
  const si = kid(mh, 'SignerInfo');
  const tp = kid(mh, 'ToPlaces');
  const oi = kid(mh, 'OtherInfo');
  const priority = int(oi, 'Priority', 'OtherInfo');
  if (priority !== undefined && priority > 4) throw badValue('OtherInfo/Priority', String(priority));
  return compact({
    from: organ(kid(mh, 'From'), 'MessageHeader/From'),
    to,
    documentId: need(mh, 'DocumentId', 'MessageHeader'),
    code: code ? compact({ codeNumber: txt(code, 'CodeNumber'), codeNotation: txt(code, 'CodeNotation') }) : undefined,
    promulgationInfo: pi ? compact({ place: txt(pi, 'Place'), promulgationDate: txt(pi, 'PromulgationDate') }) : undefined,
    documentType: dt ? compact({ type: txt(dt, 'Type'), typeDetail: txt(dt, 'TypeDetail'), typeName: txt(dt, 'TypeName') }) : undefined,
    subject: txt(mh, 'Subject'),
    content: txt(mh, 'Content'),
    signerInfo: si ? compact({ competence: txt(si, 'Competence'), position: txt(si, 'Position'), fullName: txt(si, 'FullName') }) : undefined,
    dueDate: txt(mh, 'DueDate'),
    toPlaces: tp ? kids(tp, 'Place').map((p) => p.text.trim()).filter((p) => p) : undefined,
    otherInfo: oi
      ? compact({
          priority: priority as Priority | undefined,
          sphereOfPromulgation: txt(oi, 'SphereOfPromulgation'),
          typerNotation: txt(oi, 'TyperNotation'),
          promulgationAmount: int(oi, 'PromulgationAmount', 'OtherInfo'),
          pageAmount: int(oi, 'PageAmount', 'OtherInfo'),
        })
      : undefined,
    steeringType: txt(mh, 'SteeringType'),
    responseFor: responseFor(kid(mh, 'ResponseFor')),
    ...traces(header),
  });
}

export function statusHeaderOf(header: El): StatusHeader {
  const mh = kid(header, 'MessageHeader');
  if (!mh) throw missing('edXMLHeader/MessageHeader');
  const rf = responseFor(kid(mh, 'ResponseFor'));
  if (!rf) throw missing('MessageHeader/ResponseFor');
  if (!rf.documentId) throw missing('MessageHeader/ResponseFor/DocumentId');
  const code = need(mh, 'StatusCode', 'MessageHeader');
  if (!(STATUS_CODES as readonly string[]).includes(code)) throw badValue('MessageHeader/StatusCode', code);
  const timestamp = need(mh, 'Timestamp', 'MessageHeader');
  parseEdxmlTime(timestamp);
  const st = kid(mh, 'StaffInfo');
  const { traceHeaders } = traces(header);
  return compact({
    responseFor: rf as StatusHeader['responseFor'],
    from: organ(kid(mh, 'From'), 'MessageHeader/From'),
    staffInfo: st ? compact({ department: txt(st, 'Department'), staff: txt(st, 'Staff'), mobile: txt(st, 'Mobile'), email: txt(st, 'Email') }) : undefined,
    statusCode: code as StatusCode,
    description: txt(mh, 'Description'),
    timestamp,
    traceHeaders,
  });
}
