// Demo data for a fictional district, "huyện Sơn Hà" (district segment 31) in the
// province with level-1 code H41. Pure builders: no DB access, no randomness.
//
// Electronic identifier codes (mã định danh, OrganId), `LLL.LL.LL.Xnn`, most specific
// first; every code here is 13 characters and unique:
//   000.00.31.H41              UBND huyện Sơn Hà (district 31 of province H41)
//   000.01.31.H41..000.17.31   departments and public bodies under the UBND huyện
//   000.20.31.H41              HĐND huyện
//   000.21.31.H41              Huyện ủy; its boards are level 4 under it: 001..004.21.31.H41
//   000.YY.31.H41, YY = 31..46 UBND of commune/town #(YY - 30)
//   0YY.21.31.H41, YY = 31..46 Đảng ủy of the same commune (level 4 under the Huyện ủy;
//                              the first segment echoes the commune's YY)
//   NNN.04.31.H41, NNN = 001.. schools, level 4 under Phòng GDĐT (000.04.31.H41)
// Array order is parents first. Roots (UBND, HĐND, Huyện ủy) have parentCode null:
// the provincial units above them are not part of the demo.

export type UnitKind = 'party' | 'council' | 'government' | 'department' | 'school' | 'other';

export type UnitLevel = 'province' | 'district' | 'commune';

export interface UnitSeed {
  code: string;
  name: string;
  shortName: string;
  kind: UnitKind;
  parentCode: string | null;
  /** Administrative level; absent = inferred from the parent and the name when created. */
  level?: UnitLevel;
}

export interface UserSeed {
  username: string;
  fullName: string;
  unitCode: string;
  roles: Array<'admin' | 'clerk' | 'leader' | 'officer'>;
  title: string;
  /** Leadership position (competence line when signing): head → TM. for a collective body, deputy → KT. */
  position?: 'head' | 'deputy' | 'acting' | 'by_order';
}

/** All demo accounts share this password. */
export const DEMO_PASSWORD = 'lienthong-demo';

const PROVINCE = 'H41';
const DISTRICT = '31';
const DISTRICT_NAME = 'huyện Sơn Hà';

const code = (l4: number, l3: number): string =>
  `${String(l4).padStart(3, '0')}.${String(l3).padStart(2, '0')}.${DISTRICT}.${PROVINCE}`;

export const UBND_HUYEN = code(0, 0);
export const HDND_HUYEN = code(0, 20);
export const HUYEN_UY = code(0, 21);
const PHONG_GDDT_SEG = 4;
/** The named schools of the thị trấn and the district's boarding school (the last one). */
export const namedSchools = (): Array<[string, string]> => NAMED_SCHOOLS.map(([n, s]) => [n, s]);

// [segment, name (without the district suffix), shortName, kind]
const DEPARTMENTS: Array<[number, string, string, UnitKind]> = [
  [1, 'Văn phòng HĐND và UBND', 'VP', 'department'],
  [2, 'Phòng Nội vụ', 'NV', 'department'],
  [3, 'Phòng Tài chính - Kế hoạch', 'TCKH', 'department'],
  [4, 'Phòng Giáo dục và Đào tạo', 'GDĐT', 'department'],
  [5, 'Phòng Y tế', 'YT', 'department'],
  [6, 'Phòng Tư pháp', 'TP', 'department'],
  [7, 'Phòng Tài nguyên và Môi trường', 'TNMT', 'department'],
  [8, 'Phòng Kinh tế và Hạ tầng', 'KTHT', 'department'],
  [9, 'Phòng Nông nghiệp và Phát triển nông thôn', 'NNPTNT', 'department'],
  [10, 'Phòng Lao động - Thương binh và Xã hội', 'LĐTBXH', 'department'],
  [11, 'Phòng Văn hóa và Thông tin', 'VHTT', 'department'],
  [12, 'Thanh tra', 'TTr', 'department'],
  [13, 'Phòng Dân tộc', 'DT', 'department'],
  // public service bodies (đơn vị sự nghiệp) under the UBND: not specialised agencies
  [14, 'Trung tâm Y tế', 'TTYT', 'other'],
  [15, 'Ban Quản lý dự án đầu tư xây dựng', 'BQLDA', 'other'],
  [16, 'Trung tâm Văn hóa - Thể thao', 'TTVHTT', 'other'],
  [17, 'Đài Truyền thanh', 'ĐTT', 'other'],
];

// [level-4 segment under the Huyện ủy, name, shortName]
const PARTY_BOARDS: Array<[number, string, string]> = [
  [1, 'Ban Tổ chức Huyện ủy Sơn Hà', 'BTCHU'],
  [2, 'Ban Tuyên giáo Huyện ủy Sơn Hà', 'BTGHU'],
  [3, 'Ủy ban Kiểm tra Huyện ủy Sơn Hà', 'UBKTHU'],
  [4, 'Văn phòng Huyện ủy Sơn Hà', 'VPHU'],
];

