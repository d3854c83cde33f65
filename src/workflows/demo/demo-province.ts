// Demo data for a fictional province after the 2025 reform, "tỉnh Vân Sơn" (level-1 code H41, the
// province the demo district huyện Sơn Hà belonged to): two tiers only, province and commune.
// Pure builders: no DB access, no randomness. `DEMO=province` seeds it; `cli demo-reorg` creates
// the province's own bodies (`provinceBodies`) and the commune Sơn Trung when it applies the reform
// to the district demo, with the same codes.
//
// Electronic identifier codes (mã định danh, OrganId) `LLL.LL.LL.Hnn`, most specific first (the
// district level is gone, so what used to be a district's segment now numbers the units directly
// under the province); every code is 13 characters and unique:
//   000.00.00.H41                UBND tỉnh Vân Sơn
//   000.00.01.H41..000.00.18     sở, ban, ngành (level 2); units under a sở at level 3
//                                (000.NN.05.H41: the Sở GDĐT's upper-secondary schools)
//   000.00.80.H41                HĐND tỉnh
//   000.00.90.H41                Tỉnh ủy; its boards 000.01..04.90.H41
//   000.00.XX.H41, XX = 41..70   UBND of commune/ward #(XX - 40) (level 2: directly under the province)
//   000.01.XX.H41                its Đảng ủy (tree parent: the Tỉnh ủy)
//   000.02.XX.H41                its HĐND (tree parent: the HĐND tỉnh)
//   000.1N.XX.H41, N = 1..       its schools (mầm non, tiểu học, THCS; under the UBND since 2025)
// The district demo (huyện Sơn Hà, segment 31) uses none of these codes, so `demo-reorg` can add
// the province to it.
import { communeSchools, DEMO_PASSWORD, type UnitKind, type UnitSeed, type UserSeed } from './demo-district.js';

export { DEMO_PASSWORD };

const PROVINCE = 'H41';
export const PROVINCE_NAME = 'tỉnh Vân Sơn';

const code = (l4: number, l3: number, l2: number): string =>
  `${String(l4).padStart(3, '0')}.${String(l3).padStart(2, '0')}.${String(l2).padStart(2, '0')}.${PROVINCE}`;

export const UBND_TINH = code(0, 0, 0);
export const HDND_TINH = code(0, 0, 80);
export const TINH_UY = code(0, 0, 90);

// [segment, name (without the province), shortName, kind]
const AGENCIES: Array<[number, string, string, UnitKind]> = [
  [1, 'Văn phòng Ủy ban nhân dân', 'VP', 'department'],
  [2, 'Sở Nội vụ', 'SNV', 'department'],
  [3, 'Sở Tài chính', 'STC', 'department'],
  [4, 'Sở Xây dựng', 'SXD', 'department'],
  [5, 'Sở Giáo dục và Đào tạo', 'SGDĐT', 'department'],
  [6, 'Sở Y tế', 'SYT', 'department'],
  [7, 'Sở Nông nghiệp và Môi trường', 'SNNMT', 'department'],
  [8, 'Sở Tư pháp', 'STP', 'department'],
  [9, 'Sở Công Thương', 'SCT', 'department'],
  [10, 'Sở Khoa học và Công nghệ', 'SKHCN', 'department'],
  [11, 'Sở Văn hóa, Thể thao và Du lịch', 'SVHTTDL', 'department'],
  [12, 'Sở Dân tộc và Tôn giáo', 'SDTTG', 'department'],
  [13, 'Thanh tra', 'TTr', 'department'],
  // ngành: provincial bodies of central agencies, and public bodies under the UBND
  [14, 'Công an', 'CAT', 'other'],
  [15, 'Bộ Chỉ huy Quân sự', 'BCHQS', 'other'],
  [16, 'Ban Quản lý các khu công nghiệp', 'BQLKCN', 'other'],
  [17, 'Báo và Phát thanh, Truyền hình', 'BPTTH', 'other'],
  [18, 'Trung tâm Phục vụ hành chính công', 'TTPVHCC', 'other'],
];
const SO_GDDT_SEG = 5;

