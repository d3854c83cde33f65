import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import type { ParsedQuery } from './query.js';
import { countTerms, makeSnippet } from './snippet.js';
import type { TextState } from './tables.js';

/** One row of the search query (search.ts): the search row's tier and text state, the document, its issuer and signer. */
export type Hit = {
  tier: number;
  sortAt: string;
  textState: TextState | null;
  relation: string | null;
  id: string;
  issuerUnitId: string;
  type: string;
  number: number | null;
  notation: string | null;
  subject: string;
  urgency: string;
  dueDate: string | null;
  status: string;
  issuedAt: string | null;
  recalledAt: string | null;
  createdAt: string;
  senderName: string | null;
  issuerName: string;
  issuerShortName: string;
  issuerCode: string;
  signerName: string | null;
  deliveryId: string | null;
  deliveryStatus: string | null;
  /** The files' text (tier 3: the words matched in it), else null. */
  fileText: string | null;
};

export const MATCHED_IN = ['subject', 'notation', 'issuer', 'signer', 'text'] as const;
export type MatchedIn = (typeof MATCHED_IN)[number];

/** Characters of a document's file text read to cut its snippet (the first match is looked for in them). */
export const TEXT_CHARS_FOR_SNIPPET = 200_000;

const iso = (t: string | null) => (t ? new Date(t).toISOString() : null);

/** The text of the documents' files, as indexed (main file first), up to TEXT_CHARS_FOR_SNIPPET characters. */
async function fileTexts(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.execute<{ id: string; text: string | null }>(sql`
    select f.document_id as id, left(string_agg(t.text, ' ' order by f.role desc, f.created_at), ${TEXT_CHARS_FOR_SNIPPET}) as text
    from document_files f join file_texts t on t.sha256 = f.sha256
    where f.document_id = any(${`{${ids.join(',')}}`}::uuid[]) and t.text is not null
    group by f.document_id`);
  return new Map(rows.map((r) => [r.id, r.text ?? '']));
}

/**
 * The field the query matched best — the one holding the most query words, the earlier on a tie
 * (subject, notation, issuer, signer) — or the files' text when none holds any.
 */
function bestField(hit: Hit, q: ParsedQuery): { field: MatchedIn; text: string } {
  const issuer = hit.senderName ?? hit.issuerName;
  const fields: Array<[MatchedIn, string, string]> = [
    ['subject', hit.subject, hit.subject],
    ['notation', hit.notation ?? '', hit.notation ?? ''],
    ['issuer', issuer, `${issuer} ${hit.issuerShortName}`],
    ['signer', hit.signerName ?? '', hit.signerName ?? ''],
  ];
  let best: { field: MatchedIn; text: string } = { field: 'text', text: '' };
  let most = 0;
  for (const [field, shown, searched] of fields) {
    const n = countTerms(searched, q.terms);
    if (n > most) {
      most = n;
      best = { field, text: shown };
    }
  }
  return best;
}

/**
 * The result items: the document as the inbox and outbox show it (with its status, the caller's
 * copy and `textState` when its files' words cannot be found yet: pending, no_ocr, failed),
 * `direction` (outgoing: issued by the caller's unit), and where it matched — `matchedIn`, a plain
 * `snippet` of that field (≤ SNIPPET_CHARS around the first match) and the `highlights` in it.
 */
export async function presentHit(db: Db, actor: Actor, q: ParsedQuery, hits: Hit[]) {
  const best = new Map(hits.map((h) => [h.id, bestField(h, q)]));
  const texts = await fileTexts(db, hits.filter((h) => best.get(h.id)!.field === 'text' && h.fileText === null).map((h) => h.id));
  return hits.map((h) => {
    const b = best.get(h.id)!;
    const source = b.field === 'text' ? (h.fileText ?? texts.get(h.id) ?? '') : b.text;
    const { snippet, highlights } = makeSnippet(source, q.terms);
    const issuer = { id: h.issuerUnitId, name: h.senderName ?? h.issuerName, code: h.issuerCode };
    const textState = h.textState && h.textState !== 'done' ? h.textState : null;
    return {
      document: {
        id: h.id, issuerUnitId: h.issuerUnitId, type: h.type, number: h.number, notation: h.notation, subject: h.subject,
        urgency: h.urgency, dueDate: h.dueDate, status: h.status, issuedAt: iso(h.issuedAt), recalledAt: iso(h.recalledAt),
        createdAt: iso(h.createdAt)!, issuer, paper: h.senderName !== null, senderName: h.senderName, signerName: h.signerName,
        textState,
      },
      direction: h.issuerUnitId === actor.unitId ? ('outgoing' as const) : ('incoming' as const),
      deliveryId: h.relation === 'recipient' ? h.deliveryId : null,
      deliveryStatus: h.relation === 'recipient' ? h.deliveryStatus : null,
      textState,
      snippet,
      highlights,
      matchedIn: b.field,
    };
  });
}
