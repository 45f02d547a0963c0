/**
 * SLA arithmetic (domain §4.5, architecture §6 Q10): calendar hours from stage activation. The clock
 * is an argument so that callers and tests decide what "now" is.
 */
const HOUR_MS = 3_600_000;

/** Less than this much time left → AT_RISK (the UI's "urgent"). */
export const AT_RISK_WINDOW_HOURS = 6;

export type SlaState = 'ON_TRACK' | 'AT_RISK' | 'OVERDUE';

export interface SlaStatus {
  state: SlaState;
  /** Whole hours left, floored, never negative. */
  hoursRemaining: number;
}

export function slaDueAt(activatedAt: Date, slaHours: number): Date {
  return new Date(activatedAt.getTime() + slaHours * HOUR_MS);
}

export function slaState(dueAt: Date, now: Date): SlaStatus {
  const remainingMs = dueAt.getTime() - now.getTime();
  const hoursRemaining = Math.max(0, Math.floor(remainingMs / HOUR_MS));
  // Due exactly now is not yet a breach (domain: overdue = due < now).
  if (remainingMs < 0) return { state: 'OVERDUE', hoursRemaining };
  if (remainingMs < AT_RISK_WINDOW_HOURS * HOUR_MS) return { state: 'AT_RISK', hoursRemaining };
  return { state: 'ON_TRACK', hoursRemaining };
}
