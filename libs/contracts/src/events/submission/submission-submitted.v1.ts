import { fixtureSubmissionId, submissionEvent, submissionIdSchema, submissionObject } from './submission-event-shapes';

/** A submission attempt awaits QA; it pinned the config versions ACTIVE at this moment. */
export interface SubmissionSubmittedPayloadV1 {
  submissionId: string;
  attemptNumber: number;
  documentId: string;
  atpCategory: string;
  submittedBy: string;
  pinnedConfigVersions: { approvalMatrix: string; clusterMapping: string; scopeConfig: string };
}

export const SubmissionSubmittedV1 = submissionEvent<SubmissionSubmittedPayloadV1>({
  eventType: 'submission.submitted',
  description: 'A submission attempt was submitted for QA pre-check (attemptNumber + 1 after each rejection).',
  payloadSchema: submissionObject(
    {
      submissionId: submissionIdSchema,
      attemptNumber: { type: 'integer', minimum: 1 },
      documentId: submissionIdSchema,
      atpCategory: { type: 'string', minLength: 1, maxLength: 20 },
      submittedBy: submissionIdSchema,
      pinnedConfigVersions: submissionObject(
        { approvalMatrix: submissionIdSchema, clusterMapping: submissionIdSchema, scopeConfig: submissionIdSchema },
        ['approvalMatrix', 'clusterMapping', 'scopeConfig'],
      ),
    },
    ['submissionId', 'attemptNumber', 'documentId', 'atpCategory', 'submittedBy', 'pinnedConfigVersions'],
  ),
  fixturePayload: {
    submissionId: fixtureSubmissionId,
    attemptNumber: 1,
    documentId: 'doc-0001',
    atpCategory: 'RAN_MW',
    submittedBy: 'u-doc-control',
    pinnedConfigVersions: { approvalMatrix: 'cv-matrix-1', clusterMapping: 'cv-cluster-1', scopeConfig: 'cv-scope-1' },
  },
});
