import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * A secret from configuration, or one generated on first use and kept (mode 600) in the data
 * directory, so a single machine needs no setup and restarts keep it. Several replicas must be
 * given the configured value instead.
 */
export async function configuredOrStoredSecret(configured: string | null, dataDir: string, file: string): Promise<string> {
  if (configured) return configured;
  const p = path.join(dataDir, file);
  if (!existsSync(p)) {
    await fs.mkdir(dataDir, { recursive: true });
    await fs.writeFile(p, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' }).catch((e) => {
      if (e.code !== 'EEXIST') throw e;
    });
  }
  return (await fs.readFile(p, 'utf8')).trim();
}
