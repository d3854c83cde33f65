// A job run that never overlaps itself (jobs/workers.ts, jobs/notify.ts).

/** Runs `fn` now and again whenever asked, never twice at once; asks during a run cause one more run. */
export function serial(fn: () => Promise<void>, onError: (err: unknown) => void) {
  let current: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const run = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (current) {
      again = true;
      return current;
    }
    current = (async () => {
      try {
        do {
          again = false;
          await fn().catch(onError);
        } while (again && !stopped);
      } finally {
        current = null;
      }
    })();
    return current;
  };
  /** No new runs; resolves when the one in flight (if any) has finished. */
  run.stop = async () => {
    stopped = true;
    await current;
  };
  return run;
}
