import assert from 'node:assert/strict';
import type { TestEnv } from './app.js';
import type { TestUser } from './factories.js';

export interface SearchItem {
  document: { id: string; subject: string; notation: string | null; status: string; textState: string | null; issuer: { name: string } };
  direction: 'incoming' | 'outgoing';
  deliveryId: string | null;
  snippet: string;
  highlights: Array<[number, number]>;
  matchedIn: string;
  textState: string | null;
}

/** GET /api/search as `who`; asserts a 200 unless `status` says otherwise. */
export async function search(env: TestEnv, who: TestUser, params: Record<string, string | number>, status = 200) {
  const qs = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  const res = await env.app.inject({ url: `/api/search?${qs}`, headers: who.auth });
  assert.equal(res.statusCode, status, `${qs}: ${res.body}`);
  return res.json() as { items: SearchItem[]; nextCursor: string | null; error?: { code: string; message: string } };
}

/** The ids found, in order. */
export const ids = (r: { items: SearchItem[] }) => r.items.map((i) => i.document.id);

/** The highlighted parts of an item's snippet. */
export const marked = (i: SearchItem) => i.highlights.map(([s, e]) => i.snippet.slice(s, e));

/** Issues a draft as `who` (200 expected). */
export async function issue(env: TestEnv, who: TestUser, id: string) {
  const r = await env.app.inject({ method: 'POST', url: `/api/documents/${id}/issue`, headers: who.auth });
  assert.equal(r.statusCode, 200, r.body);
  return r.json().document as { id: string; notation: string; number: number };
}
