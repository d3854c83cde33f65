import type { Deps } from '../lib/deps.js';
import { sweepStore, type SweepReport } from '../modules/documents/blobs.js';

/** Objects and staged copies younger than this are never swept (STORE_SWEEP_GRACE_SECONDS). */
export const DEFAULT_SWEEP_GRACE_MS = 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/**
 * Sweeps the object store (documents' sweepStore) once at start and then every day, never two
 * runs at once; each run's counts go to the log. Safe with several replicas: every removal is
 * decided under the address's lock.
 */
export function startSweeper(
  deps: Pick<Deps, 'db' | 'store' | 'log' | 'config'>,
  opts: { graceMs?: number; intervalMs?: number } = {},
): { stop(): Promise<void>; runNow(): Promise<SweepReport | null> } {
  const graceMs = opts.graceMs ?? deps.config.storeSweepGraceMs ?? DEFAULT_SWEEP_GRACE_MS;
  let current: Promise<SweepReport | null> | null = null;
  let stopped = false;
  const runNow = (): Promise<SweepReport | null> => {
    if (stopped) return Promise.resolve(null);
    current ??= (async () => {
      const started = Date.now();
      try {
        const report = await sweepStore(deps, { graceMs });
        deps.log.info({ sweep: report, ms: Date.now() - started, graceSeconds: graceMs / 1000 }, `store sweep: ${report.removed} unreferenced objects (${report.removedBytes} bytes) and ${report.stagingRemoved} staged copies removed`);
        return report;
      } catch (err) {
        deps.log.error({ err }, 'store sweep failed');
        return null;
      } finally {
        current = null;
      }
    })();
    return current;
  };
  const timer = setInterval(() => void runNow(), opts.intervalMs ?? DAY_MS);
  timer.unref();
  void runNow();
  return {
    runNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
}
