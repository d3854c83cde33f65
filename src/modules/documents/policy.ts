import { type Actor, hasRole } from '../auth/actor.js';

interface DocumentLike {
  issuerUnitId: string;
}

/** Anyone in the issuing unit sees its documents, drafts included. */
export const isIssuerMember = (actor: Actor, doc: DocumentLike) => actor.unitId === doc.issuerUnitId;

/** Drafting and attaching files: clerk, leader or officer of the issuing unit. */
export const canEditDraft = (actor: Actor, doc: DocumentLike) =>
  isIssuerMember(actor, doc) && hasRole(actor, 'clerk', 'leader', 'officer');

/** Numbering, issuing and recalling are the secretary's (văn thư) acts. */
export const canIssue = (actor: Actor, doc: DocumentLike) => isIssuerMember(actor, doc) && hasRole(actor, 'clerk');
export const canRecall = canIssue;
