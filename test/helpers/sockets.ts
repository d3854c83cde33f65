import type { AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import type { TestEnv } from './app.js';

export interface Received {
  name: string;
  data: any;
}

/** A real socket.io client that records every event it receives. */
export interface TestClient {
  socket: Socket;
  received: Received[];
  of(name: string): any[];
  close(): void;
}

export async function listen(env: TestEnv): Promise<string> {
  await env.app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(env.app.server.address() as AddressInfo).port}`;
}

export function connect(url: string, token: string, opts: { connect?: boolean } = {}): Promise<TestClient> {
  const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, autoConnect: opts.connect ?? true });
  const received: Received[] = [];
  socket.onAny((name, data) => received.push({ name, data }));
  const client: TestClient = {
    socket,
    received,
    of: (name) => received.filter((r) => r.name === name).map((r) => r.data),
    close: () => void socket.close(),
  };
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(client));
    socket.once('connect_error', (err) => reject(err));
  });
}

export async function waitFor(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function syncSince(client: TestClient, sinceEventId: unknown): Promise<any> {
  return client.socket.timeout(5000).emitWithAck('sync', { sinceEventId });
}
