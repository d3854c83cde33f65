// The signer's competence line (thẩm quyền ký, NĐ 30/2020 appendix I; HD 36-HD/VPTW for the Party):
// TM. (on behalf of a collective), KT. (a deputy for the head), Q. (acting head), TL. (by order),
// TUQ. (by authorisation), and the lines of the signature block they head.
import { COMPETENCES, type Competence } from '../documents/tables.js';
import type { UnitKind, UserPosition } from '../orgs/tables.js';

export { COMPETENCES, type Competence };

/** Units run collectively (chế độ tập thể): their head signs "TM." the body. */
const COLLECTIVES: Partial<Record<UnitKind, string>> = {
  government: 'ỦY BAN NHÂN DÂN',
  council: 'HỘI ĐỒNG NHÂN DÂN',
  party: 'BAN THƯỜNG VỤ',
};

export const isCollective = (kind: UnitKind) => kind in COLLECTIVES;

/**
 * The competence a signature carries unless the signer picks another: a signature under a
 * delegation is TUQ.; otherwise it follows the signer's position — the head of a collective body
 * TM., a deputy KT., an acting head Q., by order TL. The head of a unit run by one person (a
 * department, a school) and a person with no position set sign without a competence line.
 */
export function defaultCompetence(p: { position: UserPosition | null; unitKind: UnitKind; onBehalfOf: string | null }): Competence | null {
  if (p.onBehalfOf) return 'TUQ';
  switch (p.position) {
    case 'head': return isCollective(p.unitKind) ? 'TM' : null;
    case 'deputy': return 'KT';
    case 'acting': return 'Q';
    case 'by_order': return 'TL';
    default: return null;
  }
}

/** State documents write "TM.", Party documents "T/M" (HD 36-HD/VPTW). */
const PREFIX: Record<'state' | 'party', Record<Competence, string>> = {
  state: { TM: 'TM.', KT: 'KT.', Q: 'Q.', TL: 'TL.', TUQ: 'TUQ.' },
  party: { TM: 'T/M', KT: 'K/T', Q: 'Q.', TL: 'T/L', TUQ: 'T/UQ' },
};

/** The head's title when nobody holds it in the unit: what each kind of unit calls its head. */
const HEAD_BY_KIND: Record<UnitKind, string> = {
  government: 'Chủ tịch', council: 'Chủ tịch', party: 'Bí thư', department: 'Trưởng phòng', school: 'Hiệu trưởng', other: 'Thủ trưởng',
};

const upper = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleUpperCase('vi');

/**
 * The head's title for "KT. CHỦ TỊCH" and the like: the unit's head's title when known, else the
 * signer's own title without "Phó"/"Quyền" ("Phó Chủ tịch" → "Chủ tịch"), else the usual title of
 * the head of such a unit.
 */
export function headTitleFor(p: { headTitle?: string | null; signerTitle: string; unitKind: UnitKind }): string {
  if (p.headTitle?.trim()) return p.headTitle.trim();
  const stripped = p.signerTitle.normalize('NFC').trim().replace(/^(phó|quyền)\s+/iu, '');
  if (stripped && stripped.toLocaleLowerCase('vi') !== p.signerTitle.normalize('NFC').trim().toLocaleLowerCase('vi')) return stripped;
  return HEAD_BY_KIND[p.unitKind];
}

export interface CompetenceInput {
  competence: Competence | null;
  unitKind: UnitKind;
  /** The signer's title, e.g. "Phó Chủ tịch" (may be empty). */
  signerTitle: string;
  /** The title of the head signed for (KT./Q./TL./TUQ.), see headTitleFor. */
  headTitle: string;
  /** The collective signed for with TM. when the unit is not one of the usual kinds (its name). */
  unitName?: string;
}

/**
 * The lines above the signature, in capitals (NĐ 30 appendix I, mẫu 1.x): e.g.
 * TM → "TM. ỦY BAN NHÂN DÂN" / "CHỦ TỊCH"; KT in a collective → "TM. ỦY BAN NHÂN DÂN" /
 * "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH"; KT in a department → "KT. TRƯỞNG PHÒNG" / "PHÓ TRƯỞNG PHÒNG";
 * Q. → "Q. CHỦ TỊCH"; TL./TUQ. → "TL. CHỦ TỊCH" / "CHÁNH VĂN PHÒNG"; none → the signer's title.
 */
export function competenceLines(p: CompetenceInput): string[] {
  const style = p.unitKind === 'party' ? 'party' : 'state';
  const pre = PREFIX[style];
  const collective = COLLECTIVES[p.unitKind] ?? (p.unitName ? upper(p.unitName) : 'TẬP THỂ LÃNH ĐẠO');
  const own = upper(p.signerTitle) || 'LÃNH ĐẠO';
  const head = upper(p.headTitle);
  const onBehalf = isCollective(p.unitKind) ? [`${pre.TM} ${collective}`] : [];
  switch (p.competence) {
    case 'TM': return [`${pre.TM} ${collective}`, own];
    case 'KT': return [...onBehalf, `${pre.KT} ${head}`, own];
    case 'Q': return [...onBehalf, `${pre.Q} ${head}`];
    case 'TL': return [`${pre.TL} ${head}`, own];
    case 'TUQ': return [`${pre.TUQ} ${head}`, own];
    default: return [own];
  }
}

/**
 * The competence as edXML SignerInfo writes it (QCVN 102): the line carrying the prefix, e.g.
 * "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "TUQ. CHỦ TỊCH"; null without a competence.
 */
export function competenceText(p: CompetenceInput): string | null {
  if (!p.competence) return null;
  const prefix = PREFIX[p.unitKind === 'party' ? 'party' : 'state'][p.competence];
  return competenceLines(p).find((l) => l.startsWith(`${prefix} `)) ?? null;
}

/** A competence from a request: one of COMPETENCES, null for none, undefined for the default; anything else is invalid. */
export function isCompetence(v: unknown): v is Competence {
  return typeof v === 'string' && (COMPETENCES as readonly string[]).includes(v);
}
