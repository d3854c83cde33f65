import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// s3rver is CommonJS without type declarations; `import S3rver from 's3rver'` runs under tsx
// but fails type checking, so load it through require with the little API used here.
type S3rverServer = { run(): Promise<AddressInfo>; close(): Promise<void> };
const S3rver = createRequire(import.meta.url)('s3rver') as new (opts: {
  address: string; port: number; silent: boolean; directory: string;
}) => S3rverServer;

/** A real S3 protocol server on 127.0.0.1 (s3rver), its data in a temp directory. */
export async function startS3rver(): Promise<{ port: number; accessKey: string; secretKey: string; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 's3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
  const { port } = await server.run();
  return {
    port,
    accessKey: 'S3RVER',
    secretKey: 'S3RVER',
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
