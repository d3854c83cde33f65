// The words of the scale bench's province: a seeded random source, document types and their mix,
// subjects built from a vocabulary of what a province writes about, and a few KB of file text.
// Everything is deterministic for a seed, so two generations of the same size are the same data.

/** mulberry32: a small, fast, seeded PRNG (uniform in [0, 1)). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = () => number;
export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** Picks from [value, weight] pairs. */
export function weighted<T>(entries: ReadonlyArray<readonly [T, number]>): (r: Rand) => T {
  const total = entries.reduce((s, [, w]) => s + w, 0);
  const cum: number[] = [];
  let acc = 0;
  for (const [, w] of entries) cum.push((acc += w / total));
  return (r) => {
    const x = r();
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (x < cum[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return entries[lo]![0];
  };
}

/** State types (NĐ 30) as a province writes them: mostly công văn. */
export const stateType = weighted([
  ['CV', 45], ['QĐ', 12], ['KH', 9], ['TB', 9], ['BC', 9], ['GM', 7], ['TTr', 3], ['CT', 1], ['HD', 2], ['CĐ', 1], ['NQ', 1], ['ĐA', 1],
] as const);
/** Party types (HD 36). */
export const partyType = weighted([
  ['CV', 35], ['NQ', 8], ['KL', 8], ['QĐ', 10], ['KH', 10], ['TB', 10], ['BC', 10], ['HD', 4], ['CT', 2], ['TT', 1], ['GM', 2],
] as const);

export const TYPE_NAMES: Readonly<Record<string, string>> = {
  CV: 'Công văn', QĐ: 'Quyết định', KH: 'Kế hoạch', TB: 'Thông báo', BC: 'Báo cáo', GM: 'Giấy mời', TTr: 'Tờ trình',
  CT: 'Chỉ thị', HD: 'Hướng dẫn', CĐ: 'Công điện', NQ: 'Nghị quyết', ĐA: 'Đề án', KL: 'Kết luận', TT: 'Thông tri',
};

/** Urgency mix: hỏa tốc is rare. */
export const urgencyOf = weighted([['normal', 86], ['urgent', 9], ['very_urgent', 4], ['flash', 1]] as const);

const TOPICS = [
  'phòng chống bão lụt và tìm kiếm cứu nạn', 'chuyển đổi số và xây dựng chính quyền số', 'cải cách hành chính',
  'sắp xếp đơn vị hành chính cấp xã', 'phòng cháy chữa cháy rừng', 'xây dựng nông thôn mới', 'giảm nghèo bền vững',
  'bảo đảm trật tự an toàn giao thông', 'phòng chống dịch bệnh trên gia súc, gia cầm', 'tiêm chủng mở rộng',
  'tuyển sinh vào lớp 10 trung học phổ thông', 'kỳ thi tốt nghiệp trung học phổ thông', 'thu ngân sách nhà nước',
  'giải ngân vốn đầu tư công', 'quản lý đất đai và cấp giấy chứng nhận quyền sử dụng đất', 'bảo vệ môi trường',
  'xử lý rác thải sinh hoạt', 'phát triển du lịch cộng đồng', 'thu hút đầu tư', 'an toàn thực phẩm',
  'công tác cán bộ', 'tinh gọn bộ máy', 'đánh giá, xếp loại cán bộ, công chức', 'thi đua khen thưởng',
  'đại hội Đảng bộ các cấp nhiệm kỳ 2025 - 2030', 'học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh',
  'phòng, chống tham nhũng, tiêu cực', 'tiếp công dân và giải quyết khiếu nại, tố cáo', 'bầu cử đại biểu Hội đồng nhân dân',
  'bảo hiểm xã hội, bảo hiểm y tế', 'chăm sóc người có công với cách mạng', 'hỗ trợ nhà ở cho hộ nghèo',
  'xóa nhà tạm, nhà dột nát', 'định danh và xác thực điện tử (Đề án 06)', 'dịch vụ công trực tuyến toàn trình',
  'quản lý thị trường, chống buôn lậu và gian lận thương mại', 'hạn hán, xâm nhập mặn', 'khắc phục hậu quả cơn bão số 3',
  'kiểm tra, giám sát của Đảng', 'quốc phòng, quân sự địa phương', 'gọi công dân nhập ngũ', 'an ninh mạng',
  'lưu trữ hồ sơ điện tử', 'kiểm kê đất đai', 'điều chỉnh quy hoạch sử dụng đất', 'phát triển hợp tác xã',
  'trồng rừng thay thế', 'kiên cố hóa trường lớp học', 'y tế cơ sở', 'an toàn lao động', 'Tết Nguyên đán',
  'Ngày Quốc khánh 2/9', 'tháng hành động vì trẻ em', 'bình đẳng giới', 'văn hóa công sở',
];

const LEADS: Readonly<Record<string, readonly string[]>> = {
  CV: ['Về việc', 'V/v triển khai', 'V/v tăng cường', 'V/v báo cáo kết quả', 'V/v góp ý dự thảo', 'V/v đôn đốc thực hiện', 'V/v hướng dẫn'],
  QĐ: ['Về việc phê duyệt kế hoạch', 'Về việc thành lập Ban Chỉ đạo', 'Về việc ban hành quy chế', 'Về việc giao chỉ tiêu', 'Về việc khen thưởng'],
  KH: ['Triển khai', 'Thực hiện', 'Tổ chức', 'Kiểm tra'],
  TB: ['Kết luận của Chủ tịch về', 'Thông báo ý kiến chỉ đạo về', 'Thông báo lịch làm việc về'],
  BC: ['Kết quả thực hiện', 'Sơ kết 6 tháng', 'Tổng kết năm', 'Tình hình'],
  GM: ['Mời dự hội nghị về', 'Mời dự họp trực tuyến về', 'Mời dự tập huấn về'],
  TTr: ['Đề nghị phê duyệt', 'Đề nghị bổ sung kinh phí', 'Đề nghị ban hành quy định về'],
  CT: ['Tăng cường', 'Đẩy mạnh', 'Chấn chỉnh'],
  HD: ['Hướng dẫn thực hiện', 'Hướng dẫn tổ chức'],
  CĐ: ['Tập trung ứng phó', 'Khẩn trương triển khai'],
  NQ: ['Về', 'Về lãnh đạo'],
  ĐA: ['Đề án về'],
  KL: ['Kết luận của Ban Thường vụ về', 'Kết luận về'],
  TT: ['Về'],
};
const SCOPES = ['trên địa bàn tỉnh', 'năm 2026', 'giai đoạn 2026 - 2030', 'trong dịp cao điểm', 'quý IV', 'tại các xã, phường', '', '', ''];

export function subjectFor(r: Rand, type: string): string {
  const lead = pick(r, LEADS[type] ?? LEADS.CV!);
  const scope = pick(r, SCOPES);
  const topic = pick(r, TOPICS);
  const s = `${lead} ${topic}${scope ? ' ' + scope : ''}`;
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const SENTENCES = [
  'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;',
  'Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;',
  'Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh tại văn bản số {n}/UBND-VP;',
  'Để bảo đảm tiến độ và chất lượng, đề nghị các cơ quan, đơn vị khẩn trương triển khai thực hiện các nội dung sau:',
  'Rà soát, thống kê đầy đủ số liệu và gửi báo cáo về Sở Nội vụ trước ngày {d} tháng {m} năm 2026.',
  'Phân công cán bộ đầu mối theo dõi, tổng hợp và chịu trách nhiệm trước Chủ tịch Ủy ban nhân dân tỉnh.',
  'Tăng cường công tác tuyên truyền, phổ biến đến cán bộ, công chức, viên chức và Nhân dân trên địa bàn.',
  'Bố trí kinh phí từ nguồn ngân sách được giao năm 2026 để thực hiện; trường hợp phát sinh, báo cáo cấp có thẩm quyền xem xét.',
  'Phối hợp chặt chẽ với Công an tỉnh, Bộ Chỉ huy Quân sự tỉnh và các lực lượng liên quan trong quá trình triển khai.',
  'Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, kịp thời phản ánh về Văn phòng Ủy ban nhân dân tỉnh để được hướng dẫn.',
  'Kết quả thực hiện là một trong những tiêu chí đánh giá, xếp loại mức độ hoàn thành nhiệm vụ năm của tập thể và người đứng đầu.',
  'Hồ sơ gồm: tờ trình, dự thảo quyết định, báo cáo thẩm định và các tài liệu có liên quan.',
  'Thời gian: {h} giờ 00 phút, ngày {d} tháng {m} năm 2026; địa điểm: Hội trường tầng 3, trụ sở Ủy ban nhân dân tỉnh.',
  'Tổng số hộ được hỗ trợ là {n} hộ, đạt {p}% kế hoạch; số còn lại phấn đấu hoàn thành trong quý tới.',
  'Lũ trên các sông lên nhanh, nguy cơ sạt lở đất, ngập úng cục bộ tại vùng trũng thấp, ven sông, suối.',
  'Yêu cầu Chủ tịch Ủy ban nhân dân các xã, phường không chủ quan, lơ là, chủ động phương án sơ tán dân ra khỏi khu vực nguy hiểm.',
  'Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính đạt {p}%, cung cấp dịch vụ công trực tuyến toàn trình.',
  'Văn bản này thay thế văn bản số {n}/SNV-TCBC; các nội dung khác giữ nguyên.',
  'Giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng thẩm định, trình phê duyệt theo quy định.',
  'Đề nghị các đồng chí Bí thư Đảng ủy xã, phường quan tâm chỉ đạo, bảo đảm đúng tiến độ đề ra.',
];

/** A few KB of Vietnamese administrative prose; pages separated by \f as the text job stores them. */
export function fileText(r: Rand, subject: string): { text: string; pages: number } {
  const pages = 1 + Math.floor(r() * 3);
  const out: string[] = [];
  for (let p = 0; p < pages; p++) {
    const lines: string[] = p === 0 ? [subject.toUpperCase()] : [];
    const n = 8 + Math.floor(r() * 10);
    for (let i = 0; i < n; i++) {
      lines.push(
        pick(r, SENTENCES)
          .replace('{n}', String(1 + Math.floor(r() * 900)))
          .replace('{d}', String(1 + Math.floor(r() * 28)))
          .replace('{m}', String(1 + Math.floor(r() * 12)))
          .replace('{h}', String(7 + Math.floor(r() * 9)))
          .replace('{p}', String(50 + Math.floor(r() * 50))),
      );
    }
    out.push(lines.join('\n'));
  }
  return { text: out.join('\f'), pages };
}

/**
 * The ten search queries of the bench: with and without diacritics, a notation, a phrase, filters.
 * `{notation}` is a real notation of the measured unit (e.g. 45/KH-SNV), `{typed}` the same as typed
 * on a phone ("45 kh snv").
 */
export const SEARCH_QUERIES: ReadonlyArray<{ label: string; qs: string }> = [
  { label: 'subject, diacritics', qs: 'q=phòng chống bão lụt' },
  { label: 'subject, no diacritics', qs: 'q=phong chong bao lut' },
  { label: 'two words, any order', qs: 'q=số chuyển đổi' },
  { label: 'notation', qs: 'q={notation}' },
  { label: 'notation, typed', qs: 'q={typed}' },
  { label: 'phrase', qs: 'q="xóa nhà tạm"' },
  { label: 'prefix while typing', qs: 'q=tuyen sin' },
  { label: 'word + type filter', qs: 'q=dai hoi dang bo&type=KH' },
  { label: 'word + urgency + dates', qs: 'q=ung pho bao&urgency=flash&from=2025-01-01&to=2026-12-31' },
  { label: 'text of files, incoming', qs: 'q=dich vu cong truc tuyen toan trinh&direction=incoming' },
];

/** Prefixes the search box sends while "phong chong thien tai" is typed without diacritics (two or more letters). */
export const TYPING_PREFIXES: ReadonlyArray<string> = ['ph', 'phon', 'phong ch', 'phong chong th', 'phong chong thien t', 'phong chong thien tai'];
