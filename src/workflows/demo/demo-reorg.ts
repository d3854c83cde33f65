// `npm run cli -- demo-reorg`: the 2025 reform applied to the demo district huyện Sơn Hà, through
// the reorganisation service (workflows/reorganise.ts), so a user can watch history survive:
//  - the province's bodies (tỉnh Vân Sơn, the same codes as DEMO=province) are created for the
//    purpose, valid from 1 July 2025, with the new commune Sơn Trung (UBND and Đảng ủy);
//  - xã Sơn Tây, Sơn Đông and Sơn Thành merge into xã Sơn Trung (UBND into UBND, Đảng ủy into
//    Đảng ủy): their people, open work and registers follow, their documents keep their names;
//  - thị trấn Sơn Hà becomes xã Sơn Hà (a rename: thị trấn are abolished with the districts);
//  - the other communes move under the UBND tỉnh and the Tỉnh ủy;
//  - every school moves under its commune's UBND (Sơn Trung for the three merged communes'), the
//    district's boarding school under the Sở GDĐT, the health centre under the Sở Y tế;
//  - the district's departments, boards, Huyện ủy, HĐND and UBND are dissolved into their
//    provincial counterparts.
// One transaction: the new units and the plan commit together or not at all. A second run finds
// the UBND huyện already ended and says so.
import type { Deps } from '../../lib/deps.js';
import type { Unit } from '../../modules/orgs/units.js';
import { createUnit, findUnitsByCodes, updateUnit } from '../../modules/orgs/units.js';
import { findUserByUsername } from '../../modules/orgs/users.js';
import { reorganise, type ReorganisationReport, type UnitChange } from '../reorganise.js';
import {
  communePartyCode as districtPartyCode, communeSchools, communeUbndCode as districtUbndCode, demoUnits, districtCommunes, HDND_HUYEN, HUYEN_UY,
  namedSchools, UBND_HUYEN, type UnitSeed,
} from './demo-district.js';
import { HDND_TINH, provinceBodies, provinceBodyCode, sonTrungUnits, TINH_UY, UBND_TINH } from './demo-province.js';

/** The first day of the two-tier organisation. */
export const REFORM_DAY = '2025-07-01';

/** The communes merged into Sơn Trung (slugs of the district demo). */
export const MERGED = ['sontay', 'sondong', 'sonthanh'] as const;

// District department (name without "huyện Sơn Hà") → the province body that takes over.
const DEPARTMENT_SUCCESSORS: Array<[string, string]> = [
  ['Văn phòng HĐND và UBND', 'Văn phòng Ủy ban nhân dân'],
  ['Phòng Nội vụ', 'Sở Nội vụ'],
  ['Phòng Tài chính - Kế hoạch', 'Sở Tài chính'],
  ['Phòng Giáo dục và Đào tạo', 'Sở Giáo dục và Đào tạo'],
  ['Phòng Y tế', 'Sở Y tế'],
  ['Phòng Tư pháp', 'Sở Tư pháp'],
  ['Phòng Tài nguyên và Môi trường', 'Sở Nông nghiệp và Môi trường'],
  ['Phòng Kinh tế và Hạ tầng', 'Sở Xây dựng'],
  ['Phòng Nông nghiệp và Phát triển nông thôn', 'Sở Nông nghiệp và Môi trường'],
  ['Phòng Lao động - Thương binh và Xã hội', 'Sở Nội vụ'],
  ['Phòng Văn hóa và Thông tin', 'Sở Văn hóa, Thể thao và Du lịch'],
  ['Thanh tra', 'Thanh tra'],
  ['Phòng Dân tộc', 'Sở Dân tộc và Tôn giáo'],
  ['Ban Quản lý dự án đầu tư xây dựng', 'Sở Xây dựng'],
  ['Trung tâm Văn hóa - Thể thao', 'Sở Văn hóa, Thể thao và Du lịch'],
  ['Đài Truyền thanh', 'Báo và Phát thanh, Truyền hình'],
];
// Huyện ủy board → Tỉnh ủy board.
const BOARD_SUCCESSORS: Array<[string, string]> = [
  ['Ban Tổ chức Huyện ủy Sơn Hà', 'Ban Tổ chức Tỉnh ủy Vân Sơn'],
  ['Ban Tuyên giáo Huyện ủy Sơn Hà', 'Ban Tuyên giáo và Dân vận Tỉnh ủy Vân Sơn'],
  ['Ủy ban Kiểm tra Huyện ủy Sơn Hà', 'Ủy ban Kiểm tra Tỉnh ủy Vân Sơn'],
  ['Văn phòng Huyện ủy Sơn Hà', 'Văn phòng Tỉnh ủy Vân Sơn'],
];

