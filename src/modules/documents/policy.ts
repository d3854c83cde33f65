import { type Actor, hasRole, leaderPower } from '../../lib/actor.js';
import type { DocumentStatus } from './tables.js';

interface DocumentLike {
  issuerUnitId: string;
  status: DocumentStatus;
}

/** Anyone in the issuing unit sees its documents, drafts included. */
export const isIssuerMember = (actor: Actor, doc: Pick<DocumentLike, 'issuerUnitId'>) => actor.unitId === doc.issuerUnitId;

/** Drafting and attaching files: clerk, leader or officer of the issuing unit, while a draft. */
export const mayDraft = (actor: Actor, doc: Pick<DocumentLike, 'issuerUnitId'>) =>
  isIssuerMember(actor, doc) && hasRole(actor, 'clerk', 'leader', 'officer');
export const canEditDraft = (actor: Actor, doc: DocumentLike) => mayDraft(actor, doc) && doc.status === 'draft';

/** A leader of the issuing unit signs; so does a deputy holding a "sign" delegation today. */
export const maySign = (actor: Actor, doc: Pick<DocumentLike, 'issuerUnitId'>) => isIssuerMember(actor, doc) && leaderPower(actor, 'sign').allowed;
/** …a draft whose main file is there and not yet signed by a leader. */
export const canSign = (actor: Actor, doc: DocumentLike, main: { leaderSigned: boolean } | null) =>
  maySign(actor, doc) && doc.status === 'draft' && Boolean(main) && !main!.leaderSigned;

/** Numbering, issuing and recalling are the secretary's (văn thư) acts. */
export const mayIssue = (actor: Actor, doc: Pick<DocumentLike, 'issuerUnitId'>) => isIssuerMember(actor, doc) && hasRole(actor, 'clerk');
export const canIssue = (actor: Actor, doc: DocumentLike, main: object | null) => mayIssue(actor, doc) && doc.status === 'draft' && Boolean(main);
export const mayRecall = mayIssue;
export const canRecall = (actor: Actor, doc: DocumentLike) => mayRecall(actor, doc) && doc.status === 'issued';

/** What the caller may do with a document, as the API's `can` (delivery actions come from the recipient's side). */
export interface DocumentCan {
  edit: boolean; delete: boolean; submit: boolean; sign: boolean; issue: boolean; recall: boolean;
}

/**
 * The issuer-side actions. `delete` and `submit` (trình ký) are not offered by this version's API,
 * so they are false until their routes exist.
 */
export function documentCan(actor: Actor, doc: DocumentLike, main: { leaderSigned: boolean } | null): DocumentCan {
  return {
    edit: canEditDraft(actor, doc), delete: false, submit: false,
    sign: canSign(actor, doc, main), issue: canIssue(actor, doc, main), recall: canRecall(actor, doc),
  };
}
