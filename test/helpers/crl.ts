// A CRL distribution point for the test CAs, on 127.0.0.1:<random port>, shared by a test file.
// Certificates that name a CRL can be checked for revocation, as real ones can; a certificate that
// names none is "revocation unknown" (indeterminate), so test keys name this one.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { createCrl, issueCertificate, type KeyAndCertificate } from '../../src/modules/signing/crypto/dev-ca.js';

const crls = new Map<string, Buffer>();
const server = http.createServer((req, res) => {
  const crl = crls.get(req.url ?? '');
  if (!crl) return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(crl);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
// The process may end while it listens: test runners exit when their tests are done.
server.unref();
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/**
 * Publishes an (empty, or listing `revoked`) CRL signed by `ca`, valid for a day, and returns its
 * URL; publishing again for the same URL replaces it.
 */
export function publishCrl(ca: KeyAndCertificate, opts: { url?: string; revoked?: Array<{ serialNumber: string; revokedAt: Date }> } = {}): string {
  const url = opts.url ?? `${base}/${randomUUID()}.crl`;
  const now = Date.now();
  crls.set(new URL(url).pathname, createCrl(ca, { thisUpdate: new Date(now - 60_000), nextUpdate: new Date(now + 24 * 3600_000), crlNumber: Math.floor(now / 1000), revoked: opts.revoked }));
  return url;
}

/** A CA whose certificates name its CRL: `issue` is issueCertificate with the CRL filled in. */
export function withCrl(ca: KeyAndCertificate) {
  const crlUrl = publishCrl(ca);
  return {
    crlUrl,
    issue: (opts: Parameters<typeof issueCertificate>[1]) => issueCertificate(ca, { crlUrl, ...opts }),
  };
}
