import {
  fixtureSubmissionId,
  nullableSubmissionText,
  SUBMISSION_STATUSES,
  submissionEvent,
  submissionIdSchema,
  submissionObject,
  type SubmissionStatusV1,
} from './submission-event-shapes';

/** The submission's status moved (projection of its workflow and punchlists, or a QA decision). */
export interface SubmissionStatusChangedPayloadV1 {
  submissionId: string;
  attemptNumber: number;
  fromStatus: SubmissionStatusV1;
  toStatus: SubmissionStatusV1;
  workflowInstanceId: string | null;
  currentStageNumber: number | null;
}

export const SubmissionStatusChangedV1 = submissionEvent<SubmissionStatusChangedPayloadV1>({
  eventType: 'submission.status-changed',
  description: 'The submission status changed (for example IN_REVIEW → APPROVED_WITH_PUNCHLIST → COMPLETED).',
  payloadSchema: submissionObject(
    {
      submissionId: submissionIdSchema,
      attemptNumber: { type: 'integer', minimum: 1 },
      fromStatus: { type: 'string', enum: [...SUBMISSION_STATUSES] },
      toStatus: { type: 'string', enum: [...SUBMISSION_STATUSES] },
      workflowInstanceId: nullableSubmissionText(100),
      currentStageNumber: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }] },
    },
    ['submissionId', 'attemptNumber', 'fromStatus', 'toStatus', 'workflowInstanceId', 'currentStageNumber'],
  ),
  fixturePayload: {
    submissionId: fixtureSubmissionId,
    attemptNumber: 1,
    fromStatus: 'SUBMITTED',
    toStatus: 'IN_REVIEW',
    workflowInstanceId: 'wf-0001',
    currentStageNumber: 1,
  },
});
