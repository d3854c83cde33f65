import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Deps } from '../../lib/deps.js';
import { units } from './tables.js';
import { createUnit } from './units.js';
import { createUser, findUserByUsername } from './users.js';

export const SYSTEM_UNIT_CODE = 'SYSTEM';

/**
 * First start: the built-in `admin` account in an internal unit that is never a recipient.
 * Its password is ADMIN_PASSWORD, or a random one returned so the caller prints it once.
 */
export async function ensureAdmin(deps: Pick<Deps, 'db' | 'config' | 'clock'>): Promise<{ created: boolean; password: string | null }> {
  if (await findUserByUsername(deps.db, 'admin')) return { created: false, password: null };
  const at = deps.clock();
  let [unit] = await deps.db.select().from(units).where(eq(units.code, SYSTEM_UNIT_CODE));
  if (!unit) {
    unit = await createUnit(deps.db, null, { code: SYSTEM_UNIT_CODE, name: 'Quản trị hệ thống', shortName: 'QTHT', kind: 'other' }, at);
    await deps.db.update(units).set({ internal: true }).where(eq(units.id, unit.id));
  }
  const password = deps.config.adminPassword ?? randomBytes(12).toString('base64url');
  try {
    await createUser(deps.db, null, { username: 'admin', password, fullName: 'Quản trị viên', unitId: unit.id, roles: ['admin'], title: 'Quản trị hệ thống' }, at);
  } catch (err) {
    // Another replica created it at the same moment.
    if (await findUserByUsername(deps.db, 'admin')) return { created: false, password: null };
    throw err;
  }
  return { created: true, password: deps.config.adminPassword ? null : password };
}
