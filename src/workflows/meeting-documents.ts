import { inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import type { Actor } from '../lib/actor.js';
import { draftVisibleTo } from '../modules/documents/access.js';
import { documents } from '../modules/documents/tables.js';
import type { LinkedDocument } from '../modules/meetings/input.js';
import { readingRelationSql } from './access.js';

/**
 * The documents among `ids` that `actor` may read (the one reading rule, workflows/access.ts; a
 * draft as documents/access draftVisibleTo says): what a meeting shows of its linked documents,
 * and what a host may link. The meetings module gets it as a hook (modules never import workflows).
 */
export async function readableDocuments(db: DbOrTx, actor: Actor, ids: string[]): Promise<Map<string, LinkedDocument>> {
  const out = new Map<string, LinkedDocument>();
  if (ids.length === 0) return out;
  const rows = await db.select({ doc: documents, relation: sql<string | null>`${readingRelationSql(actor, 'documents')}` })
    .from(documents).where(inArray(documents.id, [...new Set(ids)]));
  for (const { doc, relation } of rows) {
    const ok = doc.status === 'draft' ? await draftVisibleTo(db, actor, doc) : relation !== null;
    if (ok) out.set(doc.id, { id: doc.id, type: doc.type, subject: doc.subject, notation: doc.notation, status: doc.status, issuerUnitId: doc.issuerUnitId });
  }
  return out;
}
