import type { Deps } from '../../lib/deps.js';
import { AppError } from '../../lib/errors.js';
import { AXIS_CHANNEL } from './changes.js';

/** Long-polls one system may hold open at once (inbox and /sent together). */
export const MAX_WAITING_PER_SYSTEM = 20;
/** A waiting request checks again this often even without a notification (one missed while reconnecting). */
const RECHECK_MS = 5000;

interface Waiter {
  dirty: boolean;
  wake: (() => void) | null;
}

/**
 * Long-polling for the axis. Every replica LISTENs on the axis channel; a transaction that queues a
 * package or changes a transport status NOTIFYs `inbox:<system>` / `sent:<system>` (delivered on
 * commit only), and each replica wakes its own requests waiting on that key, which then query again.
 */
export class AxisWaiters {
  private readonly byKey = new Map<string, Set<Waiter>>();
  private readonly perSystem = new Map<string, number>();
  private closed = false;
  private unlisten: (() => Promise<void>) | null = null;

  constructor(private readonly deps: Pick<Deps, 'sql' | 'log'>) {}

  async start(): Promise<void> {
    const meta = await this.deps.sql.listen(AXIS_CHANNEL, (payload) => this.wakeKey(payload));
    this.unlisten = () => meta.unlisten();
  }

  private wakeKey(key: string) {
    for (const w of this.byKey.get(key) ?? []) {
      w.dirty = true;
      w.wake?.();
    }
  }

  /**
   * `check()` now; when it finds nothing and `waitSeconds` > 0, again on each wake-up until it
   * finds something or the time is up. Registered before the first check, so a commit between a
   * check and the wait is never missed. `gone` (the client hung up) ends the wait early.
   */
  async poll<T>(
    systemId: string,
    kind: 'inbox' | 'sent',
    waitSeconds: number,
    check: () => Promise<T[]>,
    gone?: (stop: () => void) => void,
  ): Promise<T[]> {
    if (waitSeconds <= 0 || this.closed) return check();
    const count = this.perSystem.get(systemId) ?? 0;
    if (count >= MAX_WAITING_PER_SYSTEM) {
      throw new AppError('too_many_requests', {
        vi: `Hệ thống đang có quá nhiều yêu cầu chờ (tối đa ${MAX_WAITING_PER_SYSTEM})`,
        en: `Too many waiting requests for this system (at most ${MAX_WAITING_PER_SYSTEM})`,
      });
    }
    const key = `${kind}:${systemId}`;
    const waiter: Waiter = { dirty: false, wake: null };
    const set = this.byKey.get(key) ?? this.byKey.set(key, new Set()).get(key)!;
    set.add(waiter);
    this.perSystem.set(systemId, count + 1);
    let stopped = false;
    gone?.(() => {
      stopped = true;
      waiter.wake?.();
    });
    const deadline = Date.now() + waitSeconds * 1000;
    try {
      for (;;) {
        waiter.dirty = false;
        const items = await check();
        const left = deadline - Date.now();
        if (items.length || left <= 0 || this.closed || stopped) return items;
        if (!waiter.dirty) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(done, Math.min(left, RECHECK_MS));
            function done() {
              clearTimeout(timer);
              waiter.wake = null;
              resolve();
            }
            waiter.wake = done;
          });
        }
      }
    } finally {
      set.delete(waiter);
      if (!set.size) this.byKey.delete(key);
      const n = (this.perSystem.get(systemId) ?? 1) - 1;
      if (n > 0) this.perSystem.set(systemId, n);
      else this.perSystem.delete(systemId);
    }
  }

  /** Answers every waiting request now (with what it finds) and stops listening. */
  async close(): Promise<void> {
    this.closed = true;
    for (const set of this.byKey.values()) for (const w of set) w.wake?.();
    await this.unlisten?.().catch((err) => this.deps.log.warn({ err }, 'axis: unlisten failed'));
    this.unlisten = null;
  }
}
