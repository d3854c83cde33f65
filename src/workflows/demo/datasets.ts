// The two demo data sets: `DEMO=1` the district huyện Sơn Hà as it was before July 2025,
// `DEMO=province` the province tỉnh Vân Sơn after it (two tiers). Both seed through seed-demo.ts and
// get their signing keys from dev-ca.ts; their accounts share one password.
import { demoUnits, demoUsers, type UnitSeed, type UserSeed } from './demo-district.js';
import { provinceUnits, provinceUsers } from './demo-province.js';

export type DemoName = 'district' | 'province';

export interface DemoDataset {
  name: DemoName;
  /** Vietnamese label, for messages ("huyện Sơn Hà"). */
  label: string;
  units(): UnitSeed[];
  users(): UserSeed[];
}

export const DEMOS: Record<DemoName, DemoDataset> = {
  district: { name: 'district', label: 'huyện Sơn Hà (trước 7/2025)', units: demoUnits, users: demoUsers },
  province: { name: 'province', label: 'tỉnh Vân Sơn (sau 7/2025)', units: provinceUnits, users: provinceUsers },
};

/**
 * Every demo account of both data sets, by username (the first one when both use a name): the
 * development CA gives keys to those that exist in the database, whichever demo was seeded.
 */
export function allDemoUsers(): UserSeed[] {
  const seen = new Set<string>();
  return [...demoUsers(), ...provinceUsers()].filter((u) => !seen.has(u.username) && !!seen.add(u.username));
}

/** Every demo unit code of both data sets (and what `demo-reorg` adds to the district). */
export function allDemoUnits(): UnitSeed[] {
  const seen = new Set<string>();
  return [...demoUnits(), ...provinceUnits()].filter((u) => !seen.has(u.code) && !!seen.add(u.code));
}
