import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import type { Db } from '../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { hasRole } from '../../lib/actor.js';
import type { Deps } from '../../lib/deps.js';
import { badRequest, conflict, forbidden, notFound, unauthorized } from '../../lib/errors.js';
import { recordEvents } from '../events/service.js';
import { ORGAN_ID } from '../orgs/units.js';
import { hashPassword, verifyPassword } from '../orgs/users.js';
import { lockSenders, notifyAxis, writeChanges } from './changes.js';
import { axisDestinations, axisDirectory, axisPackages, axisSystems } from './tables.js';

export type AxisSystem = typeof axisSystems.$inferSelect;

/** A connected system's login: letters, digits, dot, dash, underscore (no colon: it is HTTP Basic's user). */
export const SYSTEM_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function presentSystem(s: AxisSystem) {
  return { systemId: s.systemId, name: s.name, organIdPrefixes: s.organIdPrefixes, createdAt: s.createdAt.toISOString() };
}

function requireAdmin(actor: Actor | null) {
  if (actor && !hasRole(actor, 'admin')) {
    throw forbidden('Chỉ quản trị viên được quản lý hệ thống kết nối trục', 'Only an admin can manage the systems connected to the axis');
  }
}

/**
 * Registers a connected system and returns its secret, which is shown this once: only an argon2
 * hash is stored. `actor` null = the operator's CLI.
 */
