import type { Readable } from 'node:stream';
import type { Deps } from '../lib/deps.js';
import { readPackageHeader, writeStatusPackage } from '../modules/exchange/edxml/index.js';
import { statusHeader } from '../modules/exchange/mapping.js';
import { findUnitByCode, isExternal } from '../modules/orgs/units.js';
import { loadSealKey } from '../modules/signing/seal.js';

/**
 * A document package we refused (its header signature does not verify, it carries no PDF …) is
 * answered with a status 02 and the reason, from the first unit of ours it was addressed to, so its
 * sender learns why instead of seeing it merely delivered. Reads the header again (signature
 * reported, not enforced). Returns the status package, or null when it names no unit of ours.
 */
export async function refusalFor(deps: Deps, pkg: Readable, reason: { vi: string }): Promise<Buffer | null> {
  const info = await readPackageHeader(pkg, { maxBytes: deps.config.maxPackageBytes, badSignature: 'report' });
  if (info.kind !== 'document') return null;
  let ours = null;
  for (const to of info.to) {
    const u = await findUnitByCode(deps.db, to.organId);
    if (u && !isExternal(u) && !u.internal) {
      ours = u;
      break;
    }
  }
  if (!ours) return null;
  const seal = await loadSealKey(deps, deps.db, { userId: '', unitId: ours.id }, deps.clock()).catch(() => null);
  const header = statusHeader({
    documentId: info.documentId, sender: { code: info.from.organId, name: info.from.organName ?? info.from.organId }, answering: ours,
    statusCode: '02', description: `Từ chối: ${reason.vi}`.slice(0, 1000), at: deps.clock(),
  });
  return writeStatusPackage(header, seal ? { seal: { privateKey: seal.key.privateKey, certificate: seal.key.certificate, chain: seal.key.chain } } : {});
}