export interface Commune {
  slug: string; // ASCII, used in usernames
  name: string;
  abbr: string; // used in school short names
  town: boolean; // thị trấn rather than xã
  mn: number; // number of kindergartens (mầm non)
  th: number; // number of primary schools (tiểu học)
  bantru: boolean; // the THCS is a semi-boarding school for ethnic minorities
}

// [slug, name, abbr, town, mầm non, tiểu học, bán trú]
const COMMUNE_TABLE: Array<[string, string, string, boolean, number, number, boolean]> = [
  ['sonha', 'Sơn Hà', 'SH', true, 1, 1, false],
  ['sontay', 'Sơn Tây', 'ST', false, 2, 1, false],
  ['sondong', 'Sơn Đông', 'SĐ', false, 1, 2, false],
  ['sonthanh', 'Sơn Thành', 'STh', false, 2, 2, false],
  ['sonbinh', 'Sơn Bình', 'SB', false, 2, 2, false],
  ['sonlam', 'Sơn Lâm', 'SL', false, 2, 2, true],
  ['sonphu', 'Sơn Phú', 'SP', false, 1, 2, false],
  ['sonthuy', 'Sơn Thủy', 'STy', false, 2, 2, true],
  ['hathanh', 'Hà Thanh', 'HT', false, 2, 2, false],
  ['haloc', 'Hà Lộc', 'HL', false, 1, 2, false],
  ['hatrung', 'Hà Trung', 'HTr', false, 2, 2, false],
  ['habac', 'Hà Bắc', 'HB', false, 2, 2, true],
  ['tanhiep', 'Tân Hiệp', 'TH', false, 1, 2, false],
  ['phumy', 'Phú Mỹ', 'PM', false, 2, 2, false],
  ['anhoa', 'An Hòa', 'AH', false, 2, 2, false],
  ['dongtam', 'Đồng Tâm', 'ĐT', false, 2, 1, false],
];

const COMMUNES: Commune[] = COMMUNE_TABLE.map(([slug, name, abbr, town, mn, th, bantru]) => ({
  slug, name, abbr, town, mn, th, bantru,
}));

// Extra schools of the thị trấn named after people/places, and the district boarding school.
const NAMED_SCHOOLS: Array<[string, string]> = [
  ['Trường Mầm non Hoa Sen', 'MNHS'],
  ['Trường Tiểu học Kim Đồng', 'THKĐ'],
  ['Trường Trung học cơ sở Lê Quý Đôn', 'THCSLQĐ'],
  ['Trường Phổ thông dân tộc nội trú Trung học cơ sở huyện Sơn Hà', 'PTDTNT'],
];

const communeLabel = (c: Commune): string => `${c.town ? 'thị trấn' : 'xã'} ${c.name}`;

/** The district's communes/towns, in code order (segment 31 + index). */
export const districtCommunes = (): Commune[] => COMMUNES.map((c) => ({ ...c }));
export { communeLabel };
const communeSeg = (i: number): number => 31 + i;
export const communeUbndCode = (i: number): string => code(0, communeSeg(i));
export const communePartyCode = (i: number): string => code(communeSeg(i), 21);

/** Schools of one commune, in a fixed order: mầm non, tiểu học, THCS (shared with the province demo). */
export function communeSchools(c: Pick<Commune, 'name' | 'abbr' | 'mn' | 'th' | 'bantru'>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const series = (n: number, label: string, short: string): void => {
    if (n === 1) out.push([`Trường ${label} ${c.name}`, `${short}${c.abbr}`]);
    else for (let k = 1; k <= n; k++) out.push([`Trường ${label} số ${k} ${c.name}`, `${short}${k}${c.abbr}`]);
  };
  series(c.mn, 'Mầm non', 'MN');
  series(c.th, 'Tiểu học', 'TH');
  if (c.bantru) out.push([`Trường Phổ thông dân tộc bán trú Trung học cơ sở ${c.name}`, `PTDTBT${c.abbr}`]);
  else out.push([`Trường Trung học cơ sở ${c.name}`, `THCS${c.abbr}`]);
  return out;
}

export function demoUnits(): UnitSeed[] {
  const units: UnitSeed[] = [];
  const add = (code: string, name: string, shortName: string, kind: UnitKind, parentCode: string | null, level: UnitLevel = 'district'): void => {
    units.push({ code, name, shortName, kind, parentCode, level });
  };

  // District level: 1 + 17 + 1 + 1 + 4 = 24 units.
  add(UBND_HUYEN, `Ủy ban nhân dân ${DISTRICT_NAME}`, 'UBND', 'government', null);
  for (const [seg, name, short, kind] of DEPARTMENTS) add(code(0, seg), `${name} ${DISTRICT_NAME}`, short, kind, UBND_HUYEN);
  add(HDND_HUYEN, `Hội đồng nhân dân ${DISTRICT_NAME}`, 'HĐND', 'council', null);
  add(HUYEN_UY, 'Huyện ủy Sơn Hà', 'HU', 'party', null);
  for (const [seg, name, short] of PARTY_BOARDS) add(code(seg, 21), name, short, 'party', HUYEN_UY);

  // Communes/towns: Đảng ủy (under the Huyện ủy) and UBND (under the UBND huyện), 32 units.
  COMMUNES.forEach((c, i) => {
    add(communePartyCode(i), `Đảng ủy ${communeLabel(c)}`, 'ĐU', 'party', HUYEN_UY, 'commune');
    add(communeUbndCode(i), `Ủy ban nhân dân ${communeLabel(c)}`, 'UBND', 'government', UBND_HUYEN, 'commune');
  });

  // Schools, all under Phòng GDĐT (district level), numbered 001.. in this order.
  const gddt = code(0, PHONG_GDDT_SEG);
  const schools = [...COMMUNES.flatMap(communeSchools), ...NAMED_SCHOOLS];
  schools.forEach(([name, short], n) => add(code(n + 1, PHONG_GDDT_SEG), name, short, 'school', gddt));
  return units;
}

