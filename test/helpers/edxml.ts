// Shared fixtures of the edXML tests: full headers, an attachment collector, a stream reader.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AttachmentInfo, DocumentHeader, StatusHeader } from '../../src/modules/exchange/edxml/index.js';

/** A document header with every element the standard has, Vietnamese and `&`/`<` in the text. */
export function fullDocumentHeader(): DocumentHeader {
  return {
    from: {
      organId: '000.00.01.H53', organizationInCharge: 'UBND tỉnh Hà Tĩnh', organName: 'Văn phòng UBND tỉnh',
      organAdd: '01 Nguyễn Tất Thành, TP. Hà Tĩnh', email: 'vanphong@hatinh.gov.vn', telephone: '02393855678', website: 'https://hatinh.gov.vn',
    },
    to: [
      { organId: '000.00.02.H53', organName: 'Sở Tài chính' },
      { organId: '000.00.03.H53', organizationInCharge: 'UBND tỉnh', organName: 'Sở Kế hoạch & Đầu tư <KH&ĐT>' },
    ],
    documentId: '000.00.01.H53,2026/11/30,125/QĐ-UBND',
    code: { codeNumber: '125', codeNotation: 'QĐ-UBND' },
    promulgationInfo: { place: 'Hà Tĩnh', promulgationDate: '2026/11/30' },
    documentType: { type: '1', typeDetail: '2', typeName: 'Quyết định' },
    subject: 'V/v phê duyệt kế hoạch "chuyển đổi số" năm 2027 & giao chỉ tiêu <quý I>',
    content: 'Nội dung:\n- dòng một\n- dòng hai\tcó tab',
    signerInfo: { competence: 'KT. CHỦ TỊCH', position: 'PHÓ CHỦ TỊCH', fullName: 'Nguyễn Văn Ánh' },
    dueDate: '2026/12/15',
    toPlaces: ['Như trên', 'Lưu: VT, TH'],
    otherInfo: { priority: 2, sphereOfPromulgation: 'Lưu hành nội bộ', typerNotation: 'TH', promulgationAmount: 10, pageAmount: 3 },
    steeringType: '1',
    responseFor: { organId: '000.00.02.H53', code: '45/STC-NS', promulgationDate: '2026/11/20', documentId: '000.00.02.H53,2026/11/20,45/STC-NS' },
    traceHeaders: [{ organId: '000.00.01.H53', timestamp: '2026/11/30 15:04:05' }],
    bussiness: { bussinessDocType: 0, bussinessDocReason: 'Ban hành mới', paper: '0' },
  };
}

export function fullStatusHeader(): StatusHeader {
  return {
    responseFor: { organId: '000.00.01.H53', code: '125/QĐ-UBND', promulgationDate: '2026/11/30', documentId: '000.00.01.H53,2026/11/30,125/QĐ-UBND' },
    from: { organId: '000.00.02.H53', organizationInCharge: 'UBND tỉnh Hà Tĩnh', organName: 'Sở Tài chính' },
    staffInfo: { department: 'Văn thư', staff: 'Trần Thị Bình', mobile: '0912345678', email: 'vt@stc.hatinh.gov.vn' },
    statusCode: '03',
    description: 'Đã tiếp nhận',
    timestamp: '2026/11/30 16:00:00',
  };
}

export interface Collected extends AttachmentInfo {
  data: Buffer;
}

/** onAttachment that keeps every attachment in memory (small test files only). */
export function collector(): { onAttachment: (info: AttachmentInfo, s: Readable) => Promise<void>; files: Collected[] } {
  const files: Collected[] = [];
  return {
    files,
    onAttachment: async (info, s) => {
      const parts: Buffer[] = [];
      for await (const c of s) parts.push(c as Buffer);
      files.push({ ...info, data: Buffer.concat(parts) });
    },
  };
}

/** onAttachment that only hashes (memory flat). */
export function hasher(): { onAttachment: (info: AttachmentInfo, s: Readable) => Promise<void>; hashes: Map<string, { sha256: string; size: number }> } {
  const hashes = new Map<string, { sha256: string; size: number }>();
  return {
    hashes,
    onAttachment: async (info, s) => {
      const h = createHash('sha256');
      let size = 0;
      for await (const c of s) {
        h.update(c as Buffer);
        size += (c as Buffer).length;
      }
      hashes.set(info.contentId, { sha256: h.digest('hex'), size });
    },
  };
}

export async function readAll(s: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** A byte stream in chunks of `size` (to exercise chunk boundaries). */
export const chunked = (b: Buffer, size = 7): Readable =>
  Readable.from((function* () { for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size); })());
