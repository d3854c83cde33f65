// The audit chain over `events` (issue 11): the database links every row to the previous one when
// it is inserted (trigger in drizzle/0009_audit_chain.sql); here the chain is walked and every
// hash recomputed independently, in TypeScript, from the columns.
import { createHash } from 'node:crypto';
import type postgres from 'postgres';

export const GENESIS_HASH = '0'.repeat(64);

/** The columns of one event, read exactly (`at` in epoch microseconds, `data` as jsonb's text). */
export interface ChainRow {
  id: string;
  atMicros: string;
  type: string | null;
  actorUserId: string | null;
  actorUnitId: string | null;
  documentId: string | null;
  deliveryId: string | null;
  unitIds: Array<string | null> | null;
  userIds: Array<string | null> | null;
  data: string | null;
  prevHash: string | null;
  hash: string | null;
}

function field(v: string | null): string {
  return v === null ? '~' : `${Buffer.byteLength(v, 'utf8')}:${v}`;
}

/** PostgreSQL's array_to_string(a, ','): NULL elements are skipped, a NULL array is NULL. */
function joined(a: Array<string | null> | null): string | null {
  return a === null ? null : a.filter((x) => x !== null).join(',');
}

/** The canonical text of a row (the same as audit_event_hash in the migration). */
export function canonicalEventText(r: ChainRow): string {
  return [
    'lienthong-event-v1',
    field(r.id),
    field(r.atMicros),
    field(r.type),
    field(r.actorUserId),
    field(r.actorUnitId),
    field(r.documentId),
    field(r.deliveryId),
    field(joined(r.unitIds)),
    field(joined(r.userIds)),
    field(r.data),
    field(r.prevHash),
  ].join('\n');
}

export function eventHash(r: ChainRow): string {
  return createHash('sha256').update(canonicalEventText(r), 'utf8').digest('hex');
}

const BATCH = 2000;

/** Rows with id > `after`, in id order, a batch at a time (keyset pages: bounded memory, no long transaction). */
export async function* chainRows(sql: postgres.Sql, after = '0', batch = BATCH): AsyncGenerator<ChainRow> {
  let last = after;
  for (;;) {
    const rows = await sql<ChainRow[]>`
      select id::text as id,
        ((extract(epoch from at) * 1000000)::bigint)::text as "atMicros",
        type,
        actor_user_id::text as "actorUserId", actor_unit_id::text as "actorUnitId",
        document_id::text as "documentId", delivery_id::text as "deliveryId",
        unit_ids::text[] as "unitIds", user_ids::text[] as "userIds",
        data::text as data, prev_hash as "prevHash", hash
      from events where events.id > ${last}::bigint order by events.id limit ${batch}`;
    for (const r of rows) yield r;
    if (rows.length < batch) return;
    last = rows[rows.length - 1]!.id;
  }
}

export type ChainProblemKind = 'changed' | 'deleted' | 'inserted';

export interface ChainProblem {
  kind: ChainProblemKind;
  /** The event the problem is found at (a number as text: ids are bigint). */
  eventId: string;
  message: { vi: string; en: string };
}

export interface ChainWalk {
  /** Rows walked. */
  count: number;
  /** The last row walked (the head when no problem was found). */
  head: { id: string; hash: string } | null;
  problem: ChainProblem | null;
}

/** How many recent rows are remembered to tell an inserted row from a deleted one. */
const RECENT = 1024;

/**
 * Walks the chain after `from` (a trusted link: a verified checkpoint, or the genesis) and stops at
 * the first row that was changed (its hash does not match its content, or it has none), deleted
 * (a row links to a hash that is not the previous row's) or inserted out of order (the row after it
 * links past it, to the row before it). `onProgress` is told the number of rows walked now and then.
 */
