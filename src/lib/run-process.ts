// A child process (poppler's pdftoppm/pdfinfo, Tesseract) run with a time limit, an output cap
// and a lower CPU priority, so a slow or hostile file never holds the app's cores or memory.
import { execFile } from 'node:child_process';
import os from 'node:os';

/** Output beyond this is an error (the child is killed). */
const OUTPUT_CAP = 16 * 1024 * 1024;
/** The niceness of background child processes (19 is the lowest priority). */
const LOW_PRIORITY = 10;

export interface RunOptions {
  /** Killed (SIGKILL) after this long. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Niceness; default 10 (background work). */
  priority?: number;
}

/** Runs `cmd args` with one thread (OMP_THREAD_LIMIT=1); rejects with `stderr` attached on failure. */
export function runLimited(cmd: string, args: string[], opts: RunOptions): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      {
        timeout: opts.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: OUTPUT_CAP,
        signal: opts.signal,
        // One thread: the machine's cores are shared with the app; throughput comes from files, not threads.
        env: { ...process.env, OMP_THREAD_LIMIT: '1' },
        encoding: 'utf8',
      },
      (err, stdout, stderr) => (err ? reject(Object.assign(err, { stderr })) : resolve({ stdout, stderr })),
    );
    if (child.pid !== undefined) {
      try {
        os.setPriority(child.pid, opts.priority ?? LOW_PRIORITY);
      } catch {
        // gone already, or not permitted: it runs at the app's priority
      }
    }
  });
}