function unitCodeByName(units: UnitSeed[], name: string): string {
  const u = units.find((x) => x.name === name);
  if (!u) throw new Error(`demo unit not found: ${name}`);
  return u.code;
}

export function demoUsers(): UserSeed[] {
  const units = demoUnits();
  const dept = (name: string): string => unitCodeByName(units, `${name} ${DISTRICT_NAME}`);
  const communeIdx = (slug: string): number => COMMUNES.findIndex((c) => c.slug === slug);
  const gddt = dept('Phòng Giáo dục và Đào tạo');
  const tckh = dept('Phòng Tài chính - Kế hoạch');
  const vp = dept('Văn phòng HĐND và UBND');
  const sontay = communeUbndCode(communeIdx('sontay'));
  const hathanh = communeUbndCode(communeIdx('hathanh'));
  const thSontay = unitCodeByName(units, 'Trường Tiểu học Sơn Tây');
  const u = (username: string, fullName: string, unitCode: string, roles: UserSeed['roles'], title: string, position?: UserSeed['position']): UserSeed =>
    ({ username, fullName, unitCode, roles, title, ...(position ? { position } : {}) });

  return [
    u('vanthu.ubnd', 'Trần Thị Mai', UBND_HUYEN, ['clerk'], 'Văn thư'),
    u('lanhdao.ubnd', 'Nguyễn Văn Hùng', UBND_HUYEN, ['leader'], 'Chủ tịch UBND huyện', 'head'),
    u('pho.ubnd', 'Lê Minh Tuấn', UBND_HUYEN, ['leader'], 'Phó Chủ tịch UBND huyện', 'deputy'),
    u('chuyenvien.ubnd', 'Phạm Thị Thu Hà', UBND_HUYEN, ['officer'], 'Chuyên viên'),
    u('vanthu.hu', 'Võ Thị Lan', HUYEN_UY, ['clerk'], 'Văn thư'),
    u('bithu.hu', 'Hoàng Văn Nam', HUYEN_UY, ['leader'], 'Bí thư Huyện ủy', 'head'),
    u('chanhvanphong.vp', 'Đặng Quốc Bảo', vp, ['leader'], 'Chánh Văn phòng', 'head'),
    u('truongphong.gddt', 'Bùi Đức Thắng', gddt, ['leader'], 'Trưởng phòng', 'head'),
    u('chuyenvien.gddt', 'Đỗ Thị Hồng', gddt, ['officer'], 'Chuyên viên'),
    u('vanthu.gddt', 'Huỳnh Thị Ngọc Anh', gddt, ['clerk'], 'Văn thư'),
    u('truongphong.tckh', 'Ngô Văn Sơn', tckh, ['leader'], 'Trưởng phòng', 'head'),
    // Drafts documents of the UBND huyện (issuerUnitId = UBND, drafting unit = TC-KH): trình ký to the head, then the leader.
    u('chuyenvien.tckh', 'Lương Thị Thanh Tâm', tckh, ['officer'], 'Chuyên viên'),
    u('vanthu.tckh', 'Vũ Thị Hạnh', tckh, ['clerk'], 'Văn thư'),
    u('vanthu.sontay', 'Lý Thị Kim Oanh', sontay, ['clerk'], 'Văn thư'),
    u('chutich.sontay', 'Phan Văn Dũng', sontay, ['leader'], 'Chủ tịch UBND xã', 'head'),
    u('canbo.sontay', 'Dương Văn Lực', sontay, ['officer'], 'Công chức Văn phòng - Thống kê'),
    u('vanthu.hathanh', 'Mai Thị Thanh Thủy', hathanh, ['clerk'], 'Văn thư'),
    u('chutich.hathanh', 'Trịnh Văn Khánh', hathanh, ['leader'], 'Chủ tịch UBND xã', 'head'),
    u('canbo.hathanh', 'Tạ Quang Vinh', hathanh, ['officer'], 'Công chức Địa chính - Xây dựng'),
    u('hieutruong.thsontay', 'Nguyễn Thị Bích Ngọc', thSontay, ['clerk', 'leader'], 'Hiệu trưởng', 'head'),
  ];
}
