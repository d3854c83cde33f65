import { ConfigError } from '../config.js';
import type { Deps } from '../lib/deps.js';
import { sweepStore, type SweepReport } from '../modules/documents/blobs.js';

/** Objects and staged copies younger than this are never swept (STORE_SWEEP_GRACE_SECONDS). */
export const DEFAULT_SWEEP_GRACE_MS = 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/**
 * STORE_SWEEP_GRACE_SECONDS (1 … 30 days in seconds, default 3600). Parsed by src/main.ts next
 * to the rest of the configuration; a bad value is a ConfigError (exit 2).
 */
export function sweepGraceFromEnv(env: Record<string, string | undefined>): number {
  const v = env.STORE_SWEEP_GRACE_SECONDS?.trim();
  if (!v) return DEFAULT_SWEEP_GRACE_MS;
  const max = 30 * 24 * 3600;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) {
    throw new ConfigError([`STORE_SWEEP_GRACE_SECONDS must be an integer between 1 and ${max} (got "${v}")`]);
  }
  return Number(v) * 1000;
}

/**
 * Sweeps the object store (documents' sweepStore) once at start and then every day, never two
 * runs at once; each run's counts go to the log. Safe with several replicas: every removal is
 * decided under the address's lock.
 */
export function startSweeper(
  deps: Pick<Deps, 'db' | 'store' | 'log'>,
  opts: { graceMs?: number; intervalMs?: number } = {},
): { stop(): Promise<void>; runNow(): Promise<SweepReport | null> } {
  const graceMs = opts.graceMs ?? DEFAULT_SWEEP_GRACE_MS;
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
