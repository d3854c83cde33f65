import type { ChildProcess } from 'node:child_process';

/** Whether any process of the group `pgid` (a child spawned with `detached: true`) is alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves when `child` has exited (at once if it already has). */
export async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((r) => child.once('exit', r));
}

/**
 * Stops an app started detached (its own process group): SIGTERM to the group, SIGKILL after
 * `killAfterMs`; then waits (≤ 30 s) for the whole group, since npm exits before the app has
 * finished stopping its PostgreSQL.
 */
export async function stopGroup(child: ChildProcess, killAfterMs = 15_000): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    process.kill(-child.pid!, 'SIGTERM');
    const timer = setTimeout(() => groupAlive(child.pid!) && process.kill(-child.pid!, 'SIGKILL'), killAfterMs);
    await exited(child);
    clearTimeout(timer);
  }
  for (let i = 0; i < 300 && groupAlive(child.pid!); i++) await new Promise((r) => setTimeout(r, 100));
}

/**
 * `node` arguments that run a source entry such as `src/main.ts`: its compiled JavaScript when npm test
 * runs the compiled tree (test/build.ts: this file is then .js), else the TypeScript through tsx.
 * The same program either way; the compiled one starts without tsx's ≈ 2.5 s of CPU.
 */
export function entryArgs(entry: string): string[] {
  return import.meta.url.endsWith('.js') ? ['--enable-source-maps', entry.replace(/\.ts$/, '.js')] : ['--import', 'tsx', entry];
}
