import { DomainError } from '@atp/platform-http';

/** Submission statuses (architecture §6 Q3); the same vocabulary describes each attempt. */
export const SUBMISSION_STATUSES = [
  'DRAFT',
  'SUBMITTED',
  'REJECTED_PRE_QA',
  'IN_REVIEW',
  'APPROVED_WITH_PUNCHLIST',
  'COMPLETED',
  'REJECTED',
  'INVALID_REFERENCE',
] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

/** Every allowed move; anything else is a 409 naming the current status. */
export const TRANSITIONS: Readonly<Record<SubmissionStatus, readonly SubmissionStatus[]>> = {
  // INVALID_REFERENCE is the compensation of a refused reference (architecture §5.3): from any open status.
  DRAFT: ['SUBMITTED', 'INVALID_REFERENCE'],
  SUBMITTED: ['REJECTED_PRE_QA', 'IN_REVIEW', 'INVALID_REFERENCE'],
  REJECTED_PRE_QA: ['SUBMITTED', 'INVALID_REFERENCE'],
  IN_REVIEW: ['APPROVED_WITH_PUNCHLIST', 'COMPLETED', 'REJECTED', 'INVALID_REFERENCE'],
  APPROVED_WITH_PUNCHLIST: ['COMPLETED', 'REJECTED', 'INVALID_REFERENCE'],
  COMPLETED: [],
  REJECTED: ['SUBMITTED', 'INVALID_REFERENCE'],
  INVALID_REFERENCE: ['SUBMITTED'],
};

/** Statuses a document controller may still change (documents, category) and submit from. */
export const EDITABLE_STATUSES: readonly SubmissionStatus[] = [
  'DRAFT',
  'REJECTED_PRE_QA',
  'REJECTED',
  'INVALID_REFERENCE',
];

/** A submit from one of these starts the next attempt (attemptNumber + 1). */
export const RESUBMIT_STATUSES: readonly SubmissionStatus[] = ['REJECTED_PRE_QA', 'REJECTED', 'INVALID_REFERENCE'];

export function canTransition(from: SubmissionStatus, to: SubmissionStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: SubmissionStatus, to: SubmissionStatus): void {
  if (!canTransition(from, to)) {
    throw new DomainError(409, 'ILLEGAL_TRANSITION', `a ${from} submission cannot become ${to}`, {
      currentStatus: from,
      requestedStatus: to,
    });
  }
}

export function assertEditable(status: SubmissionStatus, action: string): void {
  if (status === 'COMPLETED') {
    throw new DomainError(409, 'SUBMISSION_COMPLETED', `a COMPLETED submission takes no ${action}`, {
      currentStatus: status,
    });
  }
  if (!EDITABLE_STATUSES.includes(status)) {
    throw new DomainError(
      409,
      'SUBMISSION_IN_PROGRESS',
      `a ${status} submission takes no ${action} until it is decided`,
      {
        currentStatus: status,
      },
    );
  }
}
