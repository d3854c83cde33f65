import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { units } from './tables.js';
import type { Unit } from './units.js';

/**
 * The code of the one unit standing for "senders outside any system": the issuer of every paper
 * document registered as incoming (the sender's own name is on the document, `sender_name`). It is
 * not a valid OrganId (ORGAN_ID allows letters, digits and dots only), so no admin, CSV import or
 * axis directory can create or take it over, and no edXML package can name it.
 */
export const PAPER_SENDERS_CODE = 'PAPER_SENDERS';

/**
 * The paper senders' unit, created on first use. It is `internal` (like the administrators'
 * unit): never a recipient, never listed in GET /api/units nor among the units a leader assigns
 * to; it has no users. It is not an external unit (`system_id` stays null): nothing is sent back
 * to a paper sender, so its deliveries queue no edXML status packages.
 */
export async function ensurePaperSendersUnit(tx: DbOrTx): Promise<Unit> {
  const [known] = await tx.select().from(units).where(eq(units.code, PAPER_SENDERS_CODE));
  if (known) return known;
  const [row] = await tx.insert(units).values({
    code: PAPER_SENDERS_CODE, name: 'Nơi gửi văn bản giấy (ngoài hệ thống)', shortName: 'Văn bản giấy', kind: 'other', internal: true,
  }).onConflictDoNothing().returning();
  return row ?? (await tx.select().from(units).where(eq(units.code, PAPER_SENDERS_CODE)))[0]!;
}
