import { sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { vnYear } from '../../lib/time.js';
import { numberSeries } from './tables.js';

/** Document types and their abbreviations (NĐ 30/2020, appendix III); `CV` stands for công văn. */
export const DOCUMENT_TYPES: Record<string, string> = {
  NQ: 'Nghị quyết', QĐ: 'Quyết định', CT: 'Chỉ thị', QC: 'Quy chế', QyĐ: 'Quy định', TC: 'Thông cáo',
  TB: 'Thông báo', HD: 'Hướng dẫn', CTr: 'Chương trình', KH: 'Kế hoạch', PA: 'Phương án', ĐA: 'Đề án',
  DA: 'Dự án', BC: 'Báo cáo', BB: 'Biên bản', TTr: 'Tờ trình', HĐ: 'Hợp đồng', CĐ: 'Công điện',
  BGN: 'Bản ghi nhớ', BTT: 'Bản thỏa thuận', GUQ: 'Giấy ủy quyền', GM: 'Giấy mời', GGT: 'Giấy giới thiệu',
  GNP: 'Giấy nghỉ phép', PG: 'Phiếu gửi', PC: 'Phiếu chuyển', PB: 'Phiếu báo', SY: 'Bản sao y',
  TrS: 'Bản trích sao', SL: 'Bản sao lục', CV: 'Công văn',
};

/** Accepts the abbreviation as typed, also when Đ was typed as the look-alike Latin Ð or as plain D. */
export function normaliseType(input: string): string | null {
  const t = input.trim().normalize('NFC').replace(/Ð/g, 'Đ');
  if (t in DOCUMENT_TYPES) return t;
  const byAscii = Object.keys(DOCUMENT_TYPES).find((k) => k.replace(/Đ/g, 'D') === t && k !== t);
  return byAscii ?? null;
}

export interface NumberingUnit {
  kind: string;
  shortName: string;
  partyTerm: string | null;
}

/** Party committees' terms (nhiệm kỳ) run five years from the 2020 congresses unless the unit says otherwise. */
export function partyTermAt(at: Date): string {
  const start = 2020 + 5 * Math.floor((vnYear(at) - 2020) / 5);
  return `${start}-${start + 5}`;
}

/**
 * The register a number comes from. State style: one series per unit and calendar year (Vietnam
 * time). Party style: per document type through the committee's term. Secret documents always
 * use a separate series.
 */
export function seriesFor(unit: NumberingUnit, type: string, secret: boolean, at: Date): string {
  const base = unit.kind === 'party' ? `party:${unit.partyTerm ?? partyTermAt(at)}:${type}` : `state:${vnYear(at)}`;
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