// [level-3 segment under the Tỉnh ủy, name, shortName]
const PARTY_BOARDS: Array<[number, string, string]> = [
  [1, 'Văn phòng Tỉnh ủy', 'VPTU'],
  [2, 'Ban Tổ chức Tỉnh ủy', 'BTCTU'],
  [3, 'Ban Tuyên giáo và Dân vận Tỉnh ủy', 'BTGDVTU'],
  [4, 'Ủy ban Kiểm tra Tỉnh ủy', 'UBKTTU'],
];

const THPT: Array<[string, string]> = [
  ['Trường Trung học phổ thông chuyên Vân Sơn', 'THPTCVS'],
  ['Trường Trung học phổ thông Lê Lợi', 'THPTLL'],
  ['Trường Trung học phổ thông Nguyễn Trãi', 'THPTNT'],
  ['Trường Trung học phổ thông Sơn Hà', 'THPTSH'],
  ['Trường Phổ thông dân tộc nội trú tỉnh Vân Sơn', 'PTDTNT'],
];

interface Commune {
  slug: string; // ASCII, used in usernames
  name: string;
  abbr: string; // used in school short names
  ward: boolean; // phường rather than xã
  bantru: boolean; // the THCS is a semi-boarding school for ethnic minorities
}

// [slug, name, abbr, ward, bán trú]. Sơn Trung is the commune `demo-reorg` makes of Sơn Tây, Sơn
// Đông and Sơn Thành of the district demo; the last ones echo the district's other communes.
const COMMUNE_TABLE: Array<[string, string, string, boolean, boolean]> = [
  ['sontrung', 'Sơn Trung', 'STr', false, false],
  ['vanson', 'Vân Sơn', 'VS', true, false],
  ['dongthanh', 'Đông Thành', 'ĐTh', true, false],
  ['taythanh', 'Tây Thành', 'TTh', true, false],
  ['namgiang', 'Nam Giang', 'NG', true, false],
  ['hungphu', 'Hưng Phú', 'HP', true, false],
  ['kimlong', 'Kim Long', 'KL', true, false],
  ['lacthuy', 'Lạc Thủy', 'LT', false, false],
  ['yenphong', 'Yên Phong', 'YP', false, false],
  ['minhchau', 'Minh Châu', 'MC', false, false],
  ['thuonglam', 'Thượng Lâm', 'TL', false, true],
  ['binhnguyen', 'Bình Nguyên', 'BN', false, false],
  ['tienson', 'Tiên Sơn', 'TS', false, false],
  ['myloc', 'Mỹ Lộc', 'ML', false, false],
  ['quangphu', 'Quảng Phú', 'QP', false, false],
  ['hoamy', 'Hòa Mỹ', 'HM', false, false],
  ['vinhthanh', 'Vĩnh Thạnh', 'VT', false, false],
  ['ngoclac', 'Ngọc Lặc', 'NL', false, true],
  ['phuocson', 'Phước Sơn', 'PS', false, true],
  ['longhai', 'Long Hải', 'LH', false, false],
  ['truongxuan', 'Trường Xuân', 'TX', false, false],
  ['namdan', 'Nam Dân', 'ND', false, false],
  ['thachban', 'Thạch Bàn', 'TB', false, true],
  ['sonha', 'Sơn Hà', 'SH', false, false],
  ['sonlam', 'Sơn Lâm', 'SL', false, true],
  ['hathanh', 'Hà Thanh', 'HT', false, false],
  ['habac', 'Hà Bắc', 'HB', false, true],
  ['tanhiep', 'Tân Hiệp', 'TH', false, false],
  ['phumy', 'Phú Mỹ', 'PM', false, false],
  ['anhoa', 'An Hòa', 'AH', false, false],
];

