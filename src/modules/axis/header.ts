import type { Readable } from 'node:stream';
import { AppError, badRequest } from '../../lib/errors.js';
import { EdxmlError, readPackageHeader } from '../exchange/edxml/index.js';
import type { AxisMessageType } from './tables.js';

/** What the axis needs of a package's edXMLHeader. */
export interface AxisHeader {
  kind: AxisMessageType;
  fromOrganId: string;
  /** Document packages: every To/OrganId; status packages: the organ the status is for (ResponseFor/OrganId). */
  toOrganIds: string[];
  /** edXML DocumentId; for a status package ResponseFor/DocumentId. */
  documentId: string;
  statusCode?: string;
  timestamp?: string;
  /** Document packages: 0 new, 1 revoke, 2 update, 3 replace — a revoke of a document is another package than the document. */
  businessDocType?: number;
}

/** 413, the same words whichever reader (the store's or the codec's) meets the limit first. */
export const tooLarge = (maxBytes: number) =>
  new AppError('payload_too_large', {
    vi: `Gói tin vượt quá ${Math.round(maxBytes / 1024 / 1024)} MB`,
    en: `The package exceeds ${Math.round(maxBytes / 1024 / 1024)} MB`,
  });

/**
 * Reads edXMLHeader with the exchange codec (streamed; DOCTYPE refused; a header signature that
 * does not verify refused). The codec's errors become 400 with its message (413 for its size limit).
 */
export async function readHeader(stream: Readable, maxBytes: number): Promise<AxisHeader> {
  let h;
  try {
    h = await readPackageHeader(stream, { maxBytes });
  } catch (err) {
    if (err instanceof EdxmlError) throw err.code === 'too_large' ? tooLarge(maxBytes) : new AppError('bad_request', err.text);
    throw err;
  }
  if (h.kind === 'status') {
    // A status package names no To: it goes to the organ of the document it answers.
    const organ = h.responseFor?.organId ?? h.documentId.split(',')[0] ?? '';
    if (!h.documentId || !organ) {
      throw badRequest('Gói trạng thái thiếu ResponseFor/DocumentId hoặc OrganId', 'The status package lacks ResponseFor/DocumentId or OrganId');
    }
    return {
      kind: 'status', fromOrganId: h.from.organId, toOrganIds: [organ], documentId: h.documentId,
      ...(h.statusCode ? { statusCode: h.statusCode } : {}), ...(h.timestamp ? { timestamp: h.timestamp } : {}),
    };
  }
  return {
    kind: 'edoc', fromOrganId: h.from.organId, toOrganIds: h.to.map((o) => o.organId), documentId: h.documentId,
    ...(h.timestamp ? { timestamp: h.timestamp } : {}), businessDocType: h.bussinessDocType ?? 0,
  };
}
