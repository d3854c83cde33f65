// @ts-check
// Document types (NĐ 30 appendix III; Party: Hướng dẫn 36-HD/VPTW) with their names in Vietnamese
// and English; re-exported by i18n.js.
import { getLang, t } from './i18n.js';

/** Every document type's name, Vietnamese and English (NĐ 30 appendix III; Party: Hướng dẫn 36-HD/VPTW). */
/** @type {Record<string, [vi: string, en: string]>} */
export const DOC_TYPE_NAMES = {
  CV: ['Công văn', 'Official letter'], QĐ: ['Quyết định', 'Decision'], TB: ['Thông báo', 'Notice'], KH: ['Kế hoạch', 'Plan'],
  BC: ['Báo cáo', 'Report'], CT: ['Chỉ thị', 'Directive'], CĐ: ['Công điện', 'Official telegram'], GM: ['Giấy mời', 'Invitation'],
  HD: ['Hướng dẫn', 'Guidance'], NQ: ['Nghị quyết', 'Resolution'], TTr: ['Tờ trình', 'Submission'], CTr: ['Chương trình', 'Programme'],
  QC: ['Quy chế', 'Rules of procedure'], QyĐ: ['Quy định', 'Regulation'], PA: ['Phương án', 'Scheme'], BB: ['Biên bản', 'Minutes'],
  GGT: ['Giấy giới thiệu', 'Letter of introduction'], KL: ['Kết luận', 'Conclusion'], QĐi: ['Quy định', 'Regulation'], TT: ['Thông tri', 'Circular'],
};
/** @param {string[]} codes @returns {Array<[code: string, name: string]>} */
const named = (codes) => codes.map((c) => [c, DOC_TYPE_NAMES[c]?.[0] ?? c]);

/** Document types (NĐ 30 appendix III) offered when drafting; CV = công văn. */
export const DOC_TYPES = named(['CV', 'QĐ', 'TB', 'KH', 'BC', 'CT', 'CĐ', 'GM', 'HD', 'NQ', 'TTr', 'CTr', 'QC', 'QyĐ', 'PA', 'BB', 'GGT']);

/** Party document types (Hướng dẫn 36-HD/VPTW) offered to Party committees: KL, QĐi, TT are theirs only; công văn is `CV` too. */
export const PARTY_DOC_TYPES = named(['CV', 'NQ', 'QĐ', 'CT', 'KL', 'QĐi', 'TT', 'HD', 'BC', 'KH', 'CTr', 'TB', 'TTr', 'QC', 'BB', 'GM', 'GGT']);

/** The types a unit of this kind drafts (the server refuses the other style's). @param {string | undefined} kind */
export const docTypesFor = (kind) => (kind === 'party' ? PARTY_DOC_TYPES : DOC_TYPES);

/**
 * A type's name in the current language; `all`: in a list of every type, where a Party-only type
 * says so ("Quy định (Đảng)").
 * @param {string} code
 */
export function docTypeName(code, all = false) {
  const name = DOC_TYPE_NAMES[code]?.[getLang() === 'en' ? 1 : 0] ?? code;
  return all && !DOC_TYPES.some(([c]) => c === code) ? t('partyType', { name }) : name;
}

/** Every type, for registering what arrives from anyone (paper, secret register). */
/** @type {Array<[code: string, name: string]>} */
export const ALL_DOC_TYPES = [
  ...DOC_TYPES,
  .../** @type {Array<[string, string]>} */ (PARTY_DOC_TYPES.filter(([c]) => !DOC_TYPES.some(([d]) => d === c)).map(([c, n]) => [c, `${n} (Đảng)`])),
];
