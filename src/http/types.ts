import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { Actor } from '../lib/actor.js';

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every route not marked public. */
    actor: Actor;
  }
  interface FastifyInstance {
    /** The socket.io server sharing this HTTP server. */
    io: import('socket.io').Server;
    /** The connection to the province's exchange axis, when AXIS_URL is set (null otherwise). */
    exchange: { wake(): void; refreshDirectory(): Promise<void>; stop(): Promise<void> } | null;
  }
  interface FastifyContextConfig {
    /** Route answers without a session token. */
    public?: boolean;
  }
}

/** The actor of an authenticated request. */
export const actorOf = (req: { actor: Actor }) => req.actor;
