import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { StartupError } from './startup-error.js';

// A PostgreSQL or a postmaster.pid left behind by an earlier run of the same DATA_DIR (Linux /proc).

interface ProcInfo {
  state: string;
  ppid: number;
}

/** State and parent of a process from /proc (Linux); null when it does not exist. */
async function procInfo(pid: number): Promise<ProcInfo | null> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ppid …", where comm may itself hold spaces and parentheses.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0]!, ppid: Number(rest[1]) };
  } catch {
    return null;
  }
}

/** Whether a process with this number exists (one of another user's counts). */
export function signalAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Alive and not a zombie (an exited server its new parent has not reaped yet counts as gone). */
async function running(pid: number): Promise<boolean> {
  if (!signalAlive(pid)) return false;
  const info = await procInfo(pid);
  return info === null ? existsSync('/proc') === false : info.state !== 'Z' && info.state !== 'X';
}

/** The program a process runs; 'denied' when it belongs to another user we may not look at. */
async function exeName(pid: number): Promise<string | null | 'denied'> {
  try {
    return await fs.readlink(`/proc/${pid}/exe`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'EACCES' || code === 'EPERM' ? 'denied' : null;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!(await running(pid))) return true;
    await sleep(100);
  }
  return !(await running(pid));
}

/**
 * Before starting: a `postmaster.pid` left by an earlier run. When its process is gone, or the
 * number now belongs to another program (a reboot, a container restart), the file is stale and
 * is removed. When it is a PostgreSQL running on this very cluster whose parent is no longer a
 * Node process (the app was killed with `kill -9`), it is shut down (SIGINT = fast shutdown:
 * open transactions roll back, then a checkpoint) and waited for. A server whose app still
 * runs is left alone: that DATA_DIR is in use.
 */
export async function clearLeftover(dir: string, dataDir: string, notice: (l: string) => void): Promise<void> {
  const pidFile = path.join(dir, 'postmaster.pid');
  let text: string;
  try {
    text = await fs.readFile(pidFile, 'utf8');
  } catch {
    return;
  }
  const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
  const stale = async (why: string) => {
    await fs.rm(pidFile, { force: true });
    notice(`removed a stale ${pidFile} (${why})`);
  };
  if (!Number.isSafeInteger(pid) || pid <= 0) return stale('no process number in it');
  if (!(await running(pid))) return stale(`process ${pid} is gone`);
  if (!existsSync('/proc')) {
    throw new StartupError(
      `a PostgreSQL (pid ${pid}) may still be running on ${dir}; stop it (kill -INT ${pid}) or the app that uses this DATA_DIR, then start again`,
    );
  }
  const exe = await exeName(pid);
  if (exe === 'denied') {
    throw new StartupError(
      `process ${pid} named in ${pidFile} runs as another user and may be this database's server; stop it, or remove that file if it is not, then start again`,
    );
  }
  const cwd = await fs.realpath(`/proc/${pid}/cwd`).catch(() => null);
  const ours = exe !== null && /^postgres( \(deleted\))?$/.test(path.basename(exe)) && cwd === (await fs.realpath(dir));
  if (!ours) return stale(`process ${pid} is ${exe ? path.basename(exe) : 'not a program'}, not this cluster's server`);
  const parent = (await procInfo(pid))?.ppid ?? 0;
  const parentExe = parent > 1 ? await exeName(parent) : null;
  if (parentExe !== null && parentExe !== 'denied' && /^node/.test(path.basename(parentExe))) {
    throw new StartupError(
      `this DATA_DIR (${dataDir}) is in use by a running app (pid ${parent}, its PostgreSQL is pid ${pid}); stop it first or use another DATA_DIR`,
    );
  }
  notice(`stopping the PostgreSQL (pid ${pid}) left running on ${dir} by a previous run`);
  const steps: Array<[NodeJS.Signals, number]> = [['SIGINT', 60_000], ['SIGQUIT', 15_000], ['SIGKILL', 10_000]];
  for (const [signal, wait] of steps) {
    try {
      process.kill(pid, signal);
    } catch {
      break; // gone in the meantime
    }
    if (await waitGone(pid, wait)) break;
    notice(`PostgreSQL (pid ${pid}) did not stop after ${signal}`);
  }
  if (await running(pid)) {
    throw new StartupError(`the PostgreSQL left running on ${dir} (pid ${pid}) does not stop; stop it by hand (kill -9 ${pid}) and start again`);
  }
  // A server stopped by SIGKILL leaves its postmaster.pid; it is stale now.
  if (existsSync(pidFile)) await stale(`process ${pid} was stopped`);
}
