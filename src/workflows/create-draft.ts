import type { Deps } from '../lib/deps.js';
import type { Actor } from '../lib/actor.js';
import { badRequest } from '../lib/errors.js';
import { createDraftRow, type DraftInput } from '../modules/documents/create-draft.js';
import { withDelegations } from '../modules/orgs/delegations.js';
import { loadReadableDocument } from './access.js';
import { documentWithCan } from './document-can.js';

/** A new draft; the document it answers (`respondsTo`) must be one the author's unit may read. */
export async function draftDocument(deps: Deps, actor: Actor, input: DraftInput) {
  if (input.respondsTo) {
    await loadReadableDocument(deps.db, actor, input.respondsTo).catch(() => {
      throw badRequest('Văn bản được trả lời không tồn tại', 'The document answered does not exist');
    });
  }
  const doc = await createDraftRow(deps, actor, input);
  return documentWithCan(deps, await withDelegations(deps.db, actor, deps.clock()), doc);
}
