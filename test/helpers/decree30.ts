// A real Decree 30/2020 (appendix I) layout PDF, as a commune's Word template prints it: A4,
// serif with Vietnamese glyphs (DejaVu Serif, the Times-like face we ship), the header in two
// columns — the unit top left with "Số:      /QĐ-UBND" under it, the national title and motto
// top right with the italic "Sơn Hà, ngày      tháng      năm 2026" — then the title, the
// trích yếu, body paragraphs, "Nơi nhận:" bottom left and the signature block bottom right
// (competence, position, ~70 pt blank for the signature, the name). Returns the bytes and where
// everything was drawn, so tests compare positions instead of guessing them.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, type PDFFont, type PDFPage } from 'pdf-lib';

export interface Decree30Options {
  /** 'QĐ' = a quyết định (title, "Số: /QĐ-UBND"); 'CV' = a công văn ("Số: /UBND-VP", "V/v …" under it). */
  type?: 'QĐ' | 'CV';
  /** The two lines top left. */
  parentName?: string | null;
  unitName?: string;
  /** What follows the blank after "Số:" (default "/QĐ-UBND" or "/UBND-VP"); "" prints "Số:" alone. */
  notationSuffix?: string;
  /** The place before ", ngày"; null prints the date line without a place ("ngày … tháng … năm 2026"). */
  place?: string | null;
  /** The year after "năm"; "" leaves it blank too. */
  year?: string;
  /** The signature block: competence line (null = none), position, name. */
  competence?: string | null;
  position?: string;
  signerName?: string;
  subject?: string;
  /** Total pages; the signature block is on the last one (default 1). */
  pages?: number;
  /** Font size of the body and of the header's "Số:" and date lines (default 13). */
  fontSize?: number;
  /** Omit the "Số:" and date lines (a document that does not follow the layout). */
  noHeaderLines?: boolean;
}

export interface Drawn {
  page: number;
  /** Baseline start and extent, PDF points. */
  x: number;
  y: number;
  width: number;
  size: number;
  text: string;
}

export interface Decree30 {
  pdf: Buffer;
  pageSize: { width: number; height: number };
  numberLine: Drawn | null;
  dateLine: Drawn | null;
  competenceLine: Drawn | null;
  positionLine: Drawn;
  nameLine: Drawn;
  /** The blank between the position and the name, where a signature image goes. */
  signatureGap: { page: number; x1: number; y1: number; x2: number; y2: number };
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = { left: 85, right: 57, top: 57, bottom: 57 };
const BLANK = ' '.repeat(6);

let fontFiles: Record<'regular' | 'bold' | 'italic' | 'boldItalic', Buffer> | null = null;
function fonts() {
  if (!fontFiles) {
    const req = createRequire(import.meta.url);
    const file = (n: string) => fs.readFileSync(req.resolve(`dejavu-fonts-ttf/ttf/${n}.ttf`));
    fontFiles = { regular: file('DejaVuSerif'), bold: file('DejaVuSerif-Bold'), italic: file('DejaVuSerif-Italic'), boldItalic: file('DejaVuSerif-BoldItalic') };
  }
  return fontFiles;
}

const BODY = [
  'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;',
  'Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;',
  'Theo đề nghị của Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã.',
  'Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc của Ủy ban nhân dân xã nhiệm kỳ 2026 - 2031, gồm các quy định về nguyên tắc, chế độ trách nhiệm, lề lối làm việc và quan hệ công tác.',
  'Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký. Các quy định trước đây trái với Quyết định này đều bãi bỏ.',
  'Điều 3. Chánh Văn phòng, trưởng các bộ phận chuyên môn, các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./.',
];

export async function decree30Pdf(opts: Decree30Options = {}): Promise<Decree30> {
  const type = opts.type ?? 'QĐ';
  const size = opts.fontSize ?? 13;
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkit);
  const ff = fonts();
  const f = {
    regular: await doc.embedFont(ff.regular, { subset: true }),
    bold: await doc.embedFont(ff.bold, { subset: true }),
    italic: await doc.embedFont(ff.italic, { subset: true }),
    boldItalic: await doc.embedFont(ff.boldItalic, { subset: true }),
  };
  const pageCount = Math.max(1, opts.pages ?? 1);
  const pages: PDFPage[] = Array.from({ length: pageCount }, () => doc.addPage([A4.width, A4.height]));
  const right = A4.width - MARGIN.right;
  const leftCenter = MARGIN.left + 80;
  const rightCenter = right - 125;

  const draw = (pageIndex: number, text: string, font: PDFFont, sz: number, at: { x?: number; center?: number; right?: number; y: number }): Drawn => {
    const width = font.widthOfTextAtSize(text, sz);
    const x = at.x ?? (at.center !== undefined ? at.center - width / 2 : at.right! - width);
    pages[pageIndex]!.drawText(text, { x, y: at.y, size: sz, font });
    return { page: pageIndex, x, y: at.y, width, size: sz, text };
  };
  /** The largest size up to `sz` at which `text` fits in `width`. */
  const fit = (text: string, font: PDFFont, sz: number, width: number) => Math.min(sz, Math.floor((width / font.widthOfTextAtSize(text, 1)) * 10) / 10);

