import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { Deps } from '../../lib/deps.js';
import { AppError } from '../../lib/errors.js';
import type { Actor } from '../../lib/actor.js';
import { type AuthDeps, authenticate } from '../auth/service.js';
import { listEventsSince } from '../events/service.js';
import type { ClientToServer, ServerToClient, SyncReply } from './event-map.js';
import { pushesFor } from './pushes.js';

export type Io = Server<ClientToServer, ServerToClient, Record<string, never>, { actor: Actor }>;
const SYNC_PAGE = 500;

export const unitRoom = (id: string) => `unit:${id}`;
export const userRoom = (id: string) => `user:${id}`;

/**
 * socket.io at /socket.io. The handshake must carry a valid session token; the socket joins its
 * user's and unit's rooms and nothing else — clients cannot join rooms.
 */
export function createSocketServer(server: HttpServer, deps: AuthDeps & Pick<Deps, 'log'>): Io {
  const io: Io = new Server(server, {
    path: '/socket.io',
    serveClient: true,
    maxHttpBufferSize: 64 * 1024,
    pingInterval: 20_000,
    pingTimeout: 20_000,
    connectionStateRecovery: undefined,
  });
  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || token.length > 4096) return next(new Error('unauthorized'));
    authenticate(deps, token).then(
      ({ actor }) => {
        socket.data.actor = actor;
        next();
      },
      (err) => next(new Error(err instanceof AppError ? err.code : 'unauthorized')),
    );
  });
  io.on('connection', (socket) => {
    const { actor } = socket.data;
    void socket.join([unitRoom(actor.unitId), userRoom(actor.userId)]);
    socket.on('sync', (payload: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      sync(deps, actor, payload).then(
        (reply) => (ack as (r: SyncReply) => void)(reply),
        (err) => {
          deps.log.error({ err }, 'sync failed');
          (ack as (r: SyncReply) => void)({ error: { code: 'internal', message: 'Lỗi máy chủ' } });
        },
      );
    });
    // Anything else a client emits is ignored; socket.io drops unknown events without effect.
    socket.on('error', (err) => deps.log.debug({ err }, 'socket error'));
  });
  return io;
}

/** Everything this person may see since `sinceEventId`, as the pushes they would have got, in order. */
async function sync(deps: Pick<Deps, 'db'>, actor: Actor, payload: unknown): Promise<SyncReply> {
  const since = (payload as { sinceEventId?: unknown } | null)?.sinceEventId;
  if (typeof since !== 'number' || !Number.isSafeInteger(since) || since < 0) {
    return { error: { code: 'bad_request', message: 'sinceEventId phải là số nguyên không âm (sinceEventId must be a non-negative integer)' } };
  }
  const rows = await listEventsSince(deps.db, { unitId: actor.unitId, userId: actor.userId, sinceId: since, limit: SYNC_PAGE });
  const mine = new Set([unitRoom(actor.unitId), userRoom(actor.userId)]);
  const events = rows.flatMap(pushesFor).filter((p) => mine.has(p.room)).map((p) => ({ name: p.name, data: p.payload }));
  return { events, lastEventId: rows.at(-1)?.id ?? since, more: rows.length === SYNC_PAGE };
}

export type { Socket };
