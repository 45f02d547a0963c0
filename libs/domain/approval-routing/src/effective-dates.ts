import type { IsoDate } from './model';

/**
 * One validity rule for every dated row (policies, cluster approvers, overrides): the half-open range
 * `from ≤ asOf < to`, null bounds open. Domain §3.2 states it for `effective_from/effective_to`; using the
 * same rule for `expiry_date` means "expires on D" = no longer valid on D, and avoids two conventions.
 * ISO `YYYY-MM-DD` strings compare correctly as strings, so no Date parsing is needed.
 */
export function isEffectiveOn(
  asOf: IsoDate,
  from: IsoDate | null | undefined,
  to: IsoDate | null | undefined,
): boolean {
  const day = asOf.slice(0, 10);
  if (from && from.slice(0, 10) > day) return false;
  if (to && to.slice(0, 10) <= day) return false;
  return true;
}

/**
 * A real calendar day `YYYY-MM-DD` (years 1000–9999). `Date.parse` is not enough: V8 accepts 2026-02-30 and
 * rolls it over to March 2, and PostgreSQL then refuses the value (a 500 where the user needs a finding).
 */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1000 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
