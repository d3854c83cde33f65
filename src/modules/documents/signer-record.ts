import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { conflict } from '../../lib/errors.js';
import { type Competence, documents } from './tables.js';

/**
 * Inside the signing transaction: the signer of record — the person whose signature the main file
 * now carries (a deputy signing under a delegation is the deputy), when, and the competence line
 * used — and the draft's trình ký moves to `signed`, nobody's turn until the clerk issues it. It is
 * what the registers ("Người ký") and edXML SignerInfo read. A draft already signed is a 409.
 */
export async function recordSigner(tx: Tx, p: { documentId: string; userId: string; at: Date; competence: Competence | null }): Promise<void> {
  const [row] = await tx.select({ signedBy: documents.signedBy }).from(documents).where(eq(documents.id, p.documentId)).for('update');
  if (row?.signedBy) throw conflict('Văn bản đã được lãnh đạo ký', 'The document has already been signed by a leader');
  await tx
    .update(documents)
    .set({ signedBy: p.userId, signedAt: p.at, signerCompetence: p.competence, flowState: 'signed', awaitingUserId: null, updatedAt: p.at })
    .where(eq(documents.id, p.documentId));
}
