import { fixtureSubmissionId, submissionEvent, submissionIdSchema, submissionObject } from './submission-event-shapes';

/** QA refused a submission attempt before any workflow (REJECTED_PRE_QA): back to the document controller. */
export interface SubmissionQaRejectedPayloadV1 {
  submissionId: string;
  attemptNumber: number;
  rejectedBy: string;
  comment: string;
}

export const SubmissionQaRejectedV1 = submissionEvent<SubmissionQaRejectedPayloadV1>({
  eventType: 'submission.qa-rejected',
  description: 'QA rejected a submission attempt (REJECTED_PRE_QA); a resubmission starts the next attempt.',
  payloadSchema: submissionObject(
    {
      submissionId: submissionIdSchema,
      attemptNumber: { type: 'integer', minimum: 1 },
      rejectedBy: submissionIdSchema,
      comment: { type: 'string', minLength: 1, maxLength: 4000 },
    },
    ['submissionId', 'attemptNumber', 'rejectedBy', 'comment'],
  ),
  fixturePayload: {
    submissionId: fixtureSubmissionId,
    attemptNumber: 1,
    rejectedBy: 'u-qa',
    comment: 'Cover page unsigned',
  },
});
