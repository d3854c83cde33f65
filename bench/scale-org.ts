// The scale bench's province: the organisation tree (units) and its people (users), as plain rows
// for COPY. Deterministic for a seed. Shape: UBND tỉnh, Tỉnh ủy and HĐND tỉnh with their
// departments, the sở/ban/ngành (each with four phòng), 100 communes and wards (Đảng ủy, UBND with
// two phòng, HĐND) and schools under the communes and the Sở GD&ĐT for the rest.
import { randomUUID } from 'node:crypto';
import { pick, type Rand } from './scale-vocab.js';

/** Units in the province: 2,011 bodies (so 2,000 recipients besides any issuer) and 299 departments. */
export const SCALE_UNITS = 2_310;
export const USERS_PER_UNIT = 10;
export const COMMUNES = 100;

export type UnitRole = 'province' | 'party' | 'council' | 'so' | 'commune_gov' | 'commune_party' | 'commune_council' | 'school' | 'department';

export interface OrgUnit {
  id: string;
  code: string;
  name: string;
  shortName: string;
  kind: 'party' | 'council' | 'government' | 'department' | 'school';
  parentId: string | null;
  role: UnitRole;
  /** Share of the documents this unit issues (relative). */
  weight: number;
  /** Index in `units`; users of unit i are i*10 … i*10+9 (0 clerk, 1 head, 2 deputy, 3.. officers). */
  index: number;
  departments: OrgUnit[];
}

export interface OrgUser {
  id: string;
  username: string;
  fullName: string;
  unitId: string;
  roles: string[];
  title: string;
  position: 'head' | 'deputy' | null;
}

const SO = [
  ['Sở Nội vụ', 'SNV'], ['Sở Tài chính', 'STC'], ['Sở Xây dựng', 'SXD'], ['Sở Nông nghiệp và Môi trường', 'SNNMT'],
  ['Sở Giáo dục và Đào tạo', 'SGDĐT'], ['Sở Y tế', 'SYT'], ['Sở Công Thương', 'SCT'], ['Sở Khoa học và Công nghệ', 'SKHCN'],
  ['Sở Văn hóa, Thể thao và Du lịch', 'SVHTTDL'], ['Sở Tư pháp', 'STP'], ['Sở Dân tộc và Tôn giáo', 'SDTTG'],
  ['Thanh tra tỉnh', 'TTT'], ['Ban Quản lý các khu công nghiệp', 'BQLKCN'], ['Công an tỉnh', 'CAT'],
  ['Bộ Chỉ huy Quân sự tỉnh', 'BCHQS'], ['Đài Phát thanh và Truyền hình tỉnh', 'ĐPTTH'], ['Trường Chính trị tỉnh', 'TCT'],
  ['Sở Ngoại vụ', 'SNgV'], ['Ban Quản lý dự án đầu tư xây dựng tỉnh', 'BQLDA'], ['Liên minh Hợp tác xã tỉnh', 'LMHTX'],
  ['Quỹ Đầu tư phát triển tỉnh', 'QĐTPT'], ['Kho bạc Nhà nước khu vực', 'KBNN'],
] as const;
const SO_DEPTS = [['Văn phòng', 'VP'], ['Phòng Kế hoạch - Tài chính', 'KHTC'], ['Phòng Nghiệp vụ 1', 'NV1'], ['Phòng Nghiệp vụ 2', 'NV2']] as const;
const PLACE_A = ['Tân', 'Hòa', 'Phú', 'Bình', 'Thạnh', 'An', 'Long', 'Phước', 'Đông', 'Tây', 'Nam', 'Bắc', 'Xuân', 'Quảng', 'Hưng', 'Thuận', 'Đức', 'Vĩnh', 'Mỹ', 'Hải'];
const PLACE_B = ['Sơn', 'Lộc', 'Thành', 'Lợi', 'Hiệp', 'Hà', 'Yên', 'Điền', 'Trung', 'Khánh', 'Thủy', 'Lâm', 'Giang', 'Định', 'Hưng', 'Mỹ', 'Phong', 'Tiến', 'Quý', 'Nghĩa'];
const SURNAMES = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Hữu', 'Thanh', 'Ngọc', 'Quốc', 'Đức', 'Thu', 'Hoài'];
const GIVEN = ['An', 'Bình', 'Cường', 'Dũng', 'Giang', 'Hà', 'Hải', 'Hạnh', 'Hòa', 'Hùng', 'Hương', 'Khánh', 'Lan', 'Linh', 'Long', 'Mai', 'Nam', 'Nga', 'Phúc', 'Quân', 'Sơn', 'Thảo', 'Thủy', 'Trang', 'Tuấn', 'Việt', 'Yến'];