export async function walkChain(
  sql: postgres.Sql,
  opts: { from?: { id: string; hash: string }; onProgress?: (count: number) => void } = {},
): Promise<ChainWalk> {
  // From a checkpoint, its own row is read first: its content must still match the signed hash.
  const it = chainRows(sql, opts.from ? (BigInt(opts.from.id) - 1n).toString() : '0')[Symbol.asyncIterator]();
  let prev: { id: string; hash: string } | null = null;
  const recent: Array<{ id: string; hash: string }> = [];
  let count = 0;
  let next = await it.next();
  if (opts.from) {
    const r = next.done ? null : next.value;
    if (!r || r.id !== opts.from.id) {
      return fail('deleted', opts.from.id, {
        vi: `Sự kiện ${opts.from.id} của mốc kiểm tra không còn (đã bị xóa)`,
        en: `event ${opts.from.id} of the checkpoint is missing (deleted)`,
      });
    }
    if (r.hash !== opts.from.hash || eventHash(r) !== r.hash) {
      return fail('changed', r.id, {
        vi: `Sự kiện ${r.id} đã bị sửa: không khớp mốc kiểm tra đã ký`,
        en: `event ${r.id} was changed: it does not match the signed checkpoint`,
      });
    }
    prev = { id: r.id, hash: r.hash };
    recent.push(prev);
    next = await it.next();
  }
  while (!next.done) {
    const r = next.value;
    next = await it.next();
    const expected = prev?.hash ?? GENESIS_HASH;
    if (r.prevHash !== expected) {
      const following = next.done ? null : next.value;
      if (following && following.prevHash === expected) {
        return fail('inserted', r.id, {
          vi: `Sự kiện ${r.id} được chèn sai thứ tự: sự kiện ${following.id} ngay sau nó liên kết với ${prev ? `sự kiện ${prev.id}` : 'đầu chuỗi'}`,
          en: `event ${r.id} was inserted out of order: event ${following.id} after it links to ${prev ? `event ${prev.id}` : 'the start of the chain'}`,
        });
      }
      const k = r.prevHash === null ? -1 : recent.findIndex((x) => x.hash === r.prevHash);
      if (k >= 0 && k < recent.length - 1) {
        const first = recent[k + 1]!;
        return fail('inserted', first.id, {
          vi: `Sự kiện ${first.id} được chèn sai thứ tự: sự kiện ${r.id} liên kết với sự kiện ${recent[k]!.id} trước nó`,
          en: `event ${first.id} was inserted out of order: event ${r.id} links to event ${recent[k]!.id} before it`,
        });
      }
      return fail('deleted', r.id, prev
        ? {
            vi: `Chuỗi bị đứt tại sự kiện ${r.id}: (các) sự kiện giữa ${prev.id} và ${r.id} đã bị xóa, hoặc sự kiện ${prev.id} bị sửa rồi tính lại mã băm`,
            en: `chain broken at event ${r.id}: event(s) between ${prev.id} and ${r.id} were deleted, or event ${prev.id} was rewritten with a recomputed hash`,
          }
        : {
            vi: `Chuỗi bị đứt tại sự kiện ${r.id}: (các) sự kiện trước nó đã bị xóa`,
            en: `chain broken at event ${r.id}: the event(s) before it were deleted`,
          });
    }
    if (r.hash === null || eventHash(r) !== r.hash) {
      return fail('changed', r.id, {
        vi: `Sự kiện ${r.id} đã bị sửa: nội dung không khớp mã băm (hoặc bị chèn với mã băm giả)`,
        en: `event ${r.id} was changed: its content does not match its hash (or it was inserted with a forged hash)`,
      });
    }
    prev = { id: r.id, hash: r.hash };
    recent.push(prev);
    if (recent.length > RECENT) recent.shift();
    count++;
    if (count % 10_000 === 0) opts.onProgress?.(count);
  }
  return { count, head: prev, problem: null };

  function fail(kind: ChainProblemKind, eventId: string, message: { vi: string; en: string }): ChainWalk {
    return { count, head: prev, problem: { kind, eventId, message } };
  }
}
