/** Vietnam has used UTC+7 without daylight saving since 1975; clerical years and days follow it. */
export const VN_OFFSET_MS = 7 * 3600 * 1000;

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** The calendar year in Vietnam at `at` (a document issued at 23:30 on 31/12 belongs to that year). */
export function vnYear(at: Date): number {
  return new Date(at.getTime() + VN_OFFSET_MS).getUTCFullYear();
}

/** yyyy-MM-dd in Vietnam time. */
export function vnDate(at: Date): string {
  return new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}
