// One child process of the fanout bench (bench/fanout.ts forks several of these through tsx): it
// opens one socket.io-client connection per token it is given and notes, per socket, when each
// `delivery:new` arrives, keyed by the payload's documentId. Times are wall-clock milliseconds
// with sub-millisecond resolution (performance.timeOrigin + performance.now()), so the parent can
// compare them with its own. Driven entirely by IPC messages; exits when the parent goes away.
import { io, type Socket } from 'socket.io-client';

export type ToClient =
  | { type: 'connect'; url: string; tokens: string[]; concurrency: number; timeoutMs: number }
  | { type: 'clock'; seq: number }
  | { type: 'watch'; key: string }
  | { type: 'report'; key: string }
  /** For the process that plays the clerk: POST the issue request, report when it started and ended. */
  | { type: 'issue'; url: string; token: string }
  | { type: 'close' };

export type FromClient =
  | { type: 'ready' }
  | { type: 'watching'; key: string }
  | { type: 'issued'; url: string; t0: number; t1: number; status: number; error: string | null }
  | { type: 'connected'; ok: number; failed: number; firstError: string | null; ms: number }
  | { type: 'clock'; seq: number; now: number }
  /** Every socket of this process has had at least one `delivery:new` for `key`. */
  | { type: 'complete'; key: string; at: number }
  | {
    type: 'report'; key: string;
    /** Per socket, in token order: first receive time (NaN = none; JSON turns it into null). */
    first: Array<number | null>;
    /** Per socket: how many `delivery:new` for `key` it got. */
    counts: number[];
    /** `urgent:alarm` messages received by all sockets between `watch` and `report` (flash alarm traffic). */
    alarms: number;
  };

const now = () => performance.timeOrigin + performance.now();

function send(msg: FromClient) {
  process.send?.(msg);
}

let sockets: Socket[] = [];
/** documentId → per-socket first receive time and count. Only watched keys are recorded. */
const seen = new Map<string, { first: Float64Array; counts: Uint32Array; remaining: number }>();
let alarms = 0;

function watch(key: string) {
  const first = new Float64Array(sockets.length).fill(Number.NaN);
  seen.set(key, { first, counts: new Uint32Array(sockets.length), remaining: sockets.length });
}

function onDelivery(index: number, payload: unknown) {
  const t = now();
  const key = (payload as { documentId?: unknown } | null)?.documentId;
  if (typeof key !== 'string') return;
  const s = seen.get(key);
  if (!s) return;
  const count = (s.counts[index] ?? 0) + 1;
  s.counts[index] = count;
  if (count === 1) {
    s.first[index] = t;
    if (--s.remaining === 0) send({ type: 'complete', key, at: t });
  }
}

/** Connects every token with at most `concurrency` handshakes in flight; bounded by tokens.length. */
async function connectAll(url: string, tokens: string[], concurrency: number, timeoutMs: number) {
  const t0 = performance.now();
  sockets = new Array<Socket>(tokens.length);
  let next = 0;
  let ok = 0;
  let failed = 0;
  let firstError: string | null = null;
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const socket = io(url, {
        auth: { token: tokens[i] }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: timeoutMs,
      });
      sockets[i] = socket;
      socket.on('delivery:new', (p: unknown) => onDelivery(i, p));
      socket.on('urgent:alarm', () => void alarms++);
      socket.once('connect', () => {
        ok++;
        resolve();
      });
      socket.once('connect_error', (err) => {
        failed++;
        firstError ??= err.message;
        resolve();
      });
    });
  const worker = async () => {
    while (next < tokens.length) await one(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, tokens.length)) }, worker));
  send({ type: 'connected', ok, failed, firstError, ms: performance.now() - t0 });
}

async function issue(url: string, token: string) {
  const t0 = now();
  try {
    const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const body = await res.text();
    const t1 = now();
    send({ type: 'issued', url, t0, t1, status: res.status, error: res.ok ? null : body.slice(0, 500) });
  } catch (err) {
    send({ type: 'issued', url, t0, t1: now(), status: 0, error: err instanceof Error ? err.message : String(err) });
  }
}

process.on('message', (raw) => {
  const msg = raw as ToClient;
  switch (msg.type) {
    case 'connect':
      void connectAll(msg.url, msg.tokens, msg.concurrency, msg.timeoutMs);
      break;
    case 'clock':
      send({ type: 'clock', seq: msg.seq, now: now() });
      break;
    case 'watch':
      alarms = 0;
      watch(msg.key);
      send({ type: 'watching', key: msg.key });
      break;
    case 'report': {
      const s = seen.get(msg.key);
      const first = s ? Array.from(s.first, (t) => (Number.isNaN(t) ? null : t)) : sockets.map(() => null);
      send({ type: 'report', key: msg.key, first, counts: s ? Array.from(s.counts) : sockets.map(() => 0), alarms });
      alarms = 0;
      seen.delete(msg.key);
      break;
    }
    case 'issue':
      void issue(msg.url, msg.token);
      break;
    case 'close':
      for (const s of sockets) s?.close();
      sockets = [];
      // Give the close frames a moment to go out; the kernel closes whatever is left.
      setTimeout(() => process.exit(0), 100);
      break;
  }
});
// The parent died or closed the channel: nothing left to do here.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
