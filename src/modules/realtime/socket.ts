import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { Deps } from '../../lib/deps.js';
import { AppError } from '../../lib/errors.js';
import type { Actor } from '../../lib/actor.js';
import { type AuthDeps, authenticate } from '../auth/service.js';
import { listEventsSince } from '../events/service.js';
import type { ClientToServer, ServerToClient, SyncReply } from './event-map.js';
import { pushesFor } from './pushes.js';

export interface SocketData {
  actor: Actor;
  /** The handshake's token: checked again at every `sync`. */
  token: string;
  sessionId: string;
}
export type Io = Server<ClientToServer, ServerToClient, Record<string, never>, SocketData>;
const SYNC_PAGE = 500;
/** setTimeout's longest delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const unitRoom = (id: string) => `unit:${id}`;
export const userRoom = (id: string) => `user:${id}`;
/** Every socket of one login session: disconnected when the session ends (jobs/workers.ts). */
export const sessionRoom = (id: string) => `session:${id}`;

const UNAUTHORIZED = { code: 'unauthorized', message: 'Phiên đăng nhập đã kết thúc (session ended)' };

/**
 * socket.io at /socket.io. The handshake must carry a valid session token; the socket joins its
 * user's, unit's and session's rooms and nothing else — clients cannot join rooms. A session that
 * ends (logout, account disabled, password, roles or unit changed) disconnects its sockets on every
 * replica through its committed `sessions.ended` event; every `sync` checks the token again, and a
 * socket is dropped when its session expires.
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
      ({ actor, sessionId }) => {
        socket.data.actor = actor;
        socket.data.token = token;
        socket.data.sessionId = sessionId;
        next();
      },
      (err) => next(new Error(err instanceof AppError ? err.code : 'unauthorized')),
    );
  });
  io.on('connection', (socket) => {
    const { actor, sessionId, token } = socket.data;
    void socket.join([unitRoom(actor.unitId), userRoom(actor.userId), sessionRoom(sessionId)]);
    // The session may have ended between the handshake's check and joining its room (its event then
    // found no socket to disconnect): check once more now that the socket is in the room.
    authenticate(deps, token).then(
      ({ expiresAt }) => {
        if (!socket.connected) return;
        const timer = setTimeout(() => socket.disconnect(true), Math.min(MAX_TIMER_MS, Math.max(0, expiresAt.getTime() - deps.clock().getTime())));
        timer.unref();
        socket.once('disconnect', () => clearTimeout(timer));
      },
      () => socket.disconnect(true),
    );
    socket.on('sync', (payload: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const reply = ack as (r: SyncReply) => void;
      // Authorised afresh each time: a disabled account or an ended session gets nothing, and the
      // unit and roles are today's.
      authenticate(deps, socket.data.token).then(
        (fresh) => {
          socket.data.actor = fresh.actor;
          return sync(deps, fresh.actor, payload).then(reply, (err) => {
            deps.log.error({ err }, 'sync failed');
            reply({ error: { code: 'internal', message: 'Lỗi máy chủ' } });
          });
        },
        (err) => {
          if (!(err instanceof AppError)) deps.log.error({ err }, 'sync authentication failed');
          reply({ error: UNAUTHORIZED });
          // Let the reply leave before the socket closes.
          setImmediate(() => socket.disconnect(true));
        },
      );
    });
    // Anything else a client emits is ignored; socket.io drops unknown events without effect.
    socket.on('error', (err) => deps.log.debug({ err }, 'socket error'));
  });
  return io;
}

/** Disconnects every socket of these sessions on this replica (each replica does it for its own). */
export function disconnectSessions(io: Io, sessionIds: string[]): void {
  for (const id of sessionIds) io.in(sessionRoom(id)).disconnectSockets(true);
}

/** Everything this person may see since `sinceEventId`, as the pushes they would have got, in order. */
async function sync(deps: Pick<Deps, 'db'>, actor: Actor, payload: unknown): Promise<SyncReply> {
  const since = (payload as { sinceEventId?: unknown } | null)?.sinceEventId;
  if (typeof since !== 'number' || !Number.isSafeInteger(since) || since < 0) {
    return { error: { code: 'bad_request', message: 'sinceEventId phải là số nguyên không âm (sinceEventId must be a non-negative integer)' } };
  }
  const rows = await listEventsSince(deps.db, { unitId: actor.unitId, userId: actor.userId, sinceId: since, limit: SYNC_PAGE });
  const mine = new Set([unitRoom(actor.unitId), userRoom(actor.userId)]);
  // A message addressed to two of this person's rooms (a meeting's unit and person) is given once.
  const seen = new Set<object>();
  const events = rows.flatMap(pushesFor).filter((p) => mine.has(p.room) && !seen.has(p.payload) && Boolean(seen.add(p.payload))).map((p) => ({ name: p.name, data: p.payload }));
  return { events, lastEventId: rows.at(-1)?.id ?? since, more: rows.length === SYNC_PAGE };
}

export type { Socket };
