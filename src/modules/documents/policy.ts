import { type Actor, hasRole, leaderPower } from '../../lib/actor.js';
import type { DocumentStatus, FlowState } from './tables.js';

interface DocumentLike {
  issuerUnitId: string;
  status: DocumentStatus;
}

/** What trình ký needs of a document (a presented document or a row). */
export interface DraftLike extends DocumentLike {
  createdBy: string;
  draftingUnitId: string | null;
  flowState: FlowState;
  awaitingUserId: string | null;
}

/** The issuing unit's members see its issued documents. */
export const isIssuerMember = (actor: Actor, doc: Pick<DocumentLike, 'issuerUnitId'>) => actor.unitId === doc.issuerUnitId;

/** A draft drafted by one of the issuer's departments (for its parent unit). */
export const byDepartment = (doc: Pick<DraftLike, 'draftingUnitId' | 'issuerUnitId'>) =>
  doc.draftingUnitId !== null && doc.draftingUnitId !== doc.issuerUnitId;

/** The draft has reached the issuer's leaders: with a leader to sign, or signed. */
export const reachedIssuer = (doc: Pick<DraftLike, 'flowState'>) => doc.flowState === 'signing' || doc.flowState === 'signed';

/**
 * Who sees a draft (the one rule; the outbox's query says the same in SQL): its author; whoever it
 * awaits; the leaders of the department that drafted it (when a department drafted it for its
 * parent); the issuer's leaders and clerks once it was handed to the issuer (signing, signed) — and
 * always for drafts written inside the issuer itself (`authorInIssuer`); a deputy holding a "sign"
 * delegation today counts as a leader (when the actor carries its delegations). Everyone else gets a 404.
 */
export function mayReadDraft(actor: Actor, doc: DraftLike, authorInIssuer: boolean): boolean {
  if (actor.userId === doc.createdBy || (doc.awaitingUserId !== null && actor.userId === doc.awaitingUserId)) return true;
  if (byDepartment(doc) && actor.unitId === doc.draftingUnitId && hasRole(actor, 'leader')) return true;
  // A deputy holding a "sign" delegation today (loaded into the actor) stands for a leader.
  if (isIssuerMember(actor, doc) && (hasRole(actor, 'clerk') || leaderPower(actor, 'sign').allowed)) return authorInIssuer || reachedIssuer(doc);
  return false;
}

/** Drafting: clerk, leader or officer of the issuing unit (or of one of its departments: checked on creation). */
export const mayDraft = (actor: Actor, doc: Pick<DocumentLike, 'issuerUnitId'>) =>
  isIssuerMember(actor, doc) && hasRole(actor, 'clerk', 'leader', 'officer');

/** Editing a draft's fields and files, and deleting it: its author or a clerk of the issuer. */
export const mayEditDraft = (actor: Actor, doc: DraftLike) =>
  actor.userId === doc.createdBy || (isIssuerMember(actor, doc) && hasRole(actor, 'clerk'));
/** A draft is frozen once a leader signed it (until a leader returns it, which voids the signature). */
export const isFrozen = (doc: DraftLike, main: { leaderSigned: boolean } | null) => doc.flowState === 'signed' || Boolean(main?.leaderSigned);
export const canEditDraft = (actor: Actor, doc: DraftLike, main: { leaderSigned: boolean } | null) =>
  mayEditDraft(actor, doc) && doc.status === 'draft' && !isFrozen(doc, main);
export const canDeleteDraft = canEditDraft;

/** The author hands the draft on while it is with them (drafting, or returned to them). */
export const canSubmit = (actor: Actor, doc: DraftLike, main: { leaderSigned: boolean } | null) =>
  actor.userId === doc.createdBy && doc.status === 'draft' && (doc.flowState === 'drafting' || doc.flowState === 'returned') && Boolean(main) && !main!.leaderSigned;
/** The reviewer it awaits (head of the drafting department) passes it on to a leader of the issuer. */
export const canApprove = (actor: Actor, doc: DraftLike) =>
  doc.status === 'draft' && doc.flowState === 'review' && doc.awaitingUserId === actor.userId;
/** Back to its author: by the person it awaits, or — once signed — by a leader of the issuer (voids the signature). */
export const canReturn = (actor: Actor, doc: DraftLike) =>
  doc.status === 'draft' && (
    ((doc.flowState === 'review' || doc.flowState === 'signing') && doc.awaitingUserId === actor.userId)
    || (doc.flowState === 'signed' && isIssuerMember(actor, doc) && leaderPower(actor, 'sign').allowed)
  );

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
  edit: boolean; delete: boolean; submit: boolean; approve: boolean; return: boolean; comment: boolean;
  sign: boolean; issue: boolean; recall: boolean;
}

/**
 * The issuer-side actions, for a caller who may see the document. `comment` is for drafts (anyone
 * who sees one may comment); edit, delete and submit stop once a leader signed.
 */
export function documentCan(actor: Actor, doc: DraftLike, main: { leaderSigned: boolean } | null): DocumentCan {
  return {
    edit: canEditDraft(actor, doc, main), delete: canDeleteDraft(actor, doc, main), submit: canSubmit(actor, doc, main),
    approve: canApprove(actor, doc), return: canReturn(actor, doc), comment: doc.status === 'draft',
    sign: canSign(actor, doc, main), issue: canIssue(actor, doc, main), recall: canRecall(actor, doc),
  };
}
