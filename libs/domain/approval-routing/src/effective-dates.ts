import type { IsoDate } from './model';

/**
 * One validity rule for every dated row (policies, cluster approvers, overrides): the half-open range
 * `from ≤ asOf < to`, null bounds open. Domain §3.2 states it for `effective_from/effective_to`; using the
 * same rule for `expiry_date` means "expires on D" = no longer valid on D, and avoids two conventions.
 * ISO `YYYY-MM-DD` strings compare correctly as strings, so no Date parsing is needed.
 */
export function isEffectiveOn(asOf: IsoDate, from: IsoDate | null | undefined, to: IsoDate | null | undefined): boolean {
  const day = asOf.slice(0, 10);
  if (from && from.slice(0, 10) > day) return false;
  if (to && to.slice(0, 10) <= day) return false;
  return true;
}