export interface Org {
  units: OrgUnit[];
  users: OrgUser[];
  province: OrgUnit;
  /** The unit whose clerk reads the inbox, dashboard, registers and searches in the bench (Sở Nội vụ). */
  measured: OrgUnit;
  byId: Map<string, OrgUnit>;
  byParent: Map<string | null, OrgUnit[]>;
  /** Every unit that may receive documents (no departments). */
  receivers: OrgUnit[];
}

export function buildOrg(r: Rand): Org {
  const units: OrgUnit[] = [];
  const add = (name: string, shortName: string, kind: OrgUnit['kind'], role: UnitRole, parent: OrgUnit | null, weight: number): OrgUnit => {
    const u: OrgUnit = {
      id: randomUUID(), code: `H99.${String(units.length).padStart(4, '0')}`, name, shortName, kind,
      parentId: parent?.id ?? null, role, weight, index: units.length, departments: [],
    };
    units.push(u);
    if (kind === 'department' && parent) parent.departments.push(u);
    return u;
  };
  const province = add('Ủy ban nhân dân tỉnh Sơn Hà', 'UBND', 'government', 'province', null, 120);
  for (const [n, s] of [['Văn phòng', 'VP'], ['Phòng Kinh tế', 'KT'], ['Phòng Tổng hợp', 'TH'], ['Phòng Nội chính', 'NC'], ['Phòng Khoa giáo - Văn xã', 'KGVX'], ['Ban Tiếp công dân', 'BTCD']] as const) {
    add(`${n} - UBND tỉnh`, s, 'department', 'department', province, 0);
  }
  const party = add('Tỉnh ủy Sơn Hà', 'TU', 'party', 'party', null, 50);
  for (const [n, s] of [['Ban Tổ chức', 'BTCTU'], ['Ban Tuyên giáo và Dân vận', 'BTGDVTU'], ['Ủy ban Kiểm tra', 'UBKTTU'], ['Văn phòng', 'VPTU']] as const) {
    add(`${n} Tỉnh ủy`, s, 'department', 'department', party, 0);
  }
  const council = add('Hội đồng nhân dân tỉnh Sơn Hà', 'HĐND', 'council', 'council', null, 10);
  add('Văn phòng Đoàn ĐBQH và HĐND tỉnh', 'VPĐĐBQH', 'department', 'department', council, 0);
  const sos: OrgUnit[] = [];
  for (const [n, s] of SO) {
    const so = add(n, s, 'government', 'so', province, 22);
    sos.push(so);
    for (const [dn, ds] of SO_DEPTS) add(`${dn} - ${n}`, ds, 'department', 'department', so, 0);
  }
  const measured = sos[0]!;
  const education = sos.find((s) => s.shortName === 'SGDĐT')!;
  const communes: OrgUnit[] = [];
  for (let i = 0; i < COMMUNES; i++) {
    const place = `${PLACE_A[i % PLACE_A.length]} ${PLACE_B[Math.floor(i / PLACE_A.length) % PLACE_B.length]}`;
    const kindWord = i % 4 === 0 ? 'phường' : 'xã';
    add(`Đảng ủy ${kindWord} ${place}`, 'ĐU', 'party', 'commune_party', party, 0.6);
    const gov = add(`Ủy ban nhân dân ${kindWord} ${place}`, 'UBND', 'government', 'commune_gov', province, 2);
    add(`Phòng Kinh tế - ${kindWord} ${place}`, 'KT', 'department', 'department', gov, 0);
    add(`Phòng Văn hóa - Xã hội - ${kindWord} ${place}`, 'VHXH', 'department', 'department', gov, 0);
    add(`Hội đồng nhân dân ${kindWord} ${place}`, 'HĐND', 'council', 'commune_council', council, 0.1);
    communes.push(gov);
  }
  const levels = ['Trường Mầm non', 'Trường Tiểu học', 'Trường Trung học cơ sở'];
  for (let i = 0; units.length < SCALE_UNITS; i++) {
    const commune = communes[i % communes.length]!;
    const place = commune.name.replace(/^Ủy ban nhân dân (xã|phường) /, '');
    const thpt = i % 12 === 11;
    const name = thpt ? `Trường Trung học phổ thông ${place} ${Math.floor(i / 12) + 1}` : `${levels[i % 3]} ${place} ${Math.floor(i / 100) + 1}`;
    add(name, thpt ? 'THPT' : 'TRUONG', 'school', 'school', thpt ? education : commune, 0.05);
  }
  const users: OrgUser[] = [];
  for (const u of units) {
    for (let k = 0; k < USERS_PER_UNIT; k++) {
      const fullName = `${pick(r, SURNAMES)} ${pick(r, MIDDLE)} ${pick(r, GIVEN)}`;
      const [roles, title, position]: [string[], string, OrgUser['position']] =
        k === 0 ? [['clerk'], 'Văn thư', null] : k === 1 ? [['leader'], 'Thủ trưởng', 'head'] : k === 2 ? [['leader'], 'Phó Thủ trưởng', 'deputy'] : [['officer'], 'Chuyên viên', null];
      users.push({ id: randomUUID(), username: `u${u.index}-${k}`, fullName, unitId: u.id, roles, title, position });
    }
  }
  const byId = new Map(units.map((u) => [u.id, u]));
  const byParent = new Map<string | null, OrgUnit[]>();
  for (const u of units) byParent.set(u.parentId, [...(byParent.get(u.parentId) ?? []), u]);
  const receivers = units.filter((u) => u.kind !== 'department');
  return { units, users, province, measured, byId, byParent, receivers };
}

