// Types of the edXML packages of QCVN 102:2016 (amended 2022): camelCase mirrors of the element
// names, optional where the standard makes the element optional. Dates stay the strings the
// standard writes (`yyyy/MM/dd`, `yyyy/MM/dd HH:mm:ss`, Vietnam time); convert.ts turns them into
// Dates and back.
import type { Message } from '../../../lib/errors.js';

/** The namespace of the standard. Readers also accept elements without namespace. */
export const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** An organisation as in From and To. */
export interface Organ {
  organId: string;
  organizationInCharge?: string;
  organName?: string;
  organAdd?: string;
  email?: string;
  telephone?: string;
  website?: string;
}

export interface Code {
  codeNumber?: string;
  codeNotation?: string;
}

/** ResponseFor: the document a package answers. */
export interface ResponseFor {
  organId?: string;
  code?: string;
  /** yyyy/MM/dd */
  promulgationDate?: string;
  documentId?: string;
}

/** 0 new, 1 revoke, 2 update, 3 replace. */
export type BussinessDocType = 0 | 1 | 2 | 3;

export interface TraceHeader {
  organId: string;
  /** yyyy/MM/dd HH:mm:ss */
  timestamp: string;
}

/** `Bussiness` (so spelled in the standard). */
export interface Bussiness {
  bussinessDocType?: BussinessDocType;
  bussinessDocReason?: string;
  paper?: string;
}

/** 0 normal, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ. */
export type Priority = 0 | 1 | 2 | 3 | 4;

export interface OtherInfo {
  priority?: Priority;
  sphereOfPromulgation?: string;
  typerNotation?: string;
  promulgationAmount?: number;
  pageAmount?: number;
}

/** MessageHeader and TraceHeaderList of a document package. */
export interface DocumentHeader {
  from: Organ;
  to: Organ[];
  /** `OrganId,yyyy/MM/dd,number/notation` (see buildDocumentId). */
  documentId: string;
  code?: Code;
  promulgationInfo?: { place?: string; /** yyyy/MM/dd */ promulgationDate?: string };
  documentType?: { type?: string; typeDetail?: string; typeName?: string };
  subject?: string;
  content?: string;
  signerInfo?: { competence?: string; position?: string; fullName?: string };
  /** yyyy/MM/dd */
  dueDate?: string;
  toPlaces?: string[];
  otherInfo?: OtherInfo;
  steeringType?: string;
  responseFor?: ResponseFor;
  traceHeaders?: TraceHeader[];
  bussiness?: Bussiness;
}

/**
 * Status codes of a status package: 01 arrived, 02 refused, 03 accepted, 04 assigned, 05 in
 * progress, 06 completed, 13 recall asked, 15 recall agreed, 16 recall refused.
 */
export const STATUS_CODES = ['01', '02', '03', '04', '05', '06', '13', '15', '16'] as const;
export type StatusCode = (typeof STATUS_CODES)[number];

export interface StaffInfo {
  department?: string;
  staff?: string;
  mobile?: string;
  email?: string;
}

/** MessageHeader of a status package (no attachments). */
export interface StatusHeader {
  /** The document answered; its DocumentId is required. */
  responseFor: ResponseFor & { documentId: string };
  from: Organ;
  staffInfo?: StaffInfo;
  statusCode: StatusCode;
  description?: string;
  /** yyyy/MM/dd HH:mm:ss */
  timestamp: string;
  traceHeaders?: TraceHeader[];
}

export type PackageKind = 'document' | 'status';

/** What the exchange axis needs of a package, read from edXMLHeader alone. */
export interface PackageHeaderInfo {
  kind: PackageKind;
  from: Organ;
  /** Empty for a status package. */
  to: Organ[];
  /** The document's id; for a status package, ResponseFor/DocumentId. */
  documentId: string;
  statusCode?: StatusCode;
  /** Status packages: Timestamp; documents: the last TraceHeader's Timestamp, if any. */
  timestamp?: string;
  responseFor?: ResponseFor;
  /** Document packages: Bussiness/BussinessDocType (0 new, 1 revoke, 2 update, 3 replace; absent = 0). */
  bussinessDocType?: BussinessDocType;
  signature: SignatureReport;
}

/** An attachment as written and as read (metadata). */
export interface AttachmentInfo {
  contentId: string;
  /** The file's name (AttachmentName). */
  name: string;
  contentType: string;
  description?: string;
}

/** An attachment to write: `open` is called once, when the writer reaches it. */
export interface AttachmentSource extends AttachmentInfo {
  open: () => NodeJS.ReadableStream | AsyncIterable<Uint8Array>;
}

/** What is known after an attachment was read. */
export interface AttachmentRead extends AttachmentInfo {
  /** Bytes of the file (after base64 and, when zipped, after unzipping). */
  size: number;
  /** SHA-256 of the file, hex. */
  sha256: string;
  /** The attachment was a zip holding the file (the national SDK's way). */
  zipped: boolean;
  /** When zipped: the name of the file in the zip. */
  zipEntryName?: string;
}

/** The header signature as read: trust (the chain to anchors) is the caller's decision. */
export interface SignatureReport {
  signed: boolean;
  /** null when unsigned. */
  valid: boolean | null;
  /** DER of the signing certificate (KeyInfo/X509Data). */
  certificate?: Buffer;
  /** Other certificates in X509Data (candidate intermediates). */
  chain?: Buffer[];
  problem?: string;
}

export type EdxmlErrorCode =
  | 'malformed'
  | 'doctype'
  | 'encoding'
  | 'too_large'
  | 'bad_base64'
  | 'bad_zip'
  | 'zip_bomb'
  | 'bad_signature'
  | 'missing_element'
  | 'bad_value'
  | 'not_edxml'
  | 'attachment_failed';

/** Every failure of reading or writing a package. `text` is the message in both languages. */
export class EdxmlError extends Error {
  constructor(
    readonly code: EdxmlErrorCode,
    readonly text: Message,
    options?: { cause?: unknown },
  ) {
    super(text.en, options);
    this.name = 'EdxmlError';
  }
}

export const edxmlError = (code: EdxmlErrorCode, vi: string, en: string, cause?: unknown) =>
  new EdxmlError(code, { vi, en }, cause === undefined ? undefined : { cause });
