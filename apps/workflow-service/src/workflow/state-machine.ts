import { ConflictError } from '@atp/platform-http';

/**
 * Runtime statuses (architecture §6 Q3) as transition tables: a status change not listed here is a
 * programming or concurrency error and answers 409, never a silent overwrite.
 */
export const WORKFLOW_STATUSES = ['IN_PROGRESS', 'ON_HOLD', 'COMPLETED', 'REJECTED', 'CANCELLED'] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

export const STAGE_STATUSES = ['WAITING', 'PENDING', 'APPROVED', 'REJECTED', 'SKIPPED', 'CANCELLED'] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];

export const workflowTransitions: Readonly<Record<WorkflowStatus, readonly WorkflowStatus[]>> = {
  IN_PROGRESS: ['ON_HOLD', 'COMPLETED', 'REJECTED', 'CANCELLED'],
  ON_HOLD: ['IN_PROGRESS', 'CANCELLED'],
  COMPLETED: [],
  REJECTED: [],
  CANCELLED: [],
};

export const stageTransitions: Readonly<Record<StageStatus, readonly StageStatus[]>> = {
  WAITING: ['PENDING', 'SKIPPED', 'CANCELLED'],
  PENDING: ['APPROVED', 'REJECTED', 'SKIPPED', 'CANCELLED'],
  APPROVED: [],
  REJECTED: [],
  SKIPPED: [],
  CANCELLED: [],
};

/** Stages that are still open: they can become actionable or are. */
export const OPEN_STAGE_STATUSES: readonly StageStatus[] = ['WAITING', 'PENDING'];

export function canTransitionWorkflow(from: WorkflowStatus, to: WorkflowStatus): boolean {
  return workflowTransitions[from].includes(to);
}

export function canTransitionStage(from: StageStatus, to: StageStatus): boolean {
  return stageTransitions[from].includes(to);
}

export function assertWorkflowTransition(from: WorkflowStatus, to: WorkflowStatus): void {
  if (!canTransitionWorkflow(from, to)) {
    throw new ConflictError('ILLEGAL_WORKFLOW_TRANSITION', `A workflow cannot go from ${from} to ${to}`, {
      fromStatus: from,
      toStatus: to,
    });
  }
}

export function assertStageTransition(from: StageStatus, to: StageStatus): void {
  if (!canTransitionStage(from, to)) {
    throw new ConflictError('ILLEGAL_STAGE_TRANSITION', `A stage cannot go from ${from} to ${to}`, {
      fromStatus: from,
      toStatus: to,
    });
  }
}

export function isTerminalWorkflow(status: WorkflowStatus): boolean {
  return workflowTransitions[status].length === 0;
}
