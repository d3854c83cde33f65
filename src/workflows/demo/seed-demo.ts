import type { Deps } from '../../lib/deps.js';
import { createUnit, findUnitsByCodes } from '../../modules/orgs/units.js';
import { createUser, findUsersByUsernames, hashPassword } from '../../modules/orgs/users.js';
import { DEMO_PASSWORD, demoUnits, demoUsers } from './demo-district.js';

/**
 * Seeds the demo district (≈130 units and demo accounts); safe to run again, it adds only what is
 * missing. What exists is read in two queries and the password is hashed only when an account is
 * missing, so the check on every start costs milliseconds.
 */
export async function seedDemo(deps: Pick<Deps, 'db' | 'clock'>): Promise<{ units: number; users: number }> {
  const at = deps.clock();
  const wantedUnits = demoUnits();
  const idByCode = new Map((await findUnitsByCodes(deps.db, wantedUnits.map((u) => u.code))).map((u) => [u.code, u.id]));
  let newUnits = 0;
  for (const u of wantedUnits) {
    if (idByCode.has(u.code)) continue;
    const parentId = u.parentCode ? idByCode.get(u.parentCode) ?? null : null;
    const unit = await createUnit(deps.db, null, { code: u.code, name: u.name, shortName: u.shortName, kind: u.kind, ...(u.level ? { level: u.level } : {}), parentId }, at);
    idByCode.set(u.code, unit.id);
    newUnits++;
  }
  const wantedUsers = demoUsers();
  const existing = new Set((await findUsersByUsernames(deps.db, wantedUsers.map((u) => u.username))).map((u) => u.username));
  const missing = wantedUsers.filter((u) => !existing.has(u.username.toLowerCase()));
  if (missing.length === 0) return { units: newUnits, users: 0 };
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const u of missing) {
    await createUser(
      deps.db,
      null,
      { username: u.username, password: DEMO_PASSWORD, passwordHash, fullName: u.fullName, unitId: idByCode.get(u.unitCode)!, roles: u.roles, title: u.title, position: u.position ?? null },
      at,
    );
  }
  return { units: newUnits, users: missing.length };
}