const COMMUNES: Commune[] = COMMUNE_TABLE.map(([slug, name, abbr, ward, bantru]) => ({ slug, name, abbr, ward, bantru }));
const communeSeg = (i: number): number => 41 + i;
const communeLabel = (c: Commune): string => `${c.ward ? 'phường' : 'xã'} ${c.name}`;
const communeIdx = (slug: string): number => COMMUNES.findIndex((c) => c.slug === slug);

export const communeUbndCode = (i: number): string => code(0, 0, communeSeg(i));
export const communePartyCode = (i: number): string => code(0, 1, communeSeg(i));
export const communeCouncilCode = (i: number): string => code(0, 2, communeSeg(i));

const unit = (code: string, name: string, shortName: string, kind: UnitKind, parentCode: string | null, level: UnitSeed['level']): UnitSeed =>
  ({ code, name, shortName, kind, parentCode, level });

/**
 * The province's own bodies, parents first: UBND tỉnh and its sở/ban/ngành, HĐND tỉnh, Tỉnh ủy and
 * its boards, and the upper-secondary schools under the Sở GDĐT (level province).
 */
export function provinceBodies(): UnitSeed[] {
  const out: UnitSeed[] = [];
  out.push(unit(UBND_TINH, `Ủy ban nhân dân ${PROVINCE_NAME}`, 'UBND', 'government', null, 'province'));
  for (const [seg, name, short, kind] of AGENCIES) out.push(unit(code(0, 0, seg), `${name} ${PROVINCE_NAME}`, short, kind, UBND_TINH, 'province'));
  out.push(unit(HDND_TINH, `Hội đồng nhân dân ${PROVINCE_NAME}`, 'HĐND', 'council', null, 'province'));
  out.push(unit(TINH_UY, 'Tỉnh ủy Vân Sơn', 'TU', 'party', null, 'province'));
  for (const [seg, name, short] of PARTY_BOARDS) out.push(unit(code(0, seg, 90), `${name} Vân Sơn`, short, 'party', TINH_UY, 'province'));
  const gddt = code(0, 0, SO_GDDT_SEG);
  THPT.forEach(([name, short], n) => out.push(unit(code(0, n + 1, SO_GDDT_SEG), name, short, 'school', gddt, 'province')));
  return out;
}

/** The code of a province body by its name without the province ("Sở Y tế"), or its full name. */
export function provinceBodyCode(name: string): string {
  const u = provinceBodies().find((x) => x.name === name || x.name === `${name} ${PROVINCE_NAME}`);
  if (!u) throw new Error(`demo province body not found: ${name}`);
  return u.code;
}

/** One commune's bodies: UBND, Đảng ủy, HĐND, then its schools under the UBND. */
function communeUnits(i: number): UnitSeed[] {
  const c = COMMUNES[i]!;
  const seg = communeSeg(i);
  const ubnd = communeUbndCode(i);
  const out = [
    unit(ubnd, `Ủy ban nhân dân ${communeLabel(c)}`, 'UBND', 'government', UBND_TINH, 'commune'),
    unit(communePartyCode(i), `Đảng ủy ${communeLabel(c)}`, 'ĐU', 'party', TINH_UY, 'commune'),
    unit(communeCouncilCode(i), `Hội đồng nhân dân ${communeLabel(c)}`, 'HĐND', 'council', HDND_TINH, 'commune'),
  ];
  communeSchools({ name: c.name, abbr: c.abbr, mn: 1, th: 1, bantru: c.bantru })
    .forEach(([name, short], n) => out.push(unit(code(0, 11 + n, seg), name, short, 'school', ubnd, 'commune')));
  return out;
}

/** The commune Sơn Trung (UBND, Đảng ủy, HĐND and schools), which `demo-reorg` creates by a merge. */
export const sonTrungUnits = (): UnitSeed[] => communeUnits(communeIdx('sontrung'));

export function provinceUnits(): UnitSeed[] {
  return [...provinceBodies(), ...COMMUNES.flatMap((_, i) => communeUnits(i))];
}

