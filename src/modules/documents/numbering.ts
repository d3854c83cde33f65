import { sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { badRequest } from '../../lib/errors.js';
import { vnDate, vnYear } from '../../lib/time.js';
import { numberSeries } from './tables.js';

/**
 * State document types and their abbreviations (NĐ 30/2020, appendix III); `CV` stands for công
 * văn (no abbreviation in a State notation: `123/UBND-VP`).
 */
export const STATE_DOCUMENT_TYPES: Readonly<Record<string, string>> = {
  NQ: 'Nghị quyết', QĐ: 'Quyết định', CT: 'Chỉ thị', QC: 'Quy chế', QyĐ: 'Quy định', TC: 'Thông cáo',
  TB: 'Thông báo', HD: 'Hướng dẫn', CTr: 'Chương trình', KH: 'Kế hoạch', PA: 'Phương án', ĐA: 'Đề án',
  DA: 'Dự án', BC: 'Báo cáo', BB: 'Biên bản', TTr: 'Tờ trình', HĐ: 'Hợp đồng', CĐ: 'Công điện',
  BGN: 'Bản ghi nhớ', BTT: 'Bản thỏa thuận', GUQ: 'Giấy ủy quyền', GM: 'Giấy mời', GGT: 'Giấy giới thiệu',
  GNP: 'Giấy nghỉ phép', PG: 'Phiếu gửi', PC: 'Phiếu chuyển', PB: 'Phiếu báo', SY: 'Bản sao y',
  TrS: 'Bản trích sao', SL: 'Bản sao lục', CV: 'Công văn',
};

/**
 * Party document types and their abbreviations (Hướng dẫn 36-HD/VPTW, used by `party` units):
 * the types DOMAIN.md lists, plus Thông cáo, Đề án, Phương án, Quy hoạch (QHo), Giấy giới thiệu
 * and Giấy nghỉ phép, also in HD 36. A Party quy định is `QĐi` (State: `QyĐ`); công văn takes
 * `CV` in a Party notation (`12-CV/HU`). Data: extend here, nothing else changes.
 */
export const PARTY_DOCUMENT_TYPES: Readonly<Record<string, string>> = {
  NQ: 'Nghị quyết', QĐ: 'Quyết định', CT: 'Chỉ thị', KL: 'Kết luận', QC: 'Quy chế', QĐi: 'Quy định',
  TT: 'Thông tri', HD: 'Hướng dẫn', BC: 'Báo cáo', KH: 'Kế hoạch', QHo: 'Quy hoạch', CTr: 'Chương trình',
  TB: 'Thông báo', TC: 'Thông cáo', TTr: 'Tờ trình', ĐA: 'Đề án', PA: 'Phương án', CV: 'Công văn',
  BB: 'Biên bản', GM: 'Giấy mời', GGT: 'Giấy giới thiệu', GNP: 'Giấy nghỉ phép',
};

/** Every known type (State and Party) with its full name: what a document or an incoming package may carry. */
export const DOCUMENT_TYPES: Readonly<Record<string, string>> = { ...STATE_DOCUMENT_TYPES, ...PARTY_DOCUMENT_TYPES };

/** Accepts the abbreviation as typed, also when Đ was typed as the look-alike Latin Ð or as plain D. */
export function normaliseType(input: string): string | null {
  const t = input.trim().normalize('NFC').replace(/Ð/g, 'Đ');
  if (t in DOCUMENT_TYPES) return t;
  const byAscii = Object.keys(DOCUMENT_TYPES).find((k) => k.replace(/Đ/g, 'D') === t && k !== t);
  return byAscii ?? null;
}

/** The types a unit of this kind may issue: Party committees use HD 36's list, every other unit NĐ 30's. */
export const typesFor = (kind: string): Readonly<Record<string, string>> => (kind === 'party' ? PARTY_DOCUMENT_TYPES : STATE_DOCUMENT_TYPES);

/**
 * Refuses (400, naming the type) a type the unit's style does not have: KL, QĐi, TT … are Party
 * types only, QyĐ, HĐ, CĐ … State types only. `type` is already normalised.
 */
export function checkTypeForUnit(unit: { kind: string }, type: string): void {
  if (type in typesFor(unit.kind)) return;
  const name = DOCUMENT_TYPES[type];
  const label = name ? `"${type}" (${name})` : `"${type}"`;
  if (unit.kind === 'party') {
    const hint = type === 'QyĐ' ? '; quy định của Đảng dùng ký hiệu QĐi' : '';
    throw badRequest(
      `Loại văn bản ${label} không thuộc danh mục văn bản của Đảng (Hướng dẫn 36-HD/VPTW)${hint}`,
      `Document type ${label} is not a Party document type (HD 36-HD/VPTW)${type === 'QyĐ' ? '; a Party regulation is QĐi' : ''}`,
    );
  }
  throw badRequest(
    `Loại văn bản ${label} chỉ dùng cho văn bản của cấp ủy Đảng, không thuộc danh mục của Nghị định 30/2020/NĐ-CP`,
    `Document type ${label} is a Party document type only, not in Decree 30/2020 (appendix III)`,
  );
}

export interface NumberingUnit {
  kind: string;
  shortName: string;
  /** The current term's label, e.g. "2025-2030" (Party units). */
  partyTerm: string | null;
  /** yyyy-MM-dd: the day after the congress that opened the current term closed. */
  partyTermStartsOn?: string | null;
}

/**
 * Party committees' terms (nhiệm kỳ) by the congress-year rule: five years from the 2020
 * congresses, the label changing on 1 January of a congress year (2025, 2030 …). Used only when
 * the unit has neither `partyTerm` nor `partyTermStartsOn`.
 */
export function partyTermAt(at: Date): string {
  const start = 2020 + 5 * Math.floor((vnYear(at) - 2020) / 5);
  return `${start}-${start + 5}`;
}

const TERM = /^(\d{4})-(\d{4})$/;

/**
 * The term a Party document issued at `at` belongs to. With `partyTermStartsOn`: from that day
 * (Vietnam date) on, the current term (`partyTerm`, or the five years from that day's year);
 * before it, the term before (same length). Without it: `partyTerm` whatever the date, else the
 * congress-year rule (partyTermAt).
 */
export function partyTermFor(unit: Pick<NumberingUnit, 'partyTerm' | 'partyTermStartsOn'>, at: Date): string {
  const startsOn = unit.partyTermStartsOn ?? null;
  if (!startsOn) return unit.partyTerm ?? partyTermAt(at);
  const y = Number(startsOn.slice(0, 4));
  const m = unit.partyTerm ? TERM.exec(unit.partyTerm) : null;
  const [from, to] = m ? [Number(m[1]), Number(m[2])] : [y, y + 5];
  if (vnDate(at) >= startsOn) return `${from}-${to}`;
  return `${from - (to - from)}-${from}`;
}

/**
 * The register a number comes from. State style: one series per unit and calendar year (Vietnam
 * time). Party style: per document type through the committee's term (partyTermFor). Secret
 * documents always use a separate series. A type the unit's style does not have is refused (400).
 */
export function seriesFor(unit: NumberingUnit, type: string, secret: boolean, at: Date): string {
  checkTypeForUnit(unit, type);
  const base = unit.kind === 'party' ? `party:${partyTermFor(unit, at)}:${type}` : `state:${vnYear(at)}`;
  return secret ? `${base}:secret` : base;
}

/** Numbers below 10 get a leading zero: 05, 12, 123. */
export const padNumber = (n: number) => String(n).padStart(2, '0');

/**
 * Số, ký hiệu. State: `15/QĐ-UBND`, công văn `123/UBND-VP` (issuer - drafting unit).
 * Party: `05-NQ/HU`, công văn `12-CV/HU`.
 */
export function formatNotation(p: { unit: NumberingUnit; type: string; number: number; draftingShortName?: string | null }): string {
  const num = padNumber(p.number);
  if (p.unit.kind === 'party') return `${num}-${p.type}/${p.unit.shortName}`;
  if (p.type === 'CV') return p.draftingShortName ? `${num}/${p.unit.shortName}-${p.draftingShortName}` : `${num}/${p.unit.shortName}`;
  return `${num}/${p.type}-${p.unit.shortName}`;
}

/**
 * Takes the next number of a series inside the caller's transaction. The upsert locks the series
 * row until commit, so concurrent issuers queue and a rolled-back issue gives its number back:
 * never a gap, never a duplicate.
 */
export async function takeNextNumber(tx: Tx, unitId: string, series: string): Promise<number> {
  const [row] = await tx
    .insert(numberSeries)
    .values({ unitId, series, lastNumber: 1 })
    .onConflictDoUpdate({
      target: [numberSeries.unitId, numberSeries.series],
      set: { lastNumber: sql`${numberSeries.lastNumber} + 1` },
    })
    .returning({ n: numberSeries.lastNumber });
  return row!.n;
}
