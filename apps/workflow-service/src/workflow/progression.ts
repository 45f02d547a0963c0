import type { StageStatus } from './state-machine';

/** The part of a stage progression looks at. */
export interface StageProgressView {
  id: string;
  stageNumber: number;
  status: StageStatus;
}

export type ProgressStep =
  /** Siblings of the same stage number are still open (parallel groups, Q9): nothing opens yet. */
  | { kind: 'WAIT_FOR_SIBLINGS'; stageNumber: number }
  /** Open the next stage number: every WAITING stage carrying it becomes PENDING. */
  | { kind: 'ACTIVATE'; stageNumber: number; stageIds: string[] }
  /** Nothing open is left: the workflow is COMPLETED. */
  | { kind: 'COMPLETE' };

/**
 * What follows an approval, given every stage of the workflow *after* the approved stage was written.
 * Pure so the parallel-group rule is unit-tested apart from SQL.
 */
export function nextStepAfterApproval(stages: readonly StageProgressView[]): ProgressStep {
  const pending = stages.filter((s) => s.status === 'PENDING');
  if (pending.length > 0) return { kind: 'WAIT_FOR_SIBLINGS', stageNumber: Math.min(...pending.map((s) => s.stageNumber)) };
  const waiting = stages.filter((s) => s.status === 'WAITING');
  if (waiting.length === 0) return { kind: 'COMPLETE' };
  const stageNumber = Math.min(...waiting.map((s) => s.stageNumber));
  return { kind: 'ACTIVATE', stageNumber, stageIds: waiting.filter((s) => s.stageNumber === stageNumber).map((s) => s.id) };
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
