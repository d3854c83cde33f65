import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { and, asc, eq, gt, inArray, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import type { Deps } from '../../lib/deps.js';
import { badRequest, forbidden, notFound } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import { ObjectTooLarge, type StagedObject } from '../../storage/object-store.js';
import { adoptStaged, forgetUnreferenced } from '../documents/blobs.js';
import { ORGAN_ID } from '../orgs/units.js';
import { vnDate } from '../../lib/time.js';
import { insertDestinations, lockSenders, notifyAxis, writeChanges, type Wake } from './changes.js';
import { readHeader, tooLarge, type AxisHeader } from './header.js';
import type { AxisSystem } from './systems.js';
import { SourceAborted, tee } from './tee.js';
import { axisDestinations, axisDirectory, axisPackages, axisTransportChanges, type AxisMessageType } from './tables.js';

/**
 * The identity of a package: the same one sent again is kept once (see docs/api.md). The kind of a
 * document package includes its BussinessDocType, so a revoke (1) or replace (3) of a document is
 * not taken for the document itself (a new one, 0, keeps the key it always had).
 */
export function dedupKey(h: AxisHeader): string {
  const parts = [h.kind, h.documentId, h.fromOrganId, [...h.toOrganIds].sort(), h.kind === 'status' ? h.statusCode : null, h.kind === 'status' ? h.timestamp : null];
  if (h.kind === 'edoc' && h.businessDocType) parts.push(`bussiness:${h.businessDocType}`);
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function checkOrganIds(h: AxisHeader) {
  for (const id of [h.fromOrganId, ...h.toOrganIds]) {
    if (!ORGAN_ID.test(id)) {
      throw badRequest(`Mã định danh "${id.slice(0, 60)}" trong gói tin không hợp lệ`, `OrganId "${id.slice(0, 60)}" in the package is invalid`);
    }
  }
  if (!h.toOrganIds.length) throw badRequest('Gói tin không có nơi nhận', 'The package names no recipient');
}

/**
 * Accepts a package from `system`: the body is streamed once, into the object store's staging and
 * (teed) into the edXML header reader. The header decides: From must be a unit the caller serves
 * (403), the package must be well-formed (400), at most `maxPackageBytes` (413); on any failure
 * the staged copy is dropped, so nothing is stored. Then one transaction keeps it (or finds it
 * already kept: the same docId), with one destination per To.
 */
export async function receivePackage(
  deps: Pick<Deps, 'db' | 'store' | 'clock' | 'log' | 'config'>,
  system: AxisSystem,
  source: Readable,
  declaredLength?: number,
): Promise<{ docId: string; created: boolean }> {
  const maxBytes = deps.config.maxPackageBytes;
  if (declaredLength !== undefined && declaredLength > maxBytes) {
    source.resume();
    throw tooLarge(maxBytes);
  }
  const [toStore, toHeader] = tee(source, 2) as [ReturnType<typeof tee>[number], ReturnType<typeof tee>[number]];
  let first: unknown = null;
  const fail = (err: unknown, side: 'store' | 'header') => {
    first ??= err;
    toHeader.stream.destroy(err as Error);
    // The store's copy is ended rather than destroyed: staging then settles with its file
    // written and closed, and the copy is discarded below (destroying it races the file's open).
    if (side === 'header') toStore.detach();
  };
  const staging = deps.store.stage(toStore.stream, { maxBytes }).catch((err: unknown) => {
    fail(err, 'store');
    return null;
  });
  const reading = readHeader(toHeader.stream, maxBytes).then(
    async (h) => {
      toHeader.detach();
      checkOrganIds(h);
      await assertServes(deps.db, system, h.fromOrganId);
      return h;
    },
  ).catch((err: unknown) => {
    fail(err, 'header');
    return null;
  });
  const [staged, header] = await Promise.all([staging, reading]);
  if (first || !staged || !header) {
    if (staged) await deps.store.discard(staged).catch(() => undefined);
    source.resume();
    const err = first ?? new Error('package not read');
    if (err instanceof ObjectTooLarge) throw tooLarge(maxBytes);
    if (err instanceof SourceAborted) throw badRequest('Nội dung gói tin bị ngắt giữa chừng', 'The package body ended early');
    throw err;
  }
  return keepPackage(deps, system, header, staged);
}

/** 403 unless `organId` is a unit `system` serves now. */
async function assertServes(db: Db, system: AxisSystem, organId: string) {
  const [row] = await db.select({ systemId: axisDirectory.systemId }).from(axisDirectory).where(eq(axisDirectory.organId, organId));
  if (row?.systemId !== system.id) {
    throw forbidden(
      `Hệ thống ${system.systemId} không phục vụ đơn vị gửi ${organId} (From/OrganId)`,
      `System ${system.systemId} does not serve the sending unit ${organId} (From/OrganId)`,
    );
  }
}

async function keepPackage(
  deps: Pick<Deps, 'db' | 'store' | 'clock' | 'log'>,
  system: AxisSystem,
  h: AxisHeader,
  staged: StagedObject,
): Promise<{ docId: string; created: boolean }> {
  const key = dedupKey(h);
  const at = deps.clock();
  let promoted: string[] = [];
  try {
    const result = await deps.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`axis-package:${key}`}, 0))`);
      const [known] = await tx
        .select({ docId: axisPackages.docId, sender: axisPackages.senderSystemId })
        .from(axisPackages)
        .where(eq(axisPackages.dedupKey, key));
      if (known) {
        await requeueNowServed(tx, known.docId, known.sender, at);
        return { docId: known.docId, created: false };
      }
      promoted = await adoptStaged(deps, tx, [staged]);
      const [pkg] = await tx
        .insert(axisPackages)
        .values({
          dedupKey: key, kind: h.kind, fromOrganId: h.fromOrganId, senderSystemId: system.id, documentId: h.documentId,
          statusCode: h.statusCode ?? null, edxmlTimestamp: h.timestamp ?? null, sha256: staged.sha256, size: staged.size, createdAt: at,
        })
        .returning({ docId: axisPackages.docId });
      const to = [...new Set(h.toOrganIds)];
      const routes = await routeTo(tx, to, vnDate(at));
      const systemOf = new Map([...routes.values()].map((r) => [r.organId, r.systemId]));
      await lockSenders(tx, [system.id]);
      await insertDestinations(tx, to.map((organId) => {
        const route = routes.get(organId);
        const toSystemId = route?.systemId ?? null;
        const forwarded = route && route.organId !== organId ? route.organId : null;
        return {
          docId: pkg!.docId, toOrganId: organId, senderSystemId: system.id, toSystemId, deliverTo: forwarded,
          transport: toSystemId ? ('queued' as const) : ('failed' as const),
          reason: !toSystemId ? 'unknown_recipient' : forwarded ? `forwarded_to_successor:${forwarded}` : null,
        };
      }), at);
      const wakes: Wake[] = [{ kind: 'sent', systemId: system.id }];
      for (const s of new Set(systemOf.values())) wakes.push({ kind: 'inbox', systemId: s });
      await notifyAxis(tx, wakes);
      return { docId: pkg!.docId, created: true };
    });
    // Already kept: this copy goes (adoptStaged was not called).
    if (!result.created) await deps.store.discard(staged);
    return result;
  } catch (err) {
    await deps.store.discard(staged).catch(() => undefined);
    await forgetUnreferenced(deps, promoted);
    throw err;
  }
}

/** The OrganId a destination is queued for: its successor when the package was forwarded, else the To. */
const deliveredTo = sql<string>`coalesce(${axisDestinations.deliverTo}, ${axisDestinations.toOrganId})`;

/**
 * Where each To is delivered: the unit itself when it is served and current; a unit that ended
 * before `today` (its `validTo` passed) with a successor is followed to the successor (to the end of
 * the chain, at most 20 steps) when that one is served — the package is queued for its system.
 */
async function routeTo(tx: Tx, to: string[], today: string): Promise<Map<string, { organId: string; systemId: string }>> {
  const out = new Map<string, { organId: string; systemId: string }>();
  const known = new Map<string, { systemId: string; validTo: string | null; successorOrganId: string | null }>();
  let wanted = to;
  for (let depth = 0; depth <= 20 && wanted.length; depth++) {
    const rows = await tx
      .select({ organId: axisDirectory.organId, systemId: axisDirectory.systemId, validTo: axisDirectory.validTo, successorOrganId: axisDirectory.successorOrganId })
      .from(axisDirectory)
      .where(inArray(axisDirectory.organId, wanted));
    for (const r of rows) known.set(r.organId, r);
    wanted = [...new Set(rows.filter((r) => r.successorOrganId && r.validTo && r.validTo < today && !known.has(r.successorOrganId)).map((r) => r.successorOrganId!))];
  }
  for (const organId of to) {
    let at = organId;
    for (let i = 0; i < 20; i++) {
      const e = known.get(at);
      if (!e?.successorOrganId || !e.validTo || e.validTo >= today || !known.has(e.successorOrganId)) break;
      at = e.successorOrganId;
    }
    const e = known.get(at);
    if (e) out.set(organId, { organId: at, systemId: e.systemId });
  }
  return out;
}

/**
 * A package sent again whose destinations failed because no system served them (or the one that
 * did was removed): those now served are queued again for their new system. Otherwise sending the
 * same package again changes nothing.
 */
async function requeueNowServed(tx: Tx, docId: string, sender: string, at: Date): Promise<void> {
  await lockSenders(tx, [sender]);
  const now = await tx
    .select({ toOrganId: axisDestinations.toOrganId, systemId: axisDirectory.systemId })
    .from(axisDestinations)
    .innerJoin(axisDirectory, eq(axisDirectory.organId, deliveredTo))
    .where(and(
      eq(axisDestinations.docId, docId),
      eq(axisDestinations.transport, 'failed'),
      inArray(axisDestinations.reason, ['unknown_recipient', 'system_removed']),
    ))
    .for('update', { of: axisDestinations });
  if (!now.length) return;
  await writeChanges(tx, now.map((d) => ({ docId, toOrganId: d.toOrganId, senderSystemId: sender, transport: 'queued' as const })), at);
  for (const d of now) {
    await tx
      .update(axisDestinations)
      .set({ toSystemId: d.systemId })
      .where(and(eq(axisDestinations.docId, docId), eq(axisDestinations.toOrganId, d.toOrganId)));
  }
  await notifyAxis(tx, [{ kind: 'sent', systemId: sender }, ...now.map((d) => ({ kind: 'inbox' as const, systemId: d.systemId }))]);
}

export interface InboxItem {
  docId: string;
  messagetype: AxisMessageType;
  from: string;
  to: string;
  size: number;
  createdAt: string;
}

/** Queued destinations whose To the system serves now, oldest first; one item per (package, To). */
export async function listInbox(db: Db, system: AxisSystem, opts: { messagetype?: AxisMessageType; limit: number }): Promise<InboxItem[]> {
  const rows = await db
    .select({
      docId: axisDestinations.docId, kind: axisPackages.kind, from: axisPackages.fromOrganId, to: deliveredTo,
      size: axisPackages.size, createdAt: axisPackages.createdAt,
    })
    .from(axisDestinations)
    .innerJoin(axisDirectory, eq(axisDirectory.organId, deliveredTo))
    .innerJoin(axisPackages, eq(axisPackages.docId, axisDestinations.docId))
    .where(and(
      eq(axisDirectory.systemId, system.id),
      eq(axisDestinations.transport, 'queued'),
      opts.messagetype ? eq(axisPackages.kind, opts.messagetype) : undefined,
    ))
    .orderBy(asc(axisPackages.createdAt), asc(axisDestinations.docId), asc(axisDestinations.toOrganId))
    .limit(opts.limit);
  return rows.map((r) => ({ docId: r.docId, messagetype: r.kind, from: r.from, to: r.to, size: r.size, createdAt: r.createdAt.toISOString() }));
}

const packageNotFound = () => notFound('Không tìm thấy gói tin', 'Package not found');

/** The package's stored bytes, for a system serving one of its (not failed) destinations; else 404. */
export async function openPackage(deps: Pick<Deps, 'db' | 'store'>, system: AxisSystem, docId: string): Promise<{ stream: Readable; size: number }> {
  if (!isUuid(docId)) throw packageNotFound();
  const [row] = await deps.db
    .select({ sha256: axisPackages.sha256, size: axisPackages.size })
    .from(axisPackages)
    .innerJoin(axisDestinations, eq(axisDestinations.docId, axisPackages.docId))
    .innerJoin(axisDirectory, eq(axisDirectory.organId, deliveredTo))
    .where(and(eq(axisPackages.docId, docId), eq(axisDirectory.systemId, system.id), ne(axisDestinations.transport, 'failed')))
    .limit(1);
  if (!row) throw packageNotFound();
  return { stream: await deps.store.get(row.sha256), size: row.size };
}

/**
 * The package's destinations that `system` serves leave its queue (`delivered`). Idempotent: a
 * second call changes nothing and answers the same. 404 when it serves none of them.
 */
export async function markDone(deps: Pick<Deps, 'db' | 'clock'>, system: AxisSystem, docId: string): Promise<{ docId: string; to: string[] }> {
  if (!isUuid(docId)) throw packageNotFound();
  const at = deps.clock();
  return deps.db.transaction(async (tx) => {
    const [pkg] = await tx.select({ sender: axisPackages.senderSystemId }).from(axisPackages).where(eq(axisPackages.docId, docId));
    if (!pkg) throw packageNotFound();
    await lockSenders(tx, [pkg.sender]);
    const mine = await tx
      .select({ toOrganId: axisDestinations.toOrganId, transport: axisDestinations.transport })
      .from(axisDestinations)
      .innerJoin(axisDirectory, eq(axisDirectory.organId, deliveredTo))
      .where(and(eq(axisDestinations.docId, docId), eq(axisDirectory.systemId, system.id), ne(axisDestinations.transport, 'failed')))
      .orderBy(asc(axisDestinations.toOrganId))
      .for('update', { of: axisDestinations });
    if (!mine.length) throw packageNotFound();
    const queued = mine.filter((d) => d.transport === 'queued');
    if (queued.length) {
      await writeChanges(tx, queued.map((d) => ({ docId, toOrganId: d.toOrganId, senderSystemId: pkg.sender, transport: 'delivered' as const })), at);
      await notifyAxis(tx, [{ kind: 'sent', systemId: pkg.sender }]);
    }
    return { docId, to: mine.map((d) => d.toOrganId) };
  });
}

export interface SentItem {
  docId: string;
  to: string;
  transport: string;
  reason?: string;
  at: string;
}

/** Transport changes of what `system` sent, after `since`, in order; `cursor` is the last one's number. */
export async function listSent(db: Db, system: AxisSystem, since: number, limit: number): Promise<{ items: SentItem[]; cursor: string }> {
  const rows = await db
    .select()
    .from(axisTransportChanges)
    .where(and(eq(axisTransportChanges.senderSystemId, system.id), gt(axisTransportChanges.seq, since)))
    .orderBy(asc(axisTransportChanges.seq))
    .limit(limit);
  return {
    items: rows.map((r) => ({
      docId: r.docId, to: r.toOrganId, transport: r.transport, ...(r.reason ? { reason: r.reason } : {}), at: r.at.toISOString(),
    })),
    cursor: String(rows.length ? rows[rows.length - 1]!.seq : since),
  };
}
