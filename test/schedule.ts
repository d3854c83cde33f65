// The order and summary of npm test's files (test/run.ts).

export interface Counts { tests: number; pass: number; fail: number; cancelled: number; skipped: number; todo: number }
export interface FileResult { file: string; seconds: number; /** CPU seconds of the file's process and the processes it waited for. */ cpu?: number; code: number; output: string; tap: string; counts: Counts | null }

/** Unknown files count as this long: new files are usually the ones being worked on, so they go early. */
const UNKNOWN_SECONDS = 60;

/**
 * Files with timing assertions about a whole process (the start-up test's "healthy within 10 s on the
 * next start") run only beside light files, never beside another file that starts apps or browsers:
 * next to the crash test (three clients issuing to 130 units while the app is killed) a restart took
 * 7.5 s of its 10, beside a light file 4.3 s.
 */
export const NEEDS_QUIET = new Set(['test/startup.test.ts']);
/** A file recorded at most this many seconds counts as light. */
export const LIGHT_SECONDS = 20;

/** Longest first by the recorded seconds (ties by name), so two workers finish close together. */
export function orderFiles(files: string[], known: Record<string, number>): string[] {
  const secs = (f: string) => (Number.isFinite(known[f]) ? known[f]! : UNKNOWN_SECONDS);
  return [...files].sort((a, b) => secs(b) - secs(a) || a.localeCompare(b));
}

/**
 * The next file to start, given those running: the first in order, except that a NEEDS_QUIET file
 * starts only when every running file is light, and while one runs only light files start. Null: wait
 * for a running file to end (or nothing is left).
 */
export function pickNext(queue: string[], running: Iterable<string>, known: Record<string, number>): string | null {
  const light = (f: string) => !NEEDS_QUIET.has(f) && (known[f] ?? Infinity) <= LIGHT_SECONDS;
  const now = [...running];
  const quietRunning = now.some((f) => NEEDS_QUIET.has(f));
  for (const f of queue) {
    if (quietRunning && !light(f)) continue;
    if (NEEDS_QUIET.has(f) && !now.every(light)) continue;
    return f;
  }
  return null;
}

/** The counts at the end of a file's TAP (`# pass 3` …), or null when it never got there. */
export function readTapCounts(tap: string): Counts | null {
  const get = (k: string) => {
    const m = new RegExp(`^# ${k} (\\d+)$`, 'm').exec(tap);
    return m ? Number(m[1]) : null;
  };
  const tests = get('tests');
  if (tests === null) return null;
  return { tests, pass: get('pass') ?? 0, fail: get('fail') ?? 0, cancelled: get('cancelled') ?? 0, skipped: get('skipped') ?? 0, todo: get('todo') ?? 0 };
}

/** A file fails when its process did, a test failed or was cancelled, or its TAP has no summary. */
export function fileFailed(r: FileResult): boolean {
  return r.code !== 0 || !r.counts || r.counts.fail > 0 || r.counts.cancelled > 0;
}

export function summarize(results: FileResult[], wallSeconds: number): { ok: boolean; text: string } {
  const total: Counts = { tests: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 };
  for (const r of results) for (const k of Object.keys(total) as Array<keyof Counts>) total[k] += r.counts?.[k] ?? 0;
  const failed = results.filter(fileFailed);
  const slowest = [...results].sort((a, b) => b.seconds - a.seconds).slice(0, 10);
  const busy = results.reduce((s, r) => s + r.seconds, 0);
  const lines = [
    `ℹ files ${results.length} (${busy.toFixed(0)} s of file time in ${wallSeconds.toFixed(0)} s)`,
    ...(['tests', 'pass', 'fail', 'cancelled', 'skipped', 'todo'] as const).map((k) => `ℹ ${k} ${total[k]}`),
    `ℹ slowest: ${slowest.map((r) => `${r.file.replace(/^test\//, '')} ${r.seconds.toFixed(0)} s`).join(', ')}`,
  ];
  const measured = results.filter((r) => r.cpu !== undefined);
  if (measured.length) {
    const cpu = measured.reduce((s, r) => s + r.cpu!, 0);
    const most = [...measured].sort((a, b) => b.cpu! - a.cpu!).slice(0, 10);
    lines.push(`ℹ CPU of the files and what they started: ${cpu.toFixed(0)} s; most: ${most.map((r) => `${r.file.replace(/^test\//, '')} ${r.cpu!.toFixed(0)} s`).join(', ')}`);
  }
  for (const r of failed) {
    const why = !r.counts ? 'ended without a summary' : r.counts.fail || r.counts.cancelled ? `${r.counts.fail} failed, ${r.counts.cancelled} cancelled` : `exit ${r.code}`;
    lines.push(`✖ ${r.file}: ${why}`);
  }
  lines.push(failed.length ? `✖ ${failed.length} file(s) failed` : '✔ every file passed');
  return { ok: failed.length === 0 && results.length > 0, text: lines.join('\n') };
}
