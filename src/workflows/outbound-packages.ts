import type { Readable } from 'node:stream';
import type { Deps } from '../lib/deps.js';
import { findDelivery } from '../modules/dispatch/lookup.js';
import type { OutboundRow } from '../modules/dispatch/outbound.js';
import { loadDocument } from '../modules/documents/access.js';
import { writeStatusPackage, type StatusCode } from '../modules/exchange/edxml/index.js';
import { documentIdOf, statusHeader } from '../modules/exchange/mapping.js';
import { getUnit } from '../modules/orgs/units.js';
import { getUser } from '../modules/orgs/users.js';
import { loadSealKey } from '../modules/signing/seal.js';
import { buildPackage } from './export-package.js';

/**
 * The edXML package a queued outbound row stands for, built when it is sent: a document package
 * (new, revoke, replace) to the row's remote recipients, or a status package answering the
 * sender of a document we received, signed with the answering unit's seal when it has one.
 */
export async function packageForOutbound(deps: Deps, row: OutboundRow): Promise<Readable | Buffer> {
  if (row.kind === 'edoc') {
    return (await buildPackage(deps, row.documentId, {
      businessDocType: row.businessDocType as 0 | 1 | 2 | 3, reason: (row.data.reason as string | undefined) ?? null, toOrganIds: row.toOrganIds,
    })).stream;
  }
  const doc = await loadDocument(deps.db, row.documentId);
  const delivery = await findDelivery(deps.db, row.deliveryId!);
  const sender = (await getUnit(deps.db, doc.issuerUnitId))!;
  // Our document (a recall request, 13, from its issuer) or one we received (an answer from its recipient).
  const ours = doc.externalId === null;
  // A delivery redirected to the successor of the unit it was addressed to (a reorganisation) answers
  // in the name of that unit when it was ours, so the sender's tracking finds its recipient; the
  // description says where it went. The successor's seal signs.
  const addressed = !ours && delivery!.redirectedFromUnitId ? await getUnit(deps.db, delivery!.redirectedFromUnitId) : undefined;
  // Only a unit of ours: the axis takes a package only From a unit the sending system serves.
  const answering = ours ? sender : addressed && addressed.systemId === null ? addressed : (await getUnit(deps.db, delivery!.recipientUnitId))!;
  const sealUnitId = ours ? sender.id : delivery!.recipientUnitId;
  const staffId = row.data.staffUserId as string | null | undefined;
  const staff = staffId ? await getUser(deps.db, staffId) : undefined;
  const seal = await loadSealKey(deps, deps.db, { userId: staffId ?? doc.createdBy, unitId: sealUnitId }, deps.clock()).catch(() => null);
  const header = statusHeader({
    documentId: ours ? documentIdOf(doc, sender) : doc.externalId!, sender, answering, statusCode: row.statusCode as StatusCode,
    description: String(row.data.description ?? ''), at: typeof row.data.timestamp === 'string' ? new Date(row.data.timestamp) : row.createdAt, staff: staff ? { fullName: staff.fullName } : null,
  });
  return writeStatusPackage(header, seal ? { seal: { privateKey: seal.key.privateKey, certificate: seal.key.certificate, chain: seal.key.chain } } : {});
}
