// The issue bench's other two shapes (issue 13): four clerks of four different units issuing at
// the same time (they share only the event-order lock), and one document issued to 2,000 units.
import { Readable } from 'node:stream';
import { createDraft } from '../src/modules/documents/create-draft.js';
import { uploadFiles, type UploadPart } from '../src/modules/documents/upload-files.js';
import { issueDocument } from '../src/workflows/issue-document.js';
import type { Actor } from '../src/lib/actor.js';
import { createUnit } from '../src/modules/orgs/units.js';
import { createUser } from '../src/modules/orgs/users.js';
import { makePdf } from '../test/helpers/pdf.js';
import type { BenchEnv } from './env.js';
import { fmt, median, percentile, timedPool } from './stats.js';

function say(msg: string) {
  process.stdout.write(`[issue] ${msg}\n`);
}

async function draftFor(env: BenchEnv, actor: Actor, recipients: string[], label: string): Promise<string> {
  const doc = await createDraft(env.deps, actor, { type: 'CV', subject: `Về việc kiểm tra hiệu năng ban hành, ${label}`, recipients });
  async function* parts(): AsyncGenerator<UploadPart> {
    yield { kind: 'file', filename: `bench-${label}.pdf`, stream: Readable.from([makePdf(`bench ${label} ${doc.id}`)]) };
  }
  await uploadFiles(env.deps, actor, doc.id, parts());
  return doc.id;
}

/** A clerk of a new issuing unit. */
async function newIssuer(env: BenchEnv, i: number): Promise<Actor> {
  const at = new Date();
  const unit = await createUnit(env.database.db, null, { code: `BENCH.ISSUER${i}`, name: `Đơn vị ban hành ${i} (bench)`, shortName: `UB${i}`, kind: 'government' }, at);
  const user = await createUser(env.database.db, null, {
    username: `bench-clerk-${i}`, password: 'bench-password-1', fullName: `Văn thư ${i}`, unitId: unit.id, roles: ['clerk'],
  }, at);
  return { userId: user.id, unitId: unit.id, roles: user.roles };
}

export interface ConcurrentIssuers {
  docsPerSec: number;
  medianMs: number;
  p95Ms: number;
}

/** `perIssuer` documents by each of 4 clerks of 4 units at once (each one after the other), to the 100 recipients. */
export async function fourIssuers(env: BenchEnv, perIssuer: number): Promise<ConcurrentIssuers> {
  const recipients = env.recipients.map((u) => u.id);
  const issuers = await Promise.all([1, 2, 3, 4].map((i) => newIssuer(env, i)));
  say(`preparing ${4 * perIssuer} drafts for 4 issuing units…`);
  const drafts = await Promise.all(issuers.map(async (actor, k) => {
    const ids: string[] = [];
    for (let i = 0; i < perIssuer + 2; i++) ids.push(await draftFor(env, actor, recipients, `u${k}-${i}`));
    return ids;
  }));
  // Warm-up: two each, then the timed run.
  await Promise.all(issuers.map((actor, k) => timedPool(drafts[k]!.slice(0, 2), 1, (id) => issueDocument(env.deps, actor, id))));
  const t0 = performance.now();
  const runs = await Promise.all(issuers.map((actor, k) => timedPool(drafts[k]!.slice(2), 1, (id) => issueDocument(env.deps, actor, id))));
  const wallMs = performance.now() - t0;
  const latencies = runs.flatMap((r) => r.latencies);
  return { docsPerSec: latencies.length / (wallMs / 1000), medianMs: median(latencies), p95Ms: percentile(latencies, 95) };
}

/** One document to `units` recipient units (made here), issued `runs` times; the latencies in ms. */
export async function wideIssue(env: BenchEnv, units: number, runs: number): Promise<{ medianMs: number; maxMs: number }> {
  say(`making ${units} recipient units…`);
  const at = new Date();
  const ids: string[] = [];
  await timedPool(Array.from({ length: units }, (_, i) => i), 4, async (i) => {
    const u = await createUnit(env.database.db, null, { code: `BENCH.W${String(i).padStart(4, '0')}`, name: `Xã thử ${i} (bench)`, shortName: 'UBND', kind: 'government' }, at);
    ids.push(u.id);
  });
  const latencies: number[] = [];
  for (let r = 0; r < runs; r++) {
    const id = await draftFor(env, env.clerk.actor, ids, `wide-${r}`);
    const t = performance.now();
    await issueDocument(env.deps, env.clerk.actor, id);
    latencies.push(performance.now() - t);
    say(`  issue to ${units} units: ${fmt(latencies[r]!)} ms`);
  }
  return { medianMs: median(latencies), maxMs: Math.max(...latencies) };
}
