import type { documentFiles, documents } from './tables.js';

export type DocumentRow = typeof documents.$inferSelect;
export type FileRow = typeof documentFiles.$inferSelect;

export function presentDocument(d: DocumentRow) {
  return {
    id: d.id,
    issuerUnitId: d.issuerUnitId,
    type: d.type,
    subject: d.subject,
    urgency: d.urgency,
    secrecy: d.secrecy,
    dueDate: d.dueDate,
    signerId: d.signerId,
    draftingUnitId: d.draftingUnitId,
    respondsTo: d.respondsTo,
    replaces: d.replaces,
    recipients: d.recipients,
    status: d.status,
    number: d.number,
    notation: d.notation,
    issuedAt: d.issuedAt?.toISOString() ?? null,
    recalledAt: d.recalledAt?.toISOString() ?? null,
    recallReason: d.recallReason,
    /**
     * A paper document (văn bản giấy, registered from a scan): its sender is on no system and the
     * name the clerk registered (`sender_name`) is the issuer shown; `signedOn` is the date printed.
     */
    paper: d.senderName !== null,
    senderName: d.senderName,
    signedOn: d.signedOn,
    ...(d.senderName !== null ? { issuer: { id: d.issuerUnitId, name: d.senderName } } : {}),
    createdAt: d.createdAt.toISOString(),
    /** Trình ký: who wrote the draft, where it stands, whose turn it is, the signer of record. */
    authorId: d.createdBy,
    flowState: d.flowState,
    awaitingUserId: d.awaitingUserId,
    paperRecipients: d.paperRecipients,
    signedBy: d.signedBy,
    signedAt: d.signedAt?.toISOString() ?? null,
    signerCompetence: d.signerCompetence,
    updatedAt: d.updatedAt.toISOString(),
  };
}

export function presentFile(f: FileRow) {
  return { id: f.id, name: f.name, size: f.size, sha256: f.sha256, role: f.role, contentType: f.contentType };
}
