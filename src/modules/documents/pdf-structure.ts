// The upload side of "a document's file must be one we can sign": lib/pdf/structure.ts checks the
// bytes, this says what the clerk should do about it (422, Vietnamese first).
import { unprocessable } from '../../lib/errors.js';
import { checkPdfStructure, PdfStructureError } from '../../lib/pdf/structure.js';

/** Throws a 422 naming the file unless the PDF can be signed and sealed (see checkPdfStructure). */
export function checkUploadedPdf(pdf: Buffer, fileName?: string): void {
  try {
    checkPdfStructure(pdf);
  } catch (err) {
    if (!(err instanceof PdfStructureError)) throw err;
    const which = fileName ? ` "${fileName}"` : '';
    if (err.defect === 'encrypted') {
      throw unprocessable(
        `Tệp PDF${which} đang được mã hóa/đặt mật khẩu nên không ký số được; hãy lưu một bản không mã hóa (In → Lưu thành PDF) rồi tải lên`,
        `The PDF${which} is encrypted (password-protected) and cannot be signed; save an unencrypted copy (Print → Save as PDF) and upload that`,
      );
    }
    if (err.defect === 'certified') {
      throw unprocessable(
        `Tệp PDF${which} đã được chứng thực (ký số) với chế độ không cho phép thay đổi nên không thể ký số hay ban hành; hãy dùng bản gốc chưa chứng thực`,
        `The PDF${which} is certified with "no changes allowed" and cannot be signed or issued; use the original, uncertified file`,
      );
    }
    throw unprocessable(
      `Tệp PDF${which} bị hỏng (${err.message}); hãy lưu lại tệp (In → Lưu thành PDF) rồi tải lên`,
      `The PDF${which} is damaged (${err.message}); save it again (Print → Save as PDF) and upload it`,
    );
  }
}
