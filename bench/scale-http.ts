// HTTP for the scale bench: a keep-alive agent against the app on 127.0.0.1, JSON in and out, and
// latency series as p50/p95/p99. Every request is checked: anything but the expected status fails
// the bench (a figure of error pages would mean nothing).
import http from 'node:http';
import { fmt, percentile, timedPool, type SummaryRow } from './stats.js';

export interface Client {
  get(path: string, token?: string): Promise<unknown>;
  send(method: 'POST' | 'PATCH', path: string, body: unknown, token?: string): Promise<unknown>;
  close(): void;
}

export function httpClient(baseUrl: string, sockets = 16): Client {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const request = (method: string, path: string, token: string | undefined, body?: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (payload) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(payload.length);
      }
      const req = http.request(`${baseUrl}${path}`, { method, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (!res.statusCode || res.statusCode >= 300) {
            reject(new Error(`${method} ${path} → ${res.statusCode}: ${text.slice(0, 300)}`));
            return;
          }
          try {
            resolve(text ? JSON.parse(text) : null);
          } catch {
            resolve(text);
          }
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  return {
    get: (path, token) => request('GET', path, token),
    send: (method, path, body, token) => request(method, path, token, body),
    close: () => agent.destroy(),
  };
}

export interface Series {
  name: string;
  latencies: number[];
  p50: number;
  p95: number;
  p99: number;
}

export function series(name: string, latencies: number[]): Series {
  return { name, latencies, p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) };
}

/** Time one figure may take: past it, a slow figure stops after 3 samples (printed with its n). */
const BUDGET_MS = (Number(process.env.BENCH_SCALE_FIGURE_SECONDS) || 60) * 1000;

/** `warmup` untimed calls, then up to `n` timed ones, one at a time (bounded by n and the budget). */
export async function timeSeq(name: string, n: number, warmup: number, fn: (i: number) => Promise<unknown>): Promise<Series> {
  const t0 = performance.now();
  for (let i = 0; i < warmup && performance.now() - t0 < BUDGET_MS; i++) await fn(i);
  const latencies: number[] = [];
  for (let i = 0; i < n && (latencies.length < 3 || performance.now() - t0 < BUDGET_MS); i++) {
    const t = performance.now();
    await fn(i);
    latencies.push(performance.now() - t);
  }
  return series(name, latencies);
}

/** `n` calls with `concurrency` in flight: requests per second. */
export async function throughput(n: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<{ perSec: number; s: Series }> {
  const t = await timedPool(Array.from({ length: n }, (_, i) => i), concurrency, fn);
  return { perSec: t.latencies.length / (t.wallMs / 1000), s: series('', t.latencies) };
}

export const pct = (s: Series) => `${fmt(s.p50, 2)} / ${fmt(s.p95, 2)} / ${fmt(s.p99, 2)}`;

/**
 * One figure: printed as a line and returned as a summary row. The ratio is the figure's p50 to
 * the trivial authenticated route's p50 (and, in the note, to the primary-key lookup's p50).
 */
export function figure(s: Series, me: Series, pk: Series, target: string): SummaryRow {
  const line =
    `${s.name}: p50/p95/p99 ${pct(s)} ms (n=${s.latencies.length}); ×${fmt(s.p50 / me.p50, 1)} of /api/me, ` +
    `×${fmt(s.p50 / pk.p50, 0)} of a PK lookup (p50)${target ? `; target ${target}` : ''}`;
  process.stdout.write(`[scale] ${line}\n`);
  return {
    bench: 'scale', metric: `${s.name} p50/p95/p99 ms`, value: pct(s), baseline: `/api/me ${fmt(me.p50, 2)}`,
    ratio: fmt(s.p50 / me.p50, 1), note: `PK ×${fmt(s.p50 / pk.p50, 0)}${target ? `; target ${target}` : ''}`,
  };
}
