// Signed checkpoints of the audit chain. A checkpoint fixes the chain up to one event: the server
// signs "event N has hash H" with its audit key (Ed25519) and, when TSA_URL is set, a time-stamping
// authority countersigns the same statement (RFC 3161), so rewriting the chain before N — even
// recomputing every hash after it — would need the key and could not match the timestamp.
import { createHash, createPrivateKey, createPublicKey, hkdfSync, sign, verify, type KeyObject } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { desc, sql as dsql } from 'drizzle-orm';
import * as pkijs from 'pkijs';
import type { Deps } from '../../lib/deps.js';
import { configuredOrStoredSecret } from '../../lib/secrets.js';
import '../signing/crypto/x509.js'; // registers Node's WebCrypto as the pkijs engine
import { parseTimestampToken, requestTimestamp, TimestampError } from '../signing/crypto/timestamp.js';
import { walkChain, type ChainProblem } from './chain.js';
import { auditCheckpoints } from './tables.js';

export const CHECKPOINT_ALGORITHM = 'Ed25519';
/** The Ed25519 PKCS#8 prefix; the 32-byte seed follows. */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const TSTINFO_OID = '1.2.840.113549.1.9.16.1.4';

export type Checkpoint = typeof auditCheckpoints.$inferSelect;

export interface AuditKey {
  privateKey: KeyObject;
  /** SPKI DER, base64: what checkpoints record. */
  publicKey: string;
}

/**
 * The audit signing key, derived (HKDF-SHA256) from the server's key secret — KEY_SECRET, or the
 * generated DATA_DIR/key-secret — the same secret that protects stored private keys. Whoever holds
 * that secret can sign checkpoints; back it up apart from the data (README, Backups).
 */
export async function auditKey(config: Pick<Deps['config'], 'keySecret' | 'dataDir'>): Promise<AuditKey> {
  return keyFromSecret(await configuredOrStoredSecret(config.keySecret, config.dataDir, 'key-secret'));
}

/** The key to check checkpoints against, never creating a key secret (null when there is none). */
export async function existingAuditKey(config: Pick<Deps['config'], 'keySecret' | 'dataDir'>): Promise<AuditKey | null> {
  if (config.keySecret) return keyFromSecret(config.keySecret);
  const secret = await fs.readFile(path.join(config.dataDir, 'key-secret'), 'utf8').catch(() => null);
  return secret === null ? null : keyFromSecret(secret.trim());
}

function keyFromSecret(secret: string): AuditKey {
  const seed = Buffer.from(hkdfSync('sha256', secret, 'lienthong', 'audit checkpoint key ed25519 v1', 32));
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = (createPublicKey(privateKey).export({ type: 'spki', format: 'der' }) as Buffer).toString('base64');
  return { privateKey, publicKey };
}

/** The bytes signed and timestamped: one checkpoint, in plain text. */
export function checkpointStatement(c: { eventId: number | string; hash: string; signedAt: Date }): Buffer {
  return Buffer.from(`lienthong-audit-checkpoint-v1\nevent: ${c.eventId}\nhash: ${c.hash}\nsigned-at: ${c.signedAt.toISOString()}\n`, 'utf8');
}

export interface TokenCheck {
  ok: boolean;
  genTime: Date | null;
  tsaName: string | null;
  problem: string | null;
}

/** An RFC 3161 token over `statement`: its imprint is SHA-256 of the statement and the TSA's signature holds. */
export async function checkTimestampToken(token: Buffer, statement: Buffer): Promise<TokenCheck> {
  try {
    const info = parseTimestampToken(token);
    const base = { genTime: info.genTime, tsaName: info.tsaName ?? null };
    if (info.hashAlgorithm !== 'sha256' || !info.messageImprint.equals(createHash('sha256').update(statement).digest())) {
      return { ok: false, ...base, problem: 'timestamp imprint does not match the checkpoint' };
    }
    const ci = pkijs.ContentInfo.fromBER(new Uint8Array(token));
    const sd = new pkijs.SignedData({ schema: ci.content });
    if (sd.encapContentInfo.eContentType !== TSTINFO_OID) return { ok: false, ...base, problem: 'timestamp token has no TSTInfo' };
    // pkijs checks a TSTInfo's imprint against `data` too, and the TSA's signature over the TSTInfo.
    const ok = await sd.verify({ signer: 0, checkChain: false, data: new Uint8Array(statement).buffer });
    return ok ? { ok: true, ...base, problem: null } : { ok: false, ...base, problem: 'timestamp signature invalid' };
  } catch (e) {
    return { ok: false, genTime: null, tsaName: null, problem: `malformed timestamp token (${(e as Error).message})` };
  }
}

export class CheckpointRefused extends Error {
  constructor(readonly problem: ChainProblem | { eventId: string; message: { vi: string; en: string } }) {
    super(problem.message.en);
    this.name = 'CheckpointRefused';
  }
}

/**
 * Signs the chain head. The chain is first walked from the last checkpoint (whose signature and
 * hash are checked) to the head: a tampered chain is never signed (CheckpointRefused). With a TSA
 * configured the statement is timestamped; a TSA that does not answer fails the checkpoint
 * (TimestampError), since a later run can make it. Returns null when there are no events yet.
 */