/** The units `demo-reorg` creates: the province's bodies and Sơn Trung's UBND and Đảng ủy. */
export function reformNewUnits(): UnitSeed[] {
  const sonTrung = sonTrungUnits().filter((u) => u.kind === 'government' || u.kind === 'party');
  return [...provinceBodies(), ...sonTrung];
}

/**
 * The plan, in codes: which units merge, move, are renamed or dissolved (resolved to ids when
 * applied). Children move before their old parents are dissolved.
 */
export function reformPlan(): Array<
  | { kind: 'merge'; codes: string[]; into: string }
  | { kind: 'move'; code: string; parent: string }
  | { kind: 'rename'; code: string; name: string }
  | { kind: 'dissolve'; code: string; successor: string }
> {
  const district = demoUnits();
  const byName = (name: string) => {
    const u = district.find((x) => x.name === name);
    if (!u) throw new Error(`demo district unit not found: ${name}`);
    return u.code;
  };
  const communes = districtCommunes();
  const [sonTrungUbnd, sonTrungParty] = [sonTrungUnits().find((u) => u.kind === 'government')!.code, sonTrungUnits().find((u) => u.kind === 'party')!.code];
  const merged = communes.map((c, i) => ({ c, i })).filter(({ c }) => (MERGED as readonly string[]).includes(c.slug));
  const kept = communes.map((c, i) => ({ c, i })).filter(({ c }) => !(MERGED as readonly string[]).includes(c.slug));
  const plan: ReturnType<typeof reformPlan> = [];
  plan.push({ kind: 'merge', codes: merged.map(({ i }) => districtUbndCode(i)), into: sonTrungUbnd });
  plan.push({ kind: 'merge', codes: merged.map(({ i }) => districtPartyCode(i)), into: sonTrungParty });
  for (const { c, i } of kept) {
    if (c.town) {
      plan.push({ kind: 'rename', code: districtUbndCode(i), name: `Ủy ban nhân dân xã ${c.name}` });
      plan.push({ kind: 'rename', code: districtPartyCode(i), name: `Đảng ủy xã ${c.name}` });
    }
    plan.push({ kind: 'move', code: districtUbndCode(i), parent: UBND_TINH });
    plan.push({ kind: 'move', code: districtPartyCode(i), parent: TINH_UY });
  }
  // Schools: each commune's under its UBND (the merged ones' under Sơn Trung's).
  for (const [i, c] of communes.entries()) {
    const parent = merged.some((m) => m.i === i) ? sonTrungUbnd : districtUbndCode(i);
    for (const [name] of communeSchools(c)) plan.push({ kind: 'move', code: byName(name), parent });
  }
  const named = namedSchools();
  const town = communes.findIndex((c) => c.town);
  for (const [n, [name]] of named.entries()) {
    const boarding = n === named.length - 1;
    plan.push({ kind: 'move', code: byName(name), parent: boarding ? provinceBodyCode('Sở Giáo dục và Đào tạo') : districtUbndCode(town) });
  }
  plan.push({ kind: 'move', code: byName('Trung tâm Y tế huyện Sơn Hà'), parent: provinceBodyCode('Sở Y tế') });
  for (const [from, to] of DEPARTMENT_SUCCESSORS) plan.push({ kind: 'dissolve', code: byName(`${from} huyện Sơn Hà`), successor: provinceBodyCode(to) });
  for (const [from, to] of BOARD_SUCCESSORS) plan.push({ kind: 'dissolve', code: byName(from), successor: provinceBodyCode(to) });
  plan.push({ kind: 'dissolve', code: HUYEN_UY, successor: TINH_UY });
  plan.push({ kind: 'dissolve', code: HDND_HUYEN, successor: HDND_TINH });
  plan.push({ kind: 'dissolve', code: UBND_HUYEN, successor: UBND_TINH });
  return plan;
}

export class DemoReorgError extends Error {}

export type DemoReorgResult =
  | { done: false; already: true; endedOn: string }
  | { done: true; already: false; created: number; report: ReorganisationReport };

