// This system's side of the province's exchange axis (/axis/v1, HTTP Basic systemId:secret):
// publish our units, read the directory, send packages, long-poll what waits for us, follow the
// transport status of what we sent. Plain fetch; every call has a timeout.
import { Readable } from 'node:stream';

export interface AxisSettings {
  url: string;
  systemId: string;
  secret: string;
}

export interface AxisDirectoryUnit {
  organId: string;
  name: string;
  parentOrganId: string | null;
  /** A unit that ended in a reorganisation: its last day (YYYY-MM-DD) and the OrganId that took over. */
  validTo?: string | null;
  successorOrganId?: string | null;
  systemId: string;
  systemName: string;
}

export interface AxisWaiting {
  docId: string;
  messagetype: 'edoc' | 'status';
  from: string;
  to: string;
  size: number;
  createdAt: string;
}

export interface AxisSent {
  docId: string;
  to: string;
  transport: 'queued' | 'delivered' | 'failed';
  reason?: string | null;
  at: string;
}

/** The axis answered with an error status; `retry` says whether trying again later may help. */
export class AxisError extends Error {
  constructor(message: string, readonly status: number | null, readonly retry: boolean) {
    super(message);
    this.name = 'AxisError';
  }
}

export function axisClient(s: AxisSettings) {
  const auth = `Basic ${Buffer.from(`${s.systemId}:${s.secret}`).toString('base64')}`;
  async function call(path: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${s.url}${path}`, {
        ...init,
        headers: { authorization: auth, accept: 'application/json', ...(init.headers as Record<string, string> | undefined) },
        signal: init.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(init.timeoutMs ?? 30_000)]) : AbortSignal.timeout(init.timeoutMs ?? 30_000),
        // Needed to send a stream body with fetch.
        ...(init.body instanceof ReadableStream ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (err) {
      throw new AxisError(`cannot reach the axis at ${s.url}: ${(err as Error).message}`, null, true);
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
      } catch {
        // not JSON
      }
      // 4xx other than 408/429 will not change by retrying the same request.
      throw new AxisError(`axis ${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${message}`, res.status, res.status >= 500 || res.status === 408 || res.status === 429);
    }
    return res;
  }
  const json = async <T>(path: string, init?: RequestInit & { timeoutMs?: number }) => (await (await call(path, init)).json()) as T;

  return {
    /** Replaces the list of units this system serves. */
    putDirectory: (units: Array<{ organId: string; name: string; parentOrganId: string | null; validTo?: string | null; successorOrganId?: string | null }>) =>
      call('/axis/v1/directory', { method: 'PUT', body: JSON.stringify({ units }), headers: { 'content-type': 'application/json' } }).then(() => undefined),
    getDirectory: () => json<{ units: AxisDirectoryUnit[] }>('/axis/v1/directory').then((r) => r.units),
    /** Sends a package (streamed); the same package twice gives the same docId. */
    async send(pkg: Readable | Buffer): Promise<string> {
      const body = Buffer.isBuffer(pkg) ? pkg : (Readable.toWeb(pkg) as unknown as ReadableStream);
      const r = await json<{ docId: string }>('/axis/v1/edocs', { method: 'POST', body: body as BodyInit, headers: { 'content-type': 'application/xml' }, timeoutMs: 120_000 });
      return r.docId;
    },
    /** What waits for our units; with `waitSeconds` the axis holds the request until something arrives. */
    waiting: (waitSeconds: number, signal?: AbortSignal) =>
      json<{ items: AxisWaiting[] }>(`/axis/v1/edocs?wait=${waitSeconds}`, { timeoutMs: (waitSeconds + 15) * 1000, ...(signal ? { signal } : {}) }).then((r) => r.items),
    /** The package's bytes, streamed. */
    async fetchPackage(docId: string): Promise<Readable> {
      const res = await call(`/axis/v1/edocs/${encodeURIComponent(docId)}`, { headers: { accept: 'application/xml' }, timeoutMs: 120_000 });
      if (!res.body) throw new AxisError('axis sent an empty package', res.status, true);
      return Readable.fromWeb(res.body as never);
    },
    done: (docId: string) => call(`/axis/v1/edocs/${encodeURIComponent(docId)}/done`, { method: 'POST' }).then(() => undefined),
    /** Transport status changes of what we sent, after `cursor`. */
    sent: (cursor: string | null, waitSeconds: number) =>
      json<{ items: AxisSent[]; cursor: string | null }>(`/axis/v1/sent?wait=${waitSeconds}${cursor ? `&since=${encodeURIComponent(cursor)}` : ''}`, { timeoutMs: (waitSeconds + 15) * 1000 }),
  };
}

export type AxisClient = ReturnType<typeof axisClient>;
