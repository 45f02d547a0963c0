import type { SubmissionStatus } from '../submissions/submission-status';

/** Where a workflow stands, as far as its submission attempt is concerned. */
export type WorkflowOutcome = 'RUNNING' | 'COMPLETED' | 'REJECTED';

/**
 * The attempt's status from its workflow and its punchlist gate (architecture §3.7): a completed
 * workflow is COMPLETED only when no stage decided APPROVE_WITH_PUNCHLIST still has an uncleared
 * punchlist; a clean final approval goes straight to COMPLETED.
 */
export function attemptStatus(outcome: WorkflowOutcome, openPunchlistStages: number): SubmissionStatus {
  switch (outcome) {
    case 'RUNNING':
      return 'IN_REVIEW';
    case 'REJECTED':
      return 'REJECTED';
    case 'COMPLETED':
      return openPunchlistStages > 0 ? 'APPROVED_WITH_PUNCHLIST' : 'COMPLETED';
  }
}

export function outcomeOf(status: SubmissionStatus, workflowCompleted: boolean): WorkflowOutcome {
  if (status === 'REJECTED') return 'REJECTED';
  return workflowCompleted ? 'COMPLETED' : 'RUNNING';
}

/**
 * Whether a workflow event is newer than what the attempt has applied (aggregateVersion per workflow):
 * an older or repeated event changes nothing.
 */
export function isNewer(appliedVersion: number, eventVersion: number): boolean {
  return eventVersion > appliedVersion;
}