  // Header, two columns.
  let y = A4.height - MARGIN.top - 12;
  const parent = opts.parentName === undefined ? 'ỦY BAN NHÂN DÂN' : opts.parentName;
  const unit = opts.unitName ?? 'XÃ SƠN HÀ';
  const national = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
  draw(0, national, f.bold, fit(national, f.bold, 12, 250), { center: rightCenter, y });
  if (parent) draw(0, parent, f.regular, fit(parent, f.regular, 12, 190), { center: leftCenter, y });
  y -= 16;
  draw(0, 'Độc lập - Tự do - Hạnh phúc', f.bold, 13, { center: rightCenter, y });
  draw(0, unit, f.bold, fit(unit, f.bold, 12, 190), { center: leftCenter, y });
  y -= 34;
  let numberLine: Drawn | null = null;
  let dateLine: Drawn | null = null;
  if (!opts.noHeaderLines) {
    const suffix = opts.notationSuffix ?? (type === 'CV' ? '/UBND-VP' : '/QĐ-UBND');
    numberLine = draw(0, `Số:${BLANK}${suffix}`.trimEnd(), f.regular, size, { center: leftCenter, y });
    const place = opts.place === undefined ? 'Sơn Hà' : opts.place;
    const year = opts.year ?? '2026';
    const date = `${place ? `${place}, ` : ''}ngày${BLANK}tháng${BLANK}năm ${year}`.trimEnd();
    dateLine = draw(0, date, f.italic, size, { center: rightCenter, y });
  }
  y -= 20;
  const subject = opts.subject ?? 'Về việc ban hành Quy chế làm việc của Ủy ban nhân dân xã';
  if (type === 'CV') {
    const vv = `V/v ${subject.replace(/^Về việc /i, '').slice(0, 60)}`;
    draw(0, vv, f.regular, 12, { center: leftCenter, y });
    y -= 40;
    draw(0, 'Kính gửi: Các phòng, ban và đơn vị trực thuộc.', f.regular, size, { center: A4.width / 2 + 20, y });
    y -= 34;
  } else {
    y -= 16;
    draw(0, 'QUYẾT ĐỊNH', f.bold, 14, { center: A4.width / 2 + 14, y });
    y -= 18;
    draw(0, subject, f.bold, fit(subject, f.bold, 14, right - MARGIN.left), { center: A4.width / 2 + 14, y });
    y -= 30;
    draw(0, `CHỦ TỊCH ${parent ?? ''} ${unit}`.replace(/\s+/g, ' ').trim(), f.bold, 13, { center: A4.width / 2 + 14, y });
    y -= 30;
  }

  // Body, wrapped; paragraphs spread over the pages so that the last one still has room for the signature block.
  const wrap = (text: string, width: number) => {
    const out: string[] = [];
    let line = '';
    for (const word of text.split(' ')) {
      const next = line ? `${line} ${word}` : word;
      if (line && f.regular.widthOfTextAtSize(next, size) > width) {
        out.push(line);
        line = word;
      } else line = next;
    }
    if (line) out.push(line);
    return out;
  };
  let page = 0;
  const perPage = Math.ceil(BODY.length / pageCount);
  BODY.forEach((para, i) => {
    const target = Math.min(pageCount - 1, Math.floor(i / perPage));
    if (target !== page) {
      page = target;
      y = A4.height - MARGIN.top - 20;
    }
    wrap(para, right - MARGIN.left - 20).forEach((l, j) => {
      draw(page, l, f.regular, size, { x: MARGIN.left + (j === 0 ? 20 : 0), y });
      y -= size * 1.35;
    });
    y -= 6;
  });

  // Nơi nhận (bottom left) and the signature block (bottom right) on the last page.
  const last = pageCount - 1;
  y -= 24;
  const blockTop = y;
  draw(last, 'Nơi nhận:', f.boldItalic, 12, { x: MARGIN.left, y });
  for (const l of ['- Như Điều 3;', '- TT Đảng ủy, TT HĐND xã;', '- Chủ tịch, các PCT UBND xã;', '- Lưu: VT, VP.']) {
    y -= 14;
    draw(last, l, f.regular, 11, { x: MARGIN.left, y });
  }
  let sy = blockTop;
  const competence = opts.competence === undefined ? (type === 'CV' ? 'TM. ỦY BAN NHÂN DÂN' : 'TM. ỦY BAN NHÂN DÂN') : opts.competence;
  let competenceLine: Drawn | null = null;
  if (competence) {
    competenceLine = draw(last, competence, f.bold, 13, { center: rightCenter, y: sy });
    sy -= 17;
  }
  const positionLine = draw(last, opts.position ?? 'CHỦ TỊCH', f.bold, 13, { center: rightCenter, y: sy });
  const gapTop = sy - 6;
  sy -= 84;
  const nameLine = draw(last, opts.signerName ?? 'Nguyễn Văn An', f.bold, 13, { center: rightCenter, y: sy });
  const signatureGap = { page: last, x1: rightCenter - 100, y1: sy + 13, x2: rightCenter + 100, y2: gapTop };

  const pdf = Buffer.from(await doc.save({ useObjectStreams: false }));
  return { pdf, pageSize: A4, numberLine, dateLine, competenceLine, positionLine, nameLine, signatureGap };
}
