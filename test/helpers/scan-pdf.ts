// A "scanned" PDF like a paper document put through an office scanner: each page one colour JPEG
// at 300 dpi (grainy paper, lines of text, a red seal on page 1), no text layer. Made with poppler's
// pdftoppm (the app needs it anyway): a text page over a noise image is rendered to JPEG, and the
// JPEGs are wrapped in a PDF as /DCTDecode images. `noise` sets the grain (and so the size).
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { pdfFromObjects } from './pdf.js';

const run = promisify(execFile);

const LINES = [
  'Ve viec trien khai cong tac phong, chong thien tai va tim kiem cuu nan nam 2026',
  'Thuc hien Chi thi so 12/CT-UBND cua Uy ban nhan dan tinh ve cong tac phong, chong',
  'thien tai, Uy ban nhan dan huyen yeu cau Chu tich Uy ban nhan dan cac xa, thi tran',
  'khan truong to chuc kiem tra, ra soat he thong de dieu, ho dap, cac khu dan cu ven song,',
  'ven suoi, vung co nguy co sat lo dat; xay dung phuong an so tan dan khi co bao, lu.',
];

/** A seeded generator (the same bytes every run). */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24);
}

function sourcePage(page: number, noise: number): string[] {
  const W = 620;
  const H = 877;
  const rnd = lcg(page * 7919 + 1);
  const grain = Buffer.alloc(W * H);
  for (let i = 0; i < grain.length; i++) grain[i] = Math.max(0, Math.min(255, 236 + Math.round(((rnd() - 128) / 128) * noise)));
  let text = 'q 595 0 0 842 0 0 cm /Im1 Do Q 0.1 0.1 0.1 rg\n';
  text += 'BT /F1 13 Tf 60 790 Td (UY BAN NHAN DAN HUYEN THU) Tj 300 0 Td (CONG HOA XA HOI CHU NGHIA VIET NAM) Tj ET\n';
  text += `BT /F1 12 Tf 250 740 Td (CONG VAN - Trang ${page}) Tj ET\n`;
  for (let l = 0; l < 40; l++) text += `BT /F1 10.5 Tf 60 ${700 - l * 15} Td (${LINES[(l + page) % LINES.length]}) Tj ET\n`;
  if (page === 1) text += '0.8 0.1 0.1 RG 4 w 420 120 m 420 175 465 210 480 210 c 535 210 560 175 560 120 c 560 70 520 40 490 40 c 450 40 420 70 420 120 c S\n';
  return [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(text)} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Type /XObject /Subtype /Image /Width ${W} /Height ${H} /ColorSpace /DeviceGray /BitsPerComponent 8 /Interpolate false /Length ${grain.length} >>\nstream\n${grain.toString('latin1')}\nendstream`,
  ];
}

/** A PDF of `pages` scanned pages (300 dpi colour JPEG each; 6 pages ≈ 5.3 MB with the defaults). */
export async function scannedPdf(opts: { pages?: number; noise?: number; quality?: number } = {}): Promise<Buffer> {
  const pages = opts.pages ?? 6;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lt-scan-'));
  try {
    const objects = ['<< /Type /Catalog /Pages 2 0 R >>', ''];
    const kids: string[] = [];
    for (let p = 1; p <= pages; p++) {
      const src = path.join(dir, `src-${p}.pdf`);
      await fs.writeFile(src, pdfFromObjects(sourcePage(p, opts.noise ?? 3)));
      await run('pdftoppm', ['-r', '300', '-singlefile', '-jpeg', '-jpegopt', `quality=${opts.quality ?? 68}`, src, path.join(dir, `page-${p}`)]);
      const jpeg = await fs.readFile(path.join(dir, `page-${p}.jpg`));
      const [w, h] = jpegSize(jpeg);
      const n = objects.length + 1;
      const content = `q 595 0 0 842 0 0 cm /Im${p} Do Q`;
      objects.push(
        `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents ${n + 1} 0 R /Resources << /XObject << /Im${p} ${n + 2} 0 R >> >> >>`,
        `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
        `<< /Type /XObject /Subtype /Image /Width ${w} /Height ${h} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${jpeg.length} >>\nstream\n${jpeg.toString('latin1')}\nendstream`,
      );
      kids.push(`${n} 0 R`);
    }
    objects[1] = `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${pages} >>`;
    return pdfFromObjects(objects);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Width and height from a JPEG's SOF marker. */
function jpegSize(b: Buffer): [number, number] {
  for (let i = 2; i < b.length - 9;) {
    if (b[i] !== 0xff) return [0, 0];
    const marker = b[i + 1]!;
    const len = b.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return [b.readUInt16BE(i + 7), b.readUInt16BE(i + 5)];
    i += 2 + len;
  }
  return [0, 0];
}