/** Applies the reform to the demo district (see the top of this file); once. */
export async function demoReorg(deps: Pick<Deps, 'db' | 'clock'>): Promise<DemoReorgResult> {
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const [root] = await findUnitsByCodes(tx, [UBND_HUYEN]);
    if (!root) throw new DemoReorgError('Chưa có dữ liệu mẫu huyện Sơn Hà; hãy chạy seed-demo trước (the demo district is missing; run seed-demo first)');
    if (root.validTo || root.successorId) return { done: false, already: true, endedOn: root.validTo ?? '' };

    const news = reformNewUnits();
    const existing = new Map((await findUnitsByCodes(tx, news.map((u) => u.code))).map((u) => [u.code, u]));
    let created = 0;
    for (const u of news) {
      if (existing.has(u.code)) continue;
      const parentId = u.parentCode ? existing.get(u.parentCode)?.id ?? null : null;
      const row = await createUnit(tx, null, {
        code: u.code, name: u.name, shortName: u.shortName, kind: u.kind, parentId, validFrom: REFORM_DAY, ...(u.level ? { level: u.level } : {}),
      }, at);
      existing.set(u.code, row);
      created++;
    }

    const plan = reformPlan();
    const codes = new Set<string>();
    for (const c of plan) {
      for (const code of c.kind === 'merge' ? [...c.codes, c.into] : c.kind === 'move' ? [c.code, c.parent] : c.kind === 'dissolve' ? [c.code, c.successor] : [c.code]) codes.add(code);
    }
    const byCode = new Map<string, Unit>((await findUnitsByCodes(tx, [...codes])).map((u) => [u.code, u]));
    const id = (code: string): string => {
      const u = byCode.get(code);
      if (!u) throw new DemoReorgError(`Thiếu đơn vị mẫu ${code} (a demo unit is missing: ${code}); the demo district was changed by hand`);
      return u.id;
    };
    const changes: UnitChange[] = plan.map((c) => {
      switch (c.kind) {
        case 'merge':
          return { kind: 'merge', unitIds: c.codes.map(id), into: { unitId: id(c.into) } };
        case 'move':
          return { kind: 'move', unitId: id(c.code), parentId: id(c.parent) };
        case 'rename':
          return { kind: 'rename', unitId: id(c.code), name: c.name };
        case 'dissolve':
          return { kind: 'dissolve', unitId: id(c.code), successorId: id(c.successor) };
      }
    });
    const report = await reorganise(tx, null, { effectiveOn: REFORM_DAY, changes }, at);
    // A move keeps a unit's level (it carries no history): the schools and bodies that moved now
    // belong to a commune or to the province, like their new parents.
    const admin = await findUserByUsername(tx, 'admin');
    if (!admin) throw new DemoReorgError('Chưa có tài khoản admin (the built-in admin account is missing)');
    const actor = { userId: admin.id, unitId: admin.unitId, roles: admin.roles };
    const levelOf = new Map([...existing.values()].map((u) => [u.id, u.level]));
    for (const c of plan) {
      if (c.kind !== 'move') continue;
      const level = levelOf.get(id(c.parent)) ?? byCode.get(c.parent)?.level;
      const mine = byCode.get(c.code)!.level;
      // A commune moved under the province stays a commune.
      if (level && mine !== 'commune' && mine !== level) await updateUnit(tx, actor, id(c.code), { level }, at);
    }
    return { done: true, already: false, created, report };
  });
}

/** The CLI's text: what was created, each change's summary, who moved, what open work followed. */
export function formatDemoReorg(r: DemoReorgResult): string {
  if (r.already) {
    return `Đã áp dụng sắp xếp năm 2025 cho dữ liệu mẫu (huyện Sơn Hà kết thúc ngày ${r.endedOn}); không làm gì thêm.\n` +
      `(The 2025 reform was already applied to the demo district; nothing done.)\n`;
  }
  const rep = r.report;
  const lines = [
    `Sắp xếp đơn vị hành chính từ ngày ${rep.effectiveOn} (the 2025 reform, effective ${rep.effectiveOn}):`,
    `  Đơn vị mới của tỉnh Vân Sơn (new units): ${r.created}`,
    `  Thay đổi (changes): ${rep.changes.length}`,
    ...rep.changes.filter((c) => c.kind !== 'move').map((c) => `    - ${c.summary}`),
    `    - ${rep.changes.filter((c) => c.kind === 'move').length} đơn vị chuyển đơn vị cấp trên (units moved to a new parent)`,
    `  Người dùng chuyển sang đơn vị kế thừa (users moved): ${rep.usersMoved.length}`,
    ...rep.usersMoved.map((u) => `    - ${u.fullName}`),
    ...(rep.usersToPlace.length ? [`  Người dùng cần xếp đơn vị (users to place): ${rep.usersToPlace.length}`, ...rep.usersToPlace.map((u) => `    - ${u.fullName}`)] : []),
    `  Việc đang mở chuyển theo (open work moved): ${rep.moved.deliveries} văn bản đến (deliveries), ${rep.moved.assignments} giao việc (assignments), ` +
      `${rep.moved.drafts} dự thảo (drafts), ${rep.moved.delegations} ủy quyền (delegations)`,
    `  Xem cây đơn vị trước đó: GET /api/units?on=2025-06-30 (the tree before: …?on=2025-06-30)`,
  ];
  return `${lines.join('\n')}\n`;
}
