import type { StageStatus } from './state-machine';

/** The part of a stage progression looks at. */
export interface StageProgressView {
  id: string;
  stageNumber: number;
  status: StageStatus;
  /** Frozen from the policy stage; absent = required. */
  isRequired?: boolean;
}

export type ProgressStep =
  /** Siblings of the same stage number are still open (parallel groups, Q9): nothing opens yet. */
  | { kind: 'WAIT_FOR_SIBLINGS'; stageNumber: number }
  /**
   * Open the next stage number: its WAITING required stages become PENDING. Non-required stages met on
   * the way (of this number and of any lower number with no required stage) are SKIPPED.
   */
  | { kind: 'ACTIVATE'; stageNumber: number; stageIds: string[]; skippedStageIds: string[] }
  /** Nothing required is left: the remaining non-required stages are SKIPPED and the workflow is COMPLETED. */
  | { kind: 'COMPLETE'; skippedStageIds: string[] };

/**
 * What follows an approval, given every stage of the workflow *after* the approved stage was written.
 * Pure so the parallel-group rule is unit-tested apart from SQL.
 */
export function nextStepAfterApproval(stages: readonly StageProgressView[]): ProgressStep {
  const pending = stages.filter((s) => s.status === 'PENDING');
  if (pending.length > 0)
    return { kind: 'WAIT_FOR_SIBLINGS', stageNumber: Math.min(...pending.map((s) => s.stageNumber)) };
  return openNext(stages.filter((s) => s.status === 'WAITING'));
}

/**
 * Which stages open next among the WAITING ones (also used at start, when every stage is WAITING).
 * Non-required stages (`is_required = false` in the frozen policy) are never actionable: when their stage
 * number would open they are SKIPPED, and a number holding only non-required stages is passed over
 * entirely. Kept deliberately simple: no conditions, no "skip unless …" rules.
 */
export function openNext(
  waiting: readonly StageProgressView[],
): Extract<ProgressStep, { kind: 'ACTIVATE' | 'COMPLETE' }> {
  const skippedStageIds: string[] = [];
  const numbers = [...new Set(waiting.map((s) => s.stageNumber))].sort((a, b) => a - b);
  for (const stageNumber of numbers) {
    const ofNumber = waiting.filter((s) => s.stageNumber === stageNumber);
    skippedStageIds.push(...ofNumber.filter((s) => s.isRequired === false).map((s) => s.id));
    const required = ofNumber.filter((s) => s.isRequired !== false);
    if (required.length > 0)
      return { kind: 'ACTIVATE', stageNumber, stageIds: required.map((s) => s.id), skippedStageIds };
  }
  return { kind: 'COMPLETE', skippedStageIds };
}

/** A rejection (or a cancellation) closes every stage still open. */
export function stagesToCancel(stages: readonly StageProgressView[]): string[] {
  return stages.filter((s) => s.status === 'WAITING' || s.status === 'PENDING').map((s) => s.id);
}

/** The stage number a new workflow opens with: its lowest. */
export function firstStageNumber(stageNumbers: readonly number[]): number {
  if (stageNumbers.length === 0) throw new Error('a workflow needs at least one stage');
  return Math.min(...stageNumbers);
}
