// A unit's administrative level (cấp tỉnh / huyện / xã), when it is not given: from its parent and
// its name. The same rules backfilled the units that existed before levels (migration 0025):
//  - below a commune unit → commune;
//  - a name naming a commune ("xã", "phường", "thị trấn"; not "thị xã", not "xã hội") → commune;
//  - a root naming a province ("tỉnh") → province; below a province unit, a name not naming a
//    district ("huyện", "quận", "thị xã", "thành phố") → province (a Sở);
//  - anything else → district.
// An admin sets the level explicitly when these guess wrong (POST/PATCH /api/units `level`).
import type { UnitLevel } from './tables.js';

const COMMUNE_NAME = /(^|[^ị]\s)(xã|phường|thị trấn)(\s|$)(?!hội)/;
const PROVINCE_NAME = /(^|\s)tỉnh(\s|$)/;
const DISTRICT_NAME = /(^|\s)(huyện|quận|thị xã|thành phố)(\s|$)/;

/** The level of a new unit named `name` under a parent of level `parentLevel` (null: a root). */
export function inferLevel(name: string, parentLevel: UnitLevel | null): UnitLevel {
  const n = name.normalize('NFC').toLowerCase();
  if (parentLevel === 'commune' || COMMUNE_NAME.test(n)) return 'commune';
  if (parentLevel === null) return PROVINCE_NAME.test(n) ? 'province' : 'district';
  if (parentLevel === 'province' && !DISTRICT_NAME.test(n)) return 'province';
  return 'district';
}
