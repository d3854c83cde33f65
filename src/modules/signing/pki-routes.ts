// Public PKI files of this app: the development CA's CRL, which the certificates it issues name
// as their CRL distribution point (`npm run cli -- dev-ca`), so that a verifier anywhere (pdfsig,
// Adobe, this app) can check they are not revoked. No authentication: a CRL is public by nature.
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config.js';
import type { App } from '../../http/types.js';
import type { Deps } from '../../lib/deps.js';
import { createCrl, type KeyAndCertificate } from './crypto/dev-ca.js';
import { registerLocalCrl } from './crypto/revocation.js';

export const DEV_CA_CRL_PATH = '/pki/dev-ca.crl';
/** A CRL is made at most this often and announces its successor by twice that (nextUpdate). */
const CRL_REFRESH_MS = 60 * 60_000;

/** The CRL URL the dev CA writes into the certificates it issues. */
export const devCaCrlUrl = (config: Pick<Config, 'publicUrl'>): string => `${config.publicUrl}${DEV_CA_CRL_PATH}`;

/** The dev CA as the CLI keeps it (<DATA_DIR>/dev-ca/ca.pem + ca.key), or null when there is none. */
export async function readDevCa(dataDir: string): Promise<KeyAndCertificate | null> {
  const dir = path.join(dataDir, 'dev-ca');
  try {
    const [pem, privateKeyPem] = await Promise.all([fs.readFile(path.join(dir, 'ca.pem'), 'utf8'), fs.readFile(path.join(dir, 'ca.key'), 'utf8')]);
    return { certificate: new X509Certificate(pem).raw, privateKeyPem };
  } catch {
    return null;
  }
}

/**
 * The dev CA's current CRL (DER), made on demand and kept for CRL_REFRESH_MS; null without a dev
 * CA. It lists no certificate: the dev CA revokes nothing (a new key simply supersedes the old).
 */
export function devCaCrl(deps: Pick<Deps, 'config'>): () => Promise<Buffer | null> {
  let cached: { der: Buffer; until: number; caPem: Buffer } | null = null;
  return async () => {
    const ca = await readDevCa(deps.config.dataDir);
    if (!ca) return null;
    const now = Date.now();
    if (cached && cached.until > now && cached.caPem.equals(ca.certificate)) return cached.der;
    const der = createCrl(ca, {
      thisUpdate: new Date(now - 60_000), nextUpdate: new Date(now + 2 * CRL_REFRESH_MS), crlNumber: Math.floor(now / 1000),
    });
    cached = { der, until: now + CRL_REFRESH_MS, caPem: ca.certificate };
    return der;
  };
}

export async function pkiRoutes(app: App, deps: Deps): Promise<void> {
  const crl = devCaCrl(deps);
  app.get(DEV_CA_CRL_PATH, { schema: { hide: true } }, async (_req, reply) => {
    const der = await crl();
    if (!der) return reply.code(404).type('text/plain; charset=utf-8').send('no development CA');
    return reply.type('application/pkix-crl').header('cache-control', 'public, max-age=3600').send(der);
  });
  // This app's own CRL is read from here, not fetched over HTTP from itself (crypto/revocation.ts).
  const unregister = registerLocalCrl(devCaCrlUrl(deps.config), crl);
  app.addHook('onClose', async () => unregister());
}