/** The password of every generated account (one argon2 hash shared by all). */
export const SCALE_PASSWORD = 'scale-password-1';
export const userOf = (org: Org, unit: OrgUnit, k: number): OrgUser => org.users[unit.index * USERS_PER_UNIT + k]!;

/**
 * Recipients of a document from `issuer`, about `n` of them, biased to the issuer's siblings and
 * children, its parent often, and a few anywhere. Never the issuer, never a department.
 */
export function recipientsFor(r: Rand, org: Org, issuer: OrgUnit, n: number): OrgUnit[] {
  const out = new Map<string, OrgUnit>();
  const all = org.receivers;
  const parent = issuer.parentId ? org.byId.get(issuer.parentId) : undefined;
  if (parent && r() < 0.6) out.set(parent.id, parent);
  const { children, siblings } = kin(org, issuer);
  for (let guard = 0; out.size < n && guard < n * 4; guard++) {
    const x = r();
    const pool = x < 0.45 ? siblings : x < 0.8 ? children : all;
    const u = (pool.length ? pool : all)[Math.floor(r() * (pool.length || all.length))]!;
    if (u.id !== issuer.id) out.set(u.id, u);
  }
  return [...out.values()];
}

const kinCache = new WeakMap<OrgUnit, { children: OrgUnit[]; siblings: OrgUnit[] }>();
function kin(org: Org, u: OrgUnit) {
  let k = kinCache.get(u);
  if (!k) {
    k = {
      children: (org.byParent.get(u.id) ?? []).filter((c) => c.kind !== 'department'),
      siblings: (org.byParent.get(u.parentId) ?? []).filter((c) => c.kind !== 'department' && c.id !== u.id),
    };
    kinCache.set(u, k);
  }
  return k;
}
