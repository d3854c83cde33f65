import type { Deps } from '../../lib/deps.js';
import { createUnit, findUnitsByCodes } from '../../modules/orgs/units.js';
import { createUser, findUsersByUsernames, hashPassword } from '../../modules/orgs/users.js';
import { DEMO_PASSWORD } from './demo-district.js';
import { DEMOS, type DemoDataset } from './datasets.js';

/**
 * Seeds a demo data set (the district: ≈130 units, the province: ≈215; and their demo accounts);
 * safe to run again, it adds only what is missing. What exists is read in two queries and the
 * password is hashed only when an account is missing, so the check on every start costs milliseconds.
 */
export async function seedDemo(deps: Pick<Deps, 'db' | 'clock'>, demo: DemoDataset = DEMOS.district): Promise<{ units: number; users: number }> {
  const at = deps.clock();
  const wantedUnits = demo.units();
  const wantedUsers = demo.users();
  const known = new Map((await findUnitsByCodes(deps.db, wantedUnits.map((u) => u.code))).map((u) => [u.code, u.id]));
  const existing = new Set((await findUsersByUsernames(deps.db, wantedUsers.map((u) => u.username))).map((u) => u.username));
  const missingUnits = wantedUnits.filter((u) => !known.has(u.code));
  const missing = wantedUsers.filter((u) => !existing.has(u.username.toLowerCase()));
  if (missingUnits.length === 0 && missing.length === 0) return { units: 0, users: 0 };
  const passwordHash = missing.length ? await hashPassword(DEMO_PASSWORD) : '';
  // One transaction (one commit, not one per unit): a first start seeds 200 units in a few seconds.
  await deps.db.transaction(async (tx) => {
    const idByCode = new Map(known);
    for (const u of missingUnits) {
      const parentId = u.parentCode ? idByCode.get(u.parentCode) ?? null : null;
      const unit = await createUnit(tx, null, { code: u.code, name: u.name, shortName: u.shortName, kind: u.kind, ...(u.level ? { level: u.level } : {}), parentId }, at);
      idByCode.set(u.code, unit.id);
    }
    for (const u of missing) {
      await createUser(
        tx,
        null,
        { username: u.username, password: DEMO_PASSWORD, passwordHash, fullName: u.fullName, unitId: idByCode.get(u.unitCode)!, roles: u.roles, title: u.title, position: u.position ?? null },
        at,
      );
    }
  });
  return { units: missingUnits.length, users: missing.length };
}

/** The demo's accounts and their password, on the console (printed once, when they are created). */
export function demoAccountsText(demo: DemoDataset): string {
  const names = new Map(demo.units().map((u) => [u.code, u.name]));
  const lines = demo.users().map((u) => `    ${u.username.padEnd(22)} ${u.roles.join(', ').padEnd(14)} ${u.title} — ${names.get(u.unitCode)}`);
  return `\n  Dữ liệu mẫu ${demo.label} — tài khoản mẫu / demo accounts (mật khẩu / password: ${DEMO_PASSWORD}):\n${lines.join('\n')}\n\n`;
}

export function printDemoAccounts(demo: DemoDataset): void {
  process.stdout.write(demoAccountsText(demo));
}