export async function createCheckpoint(deps: Pick<Deps, 'db' | 'sql' | 'config' | 'clock'>): Promise<Checkpoint | null> {
  const key = await auditKey(deps.config);
  const [last] = await deps.db.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.id)).limit(1);
  let from: { id: string; hash: string } | undefined;
  if (last) {
    const check = await checkCheckpoint(deps, last, key);
    if (check) throw new CheckpointRefused(check);
    from = { id: String(last.eventId), hash: last.hash };
  }
  const walk = await walkChain(deps.sql, from ? { from } : {});
  if (walk.problem) throw new CheckpointRefused(walk.problem);
  const head = walk.head;
  if (!head) return null;
  const signedAt = deps.clock();
  const statement = checkpointStatement({ eventId: head.id, hash: head.hash, signedAt });
  const signature = sign(null, statement, key.privateKey).toString('base64');
  const token = deps.config.tsaUrl ? await requestTimestamp(deps.config.tsaUrl, statement, { timeoutMs: deps.config.tsaTimeoutMs }) : null;
  const [row] = await deps.db.insert(auditCheckpoints).values({
    eventId: Number(head.id),
    hash: head.hash,
    signedAt,
    algorithm: CHECKPOINT_ALGORITHM,
    publicKey: key.publicKey,
    signature,
    timestampToken: token ? token.toString('base64') : null,
  }).returning();
  return row!;
}

export { TimestampError };

/**
 * What is wrong with one checkpoint, or null: its signature (by this server's key), its event
 * (present, with the same hash) and its timestamp token when it has one.
 */
export async function checkCheckpoint(
  deps: Pick<Deps, 'sql'>,
  c: Checkpoint,
  key: AuditKey | null,
): Promise<{ eventId: string; message: { vi: string; en: string } } | null> {
  const eventId = String(c.eventId);
  const bad = (vi: string, en: string) => ({ eventId, message: { vi: `Mốc kiểm tra ${c.id} (sự kiện ${eventId}): ${vi}`, en: `checkpoint ${c.id} (event ${eventId}): ${en}` } });
  const statement = checkpointStatement(c);
  let signatureOk = false;
  try {
    const pub = createPublicKey({ key: Buffer.from(c.publicKey, 'base64'), format: 'der', type: 'spki' });
    signatureOk = c.algorithm === CHECKPOINT_ALGORITHM && verify(null, statement, pub, Buffer.from(c.signature, 'base64'));
  } catch {
    signatureOk = false;
  }
  if (!signatureOk) return bad('chữ ký không hợp lệ (mốc kiểm tra bị sửa)', 'the signature is invalid (the checkpoint was altered)');
  if (!key) {
    return bad('không có khóa bí mật (DATA_DIR/key-secret hoặc KEY_SECRET) để đối chiếu khóa ký', 'no key secret (DATA_DIR/key-secret or KEY_SECRET) to check the signing key against');
  }
  if (c.publicKey !== key.publicKey) {
    return bad('được ký bằng khóa không phải của máy chủ này', 'signed with a key that is not this server\'s audit key');
  }
  const [ev] = await deps.sql<Array<{ hash: string | null }>>`select hash from events where id = ${eventId}::bigint`;
  if (!ev) return bad('sự kiện này không còn (đã bị xóa)', 'that event is missing (deleted)');
  if (ev.hash !== c.hash) return bad('mã băm của sự kiện không khớp mốc kiểm tra (chuỗi đã bị viết lại)', 'the event\'s hash does not match the checkpoint (the chain was rewritten)');
  if (c.timestampToken) {
    const t = await checkTimestampToken(Buffer.from(c.timestampToken, 'base64'), statement);
    if (!t.ok) return bad(`dấu thời gian không hợp lệ (${t.problem})`, `the timestamp token is invalid (${t.problem})`);
  }
  return null;
}

export interface AuditReport {
  events: number;
  head: { id: string; hash: string } | null;
  checkpoints: number;
  timestamped: number;
  problem: { kind: string; eventId: string; message: { vi: string; en: string } } | null;
}

/**
 * The whole audit trail: the chain from its start, then every checkpoint (in batches) against the
 * chain and this server's key.
 */
export async function verifyAudit(
  deps: Pick<Deps, 'sql' | 'db' | 'config'>,
  opts: { onProgress?: (count: number) => void } = {},
): Promise<AuditReport> {
  const walk = await walkChain(deps.sql, opts.onProgress ? { onProgress: opts.onProgress } : {});
  const report: AuditReport = { events: walk.count, head: walk.head, checkpoints: 0, timestamped: 0, problem: walk.problem };
  if (walk.problem) return report;
  const key = await existingAuditKey(deps.config);
  let after = 0;
  for (;;) {
    const rows = await deps.db.select().from(auditCheckpoints).where(dsql`${auditCheckpoints.id} > ${after}`).orderBy(auditCheckpoints.id).limit(500);
    for (const c of rows) {
      const problem = await checkCheckpoint(deps, c, key);
      if (problem) return { ...report, problem: { kind: 'checkpoint', ...problem } };
      report.checkpoints++;
      if (c.timestampToken) report.timestamped++;
    }
    if (rows.length < 500) break;
    after = rows[rows.length - 1]!.id;
  }
  return report;
}

export async function latestCheckpoint(db: Deps['db']): Promise<Checkpoint | null> {
  const [row] = await db.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.id)).limit(1);
  return row ?? null;
}
