import type { Deps } from '../lib/deps.js';
import type { Actor } from '../lib/actor.js';
import { type DeliveryLike, deliveryCan, NO_DELIVERY_ACTIONS } from '../modules/dispatch/policy.js';
import { type DraftLike, documentCan } from '../modules/documents/policy.js';
import { type DocumentRow, presentDocument } from '../modules/documents/present.js';
import { mainFiles } from '../modules/documents/file-content.js';

/** The whole `can` the API returns: the issuer's actions, the caller's delivery's, and `report` (per assignment). */
export type Can = ReturnType<typeof documentCan> & ReturnType<typeof deliveryCan> & { report: boolean };

/**
 * `can` for one document as the caller sees it (actor with its delegations loaded). A recipient,
 * cooperating unit or assignee reads an issued document: none of the drafting actions apply.
 */
export function canFor(actor: Actor, doc: DraftLike, main: { leaderSigned: boolean } | null, delivery?: DeliveryLike | null): Can {
  return {
    ...documentCan(actor, doc, main),
    ...(delivery ? deliveryCan(actor, delivery) : NO_DELIVERY_ACTIONS),
    report: false,
  };
}

/** A document row, presented with its `can` for the caller. */
export async function documentWithCan(deps: Pick<Deps, 'db'>, actor: Actor, doc: DocumentRow) {
  const main = (await mainFiles(deps.db, [doc.id])).get(doc.id) ?? null;
  return { ...presentDocument(doc), can: canFor(actor, doc, main) };
}