export async function addSystem(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor | null,
  input: { systemId: string; name: string; organIdPrefixes?: string[] },
): Promise<{ system: AxisSystem; secret: string }> {
  requireAdmin(actor);
  if (!SYSTEM_ID.test(input.systemId)) {
    throw badRequest(
      `Mã hệ thống "${input.systemId}" không hợp lệ (1–64 ký tự: chữ, số, dấu chấm, gạch ngang, gạch dưới)`,
      `System id "${input.systemId}" is invalid (1–64 letters, digits, dot, dash, underscore)`,
    );
  }
  const name = input.name.trim();
  if (!name) throw badRequest('Cần tên hệ thống', 'A system name is required');
  const prefixes = [...new Set(input.organIdPrefixes ?? [])];
  for (const p of prefixes) {
    if (!ORGAN_ID.test(p)) {
      throw badRequest(`Tiền tố mã định danh "${p}" không hợp lệ`, `OrganId prefix "${p}" is invalid (up to 35 letters, digits or dots)`);
    }
  }
  const secret = randomBytes(32).toString('base64url');
  const secretHash = await hashPassword(secret);
  const at = deps.clock();
  const system = await deps.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`axis-system:${input.systemId}`}, 0))`);
    const [dup] = await tx
      .select({ id: axisSystems.id })
      .from(axisSystems)
      .where(and(eq(axisSystems.systemId, input.systemId), isNull(axisSystems.removedAt)));
    if (dup) throw conflict(`Hệ thống ${input.systemId} đã được đăng ký`, `System ${input.systemId} is already registered`);
    const [row] = await tx
      .insert(axisSystems)
      .values({ systemId: input.systemId, name, secretHash, organIdPrefixes: prefixes, createdAt: at })
      .returning();
    await recordEvents(tx, [{
      type: 'axis.system_added', at, actor, unitIds: actor ? [actor.unitId] : [],
      data: { systemId: row!.systemId, name: row!.name, organIdPrefixes: prefixes },
    }]);
    return row!;
  });
  return { system, secret };
}

export async function listSystems(db: Db): Promise<AxisSystem[]> {
  return db.select().from(axisSystems).where(isNull(axisSystems.removedAt)).orderBy(asc(axisSystems.systemId));
}

/**
 * Removes a system: it can no longer log in, its units leave the directory (another system may
 * claim them), and what still waited for it is `failed` with reason `system_removed`.
 */
export async function removeSystem(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor | null, systemId: string): Promise<void> {
  requireAdmin(actor);
  const at = deps.clock();
  await deps.db.transaction(async (tx) => {
    const [system] = await tx
      .select()
      .from(axisSystems)
      .where(and(eq(axisSystems.systemId, systemId), isNull(axisSystems.removedAt)))
      .for('update');
    if (!system) throw notFound(`Không có hệ thống ${systemId}`, `No system ${systemId}`);
    const units = await tx.select({ organId: axisDirectory.organId }).from(axisDirectory).where(eq(axisDirectory.systemId, system.id));
    await tx.update(axisSystems).set({ removedAt: at }).where(eq(axisSystems.id, system.id));
    await tx.delete(axisDirectory).where(eq(axisDirectory.systemId, system.id));
    if (units.length) {
      // The packages still queued for its units: their senders learn they will not be fetched.
      const organIds = units.map((u) => u.organId);
      const queuedFor = () => tx
        .select({ docId: axisDestinations.docId, toOrganId: axisDestinations.toOrganId, senderSystemId: axisPackages.senderSystemId })
        .from(axisDestinations)
        .innerJoin(axisPackages, eq(axisPackages.docId, axisDestinations.docId))
        .where(and(inArray(axisDestinations.toOrganId, organIds), eq(axisDestinations.transport, 'queued')));
      const senders = [...new Set((await queuedFor()).map((q) => q.senderSystemId))];
      if (senders.length) {
        // Read again under the senders' locks: a `done` that committed meanwhile is not overwritten.
        await lockSenders(tx, senders);
        const queued = (await queuedFor()).filter((q) => senders.includes(q.senderSystemId));
        await writeChanges(tx, queued.map((q) => ({ ...q, transport: 'failed' as const, reason: 'system_removed' })), at);
        await notifyAxis(tx, senders.map((s) => ({ kind: 'sent' as const, systemId: s })));
      }
    }
    await recordEvents(tx, [{
      type: 'axis.system_removed', at, actor, unitIds: actor ? [actor.unitId] : [],
      data: { systemId: system.systemId, name: system.name, units: units.length },
    }]);
  });
}

/** Successful checks of (stored hash, secret), so each poll does not pay argon2 (tens of ms, 64 MiB). */
const verified = new LRUCache<string, true>({ max: 1000, ttl: 5 * 60_000 });

/**
 * The active system of an `Authorization: Basic systemId:secret` header, or 401. The row is read
 * on every call, so a removed system is refused at once; only the hash check is cached, keyed by
 * the stored hash, so a new registration under the same id never matches an old secret.
 */
export async function authenticateSystem(db: Db, header: string | undefined): Promise<AxisSystem> {
  const denied = () => unauthorized('Sai mã hệ thống hoặc mật khẩu kết nối trục', 'Wrong or missing system id or secret');
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) throw denied();
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw denied();
  const systemId = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  if (!SYSTEM_ID.test(systemId) || secret.length === 0 || secret.length > 1024) throw denied();
  const [system] = await db
    .select()
    .from(axisSystems)
    .where(and(eq(axisSystems.systemId, systemId), isNull(axisSystems.removedAt)));
  if (!system) throw denied();
  const key = `${system.secretHash}\0${createHash('sha256').update(secret).digest('hex')}`;
  if (verified.get(key)) return system;
  if (!(await verifyLimited(system.secretHash, secret))) throw denied();
  verified.set(key, true);
  return system;
}

/** argon2 checks running at once (each takes 64 MiB): a burst of wrong secrets queues instead of exhausting memory. */
const MAX_VERIFYING = 4;
let verifying = 0;
const queue: Array<() => void> = [];

async function verifyLimited(hash: string, secret: string): Promise<boolean> {
  // A finishing check hands its slot straight to the next in line.
  if (verifying >= MAX_VERIFYING) await new Promise<void>((resolve) => queue.push(resolve));
  else verifying++;
  try {
    return await verifyPassword(hash, secret);
  } finally {
    const next = queue.shift();
    if (next) next();
    else verifying--;
  }
}