export function provinceUsers(): UserSeed[] {
  const units = provinceUnits();
  const byName = (name: string): string => {
    const u = units.find((x) => x.name === name);
    if (!u) throw new Error(`demo unit not found: ${name}`);
    return u.code;
  };
  const sontrung = communeUbndCode(communeIdx('sontrung'));
  const vanson = communeUbndCode(communeIdx('vanson'));
  const gddt = provinceBodyCode('Sở Giáo dục và Đào tạo');
  const stc = provinceBodyCode('Sở Tài chính');
  const u = (username: string, fullName: string, unitCode: string, roles: UserSeed['roles'], title: string, position?: UserSeed['position']): UserSeed =>
    ({ username, fullName, unitCode, roles, title, ...(position ? { position } : {}) });
  return [
    u('vanthu.ubnd', 'Nguyễn Thị Thanh Hương', UBND_TINH, ['clerk'], 'Văn thư'),
    u('lanhdao.ubnd', 'Trần Quốc Khánh', UBND_TINH, ['leader'], 'Chủ tịch UBND tỉnh', 'head'),
    u('pho.ubnd', 'Lê Thị Minh Nguyệt', UBND_TINH, ['leader'], 'Phó Chủ tịch UBND tỉnh', 'deputy'),
    u('chuyenvien.ubnd', 'Phạm Đức Anh', UBND_TINH, ['officer'], 'Chuyên viên'),
    u('chanhvanphong.vp', 'Hồ Văn Thịnh', provinceBodyCode('Văn phòng Ủy ban nhân dân'), ['leader'], 'Chánh Văn phòng', 'head'),
    u('vanthu.tu', 'Đinh Thị Loan', TINH_UY, ['clerk'], 'Văn thư'),
    u('bithu.tu', 'Võ Minh Quang', TINH_UY, ['leader'], 'Bí thư Tỉnh ủy', 'head'),
    u('giamdoc.gddt', 'Bùi Thị Thu Trang', gddt, ['leader'], 'Giám đốc Sở', 'head'),
    u('chuyenvien.gddt', 'Đoàn Văn Hiếu', gddt, ['officer'], 'Chuyên viên'),
    u('vanthu.gddt', 'Lưu Thị Mỹ Linh', gddt, ['clerk'], 'Văn thư'),
    u('giamdoc.taichinh', 'Châu Văn Lộc', stc, ['leader'], 'Giám đốc Sở', 'head'),
    u('chuyenvien.taichinh', 'Mạc Thị Hồng Nhung', stc, ['officer'], 'Chuyên viên'),
    u('vanthu.taichinh', 'Quách Thị Yến', stc, ['clerk'], 'Văn thư'),
    u('vanthu.sontrung', 'Lý Thị Kim Oanh', sontrung, ['clerk'], 'Văn thư'),
    u('chutich.sontrung', 'Phan Văn Dũng', sontrung, ['leader'], 'Chủ tịch UBND xã', 'head'),
    u('canbo.sontrung', 'Dương Văn Lực', sontrung, ['officer'], 'Công chức Văn phòng - Thống kê'),
    u('bithu.sontrung', 'Trịnh Thị Hoa', communePartyCode(communeIdx('sontrung')), ['clerk', 'leader'], 'Bí thư Đảng ủy xã', 'head'),
    u('vanthu.vanson', 'Cao Thị Bích Vân', vanson, ['clerk'], 'Văn thư'),
    u('chutich.vanson', 'Tôn Thất Hưng', vanson, ['leader'], 'Chủ tịch UBND phường', 'head'),
    u('canbo.vanson', 'Nghiêm Văn Tài', vanson, ['officer'], 'Công chức Địa chính - Xây dựng'),
    u('hieutruong.thsontrung', 'Nguyễn Thị Bích Ngọc', byName('Trường Tiểu học Sơn Trung'), ['clerk', 'leader'], 'Hiệu trưởng', 'head'),
  ];
}
