/** What an idle OPEN punchlist is due (domain §4.6: a reminder after N days, STALLED after M > N days). */
export type StallStep = 'REMIND' | 'STALL' | null;

export interface IdleState {
  lastProgressAt: Date;
  remindedAt: Date | null;
  stalledAt: Date | null;
}

export const DAY_MS = 86_400_000;

export function idleDays(lastProgressAt: Date, now: Date): number {
  return Math.floor((now.getTime() - lastProgressAt.getTime()) / DAY_MS);
}

/** At most one step per idle period each; progress resets both (the repository clears the stamps). */
export function stallStep(state: IdleState, now: Date, reminderAfterDays: number, stalledAfterDays: number): StallStep {
  const idle = now.getTime() - state.lastProgressAt.getTime();
  if (!state.stalledAt && idle >= stalledAfterDays * DAY_MS) return 'STALL';
  if (!state.remindedAt && !state.stalledAt && idle >= reminderAfterDays * DAY_MS) return 'REMIND';
  return null;
}
