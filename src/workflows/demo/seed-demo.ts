import type { Deps } from '../../lib/deps.js';
import { createUnit, findUnitByCode } from '../../modules/orgs/units.js';
import { createUser, findUserByUsername, hashPassword } from '../../modules/orgs/users.js';
import { DEMO_PASSWORD, demoUnits, demoUsers } from './demo-district.js';

/** Seeds the demo district (≈130 units and demo accounts); safe to run again, it adds only what is missing. */
export async function seedDemo(deps: Pick<Deps, 'db' | 'clock'>): Promise<{ units: number; users: number }> {
  const at = deps.clock();
  const idByCode = new Map<string, string>();
  let newUnits = 0;
  for (const u of demoUnits()) {
    const existing = await findUnitByCode(deps.db, u.code);
    if (existing) {
      idByCode.set(u.code, existing.id);
      continue;
    }
    const parentId = u.parentCode ? idByCode.get(u.parentCode) ?? null : null;
    const unit = await createUnit(deps.db, null, { code: u.code, name: u.name, shortName: u.shortName, kind: u.kind, parentId }, at);
    idByCode.set(u.code, unit.id);
    newUnits++;
  }
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  let newUsers = 0;
  for (const u of demoUsers()) {
    if (await findUserByUsername(deps.db, u.username)) continue;
    await createUser(
      deps.db,
      null,
      { username: u.username, password: DEMO_PASSWORD, passwordHash, fullName: u.fullName, unitId: idByCode.get(u.unitCode)!, roles: u.roles, title: u.title, position: u.position ?? null },
      at,
    );
    newUsers++;
  }
  return { units: newUnits, users: newUsers };
}
