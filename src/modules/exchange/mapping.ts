// Our records ↔ the edXML headers of QCVN 102. Pure functions: the workflows read the rows and the
// files, these say what the package carries and what a received package means for us.
import { DOCUMENT_TYPES, normaliseType } from '../documents/numbering.js';
import type { DocumentRow } from '../documents/present.js';
import {
  buildDocumentId, formatEdxmlDate, formatEdxmlTime, parseDocumentId, parseEdxmlDate, priorityOfUrgency, urgencyOfPriority,
} from './edxml/convert.js';
import type { DocumentHeader, Organ, StatusCode, StatusHeader } from './edxml/types.js';

export interface UnitLike {
  code: string;
  name: string;
}

/** Type 2 = administrative document in the national axis SDKs; our abbreviation goes in TypeDetail. */
const ADMINISTRATIVE = '2';

const organ = (u: UnitLike): Organ => ({ organId: u.code, organName: u.name, organizationInCharge: u.name });

/** The edXML DocumentId of one of our issued documents: `OrganId,yyyy/MM/dd,number/notation`. */
export function documentIdOf(doc: Pick<DocumentRow, 'number' | 'notation' | 'issuedAt' | 'externalId'>, issuer: UnitLike): string {
  if (doc.externalId) return doc.externalId;
  return buildDocumentId({ organId: issuer.code, promulgationDate: formatEdxmlDate(doc.issuedAt!), codeNumber: String(doc.number), codeNotation: notationWithoutNumber(doc.notation!) });
}

/** "15/QĐ-UBND" → "QĐ-UBND"; Party style "05-NQ/HU" → "NQ/HU". */
export function notationWithoutNumber(notation: string): string {
  const m = /^\d+[/-](.+)$/.exec(notation);
  return m ? m[1]! : notation;
}

/**
 * The header of the document package for an issued document: From our unit, To each recipient
 * served by another system, the number and notation, type, subject, signer, due date, priority
 * (4 is never written: a flash dispatch is 3), and the business type (0 new, 1 revoke, 3 replace).
 */
export function documentHeader(p: {
  doc: DocumentRow; issuer: UnitLike & { place?: string | null }; to: UnitLike[];
  signer?: { fullName: string; position?: string | null; competence?: string | null } | null;
  businessDocType: 0 | 1 | 2 | 3; reason?: string | null; pages?: number | null; at: Date;
}): DocumentHeader {
  const { doc } = p;
  return {
    from: organ(p.issuer),
    to: p.to.map(organ),
    documentId: documentIdOf(doc, p.issuer),
    code: { codeNumber: String(doc.number), codeNotation: notationWithoutNumber(doc.notation!) },
    promulgationInfo: { place: p.issuer.place ?? p.issuer.name, promulgationDate: formatEdxmlDate(doc.issuedAt!) },
    documentType: { type: ADMINISTRATIVE, typeDetail: doc.type, typeName: DOCUMENT_TYPES[doc.type] ?? 'Công văn' },
    subject: doc.subject,
    ...(p.signer ? { signerInfo: { fullName: p.signer.fullName, position: p.signer.position ?? undefined, competence: p.signer.competence ?? undefined } } : {}),
    ...(doc.dueDate ? { dueDate: formatEdxmlDate(new Date(`${doc.dueDate}T00:00:00+07:00`)) } : {}),
    otherInfo: { priority: priorityOfUrgency(doc.urgency), promulgationAmount: 1, ...(p.pages ? { pageAmount: p.pages } : {}) },
    traceHeaders: [{ organId: p.issuer.code, timestamp: formatEdxmlTime(p.at) }],
    bussiness: { bussinessDocType: p.businessDocType, ...(p.reason ? { bussinessDocReason: p.reason } : {}) },
  };
}

/** What a received document package means for us: the fields of the local copy. */
export function documentFromHeader(h: DocumentHeader) {
  const parts = safeParseDocumentId(h.documentId);
  const type = normaliseType(h.documentType?.typeDetail ?? '') ?? typeByName(h.documentType?.typeName) ?? 'CV';
  const codeNumber = Number.parseInt(h.code?.codeNumber ?? parts?.codeNumber ?? '', 10);
  const notationTail = h.code?.codeNotation ?? parts?.codeNotation ?? null;
  const number = Number.isFinite(codeNumber) && codeNumber > 0 ? codeNumber : null;
  const issuedOn = tryDate(h.promulgationInfo?.promulgationDate ?? parts?.promulgationDate ?? '');
  return {
    externalId: h.documentId,
    type,
    subject: (h.subject ?? '').trim().normalize('NFC').slice(0, 500) || 'Văn bản không có trích yếu',
    number,
    notation: number !== null && notationTail ? `${String(number).padStart(2, '0')}/${notationTail}` : notationTail,
    urgency: urgencyOfPriority(h.otherInfo?.priority ?? 0),
    dueDate: h.dueDate ? isoDay(tryDate(h.dueDate)) : null,
    issuedAt: issuedOn,
    businessDocType: h.bussiness?.bussinessDocType ?? 0,
    reason: h.bussiness?.bussinessDocReason ?? null,
  };
}

/** The status package telling the sender of a document where its copy stands with us. */
export function statusHeader(p: {
  documentId: string; sender: UnitLike; answering: UnitLike; statusCode: StatusCode; description: string; at: Date;
  staff?: { fullName: string; department?: string | null } | null;
}): StatusHeader {
  const parts = safeParseDocumentId(p.documentId);
  return {
    responseFor: {
      organId: p.sender.code, documentId: p.documentId,
      ...(parts ? { code: `${parts.codeNumber}/${parts.codeNotation}`, promulgationDate: parts.promulgationDate } : {}),
    },
    from: organ(p.answering),
    ...(p.staff ? { staffInfo: { staff: p.staff.fullName, ...(p.staff.department ? { department: p.staff.department } : {}) } } : {}),
    statusCode: p.statusCode,
    description: p.description,
    timestamp: formatEdxmlTime(p.at),
    traceHeaders: [{ organId: p.answering.code, timestamp: formatEdxmlTime(p.at) }],
  };
}

/**
 * A status code from the recipient's system, as a change of our delivery. 01 (arrived) changes no
 * status: it is the transport confirmation, or — with a description saying so — the acknowledgement
 * of a flash document.
 */
export function changeOfStatus(code: StatusCode, description?: string): 'acknowledged' | 'refused' | 'accepted' | 'assigned' | 'in_progress' | 'completed' | 'recalled' | 'recall_refused' | 'arrived' | null {
  switch (code) {
    case '01': return /đã nhận văn bản hỏa tốc|acknowledg/i.test(description ?? '') ? 'acknowledged' : 'arrived';
    case '02': return 'refused';
    case '03': return 'accepted';
    case '04': return 'assigned';
    case '05': return 'in_progress';
    case '06': return 'completed';
    case '15': return 'recalled';
    case '16': return 'recall_refused';
    default: return null;
  }
}

function safeParseDocumentId(id: string) {
  try {
    return parseDocumentId(id);
  } catch {
    return null;
  }
}

function tryDate(s: string): Date | null {
  try {
    return parseEdxmlDate(s);
  } catch {
    return null;
  }
}

const isoDay = (d: Date | null) => (d ? new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 10) : null);

function typeByName(name: string | undefined): string | null {
  if (!name) return null;
  const n = name.trim().toLowerCase().normalize('NFC');
  return Object.entries(DOCUMENT_TYPES).find(([, v]) => v.toLowerCase() === n)?.[0] ?? null;
}
