import { defineEvent } from '../../event-definition';
import { Topics } from '../../topics';

/**
 * QA accepted a submission (attempt): the trigger for workflow-service to start the approval
 * workflow. Carries everything routing needs, including the config versions the submission pinned
 * when it was created, so the workflow is resolved against exactly that configuration.
 */
export interface SubmissionQaApprovedPayloadV1 {
  submissionId: string;
  /** 1 for the first workflow of a submission, +1 per resubmission after a rejection. */
  attemptNumber: number;
  workspaceId: string;
  siteId: string;
  siteCode: string;
  clusterCode: string | null;
  regionCode: string | null;
  scopeCode: string;
  vendorCode: string | null;
  atpCategory: string;
  submittedBy: string;
  qaApprovedBy: string;
  pinnedConfigVersions: { approvalMatrix: string; clusterMapping: string; scopeConfig: string };
}

const id = { type: 'string', minLength: 1, maxLength: 100 } as const;
const nullableCode = { anyOf: [{ type: 'string', minLength: 1, maxLength: 120 }, { type: 'null' }] } as const;

const fixturePayload: SubmissionQaApprovedPayloadV1 = {
  submissionId: 'sub-0001',
  attemptNumber: 1,
  workspaceId: '6f1c1a52-8a0e-4f55-9d7e-3b1f3f0b6a11',
  siteId: 'site-0001',
  siteCode: 'JKT-001',
  clusterCode: 'JABO-1',
  regionCode: 'JABO',
  scopeCode: 'MW_NEW',
  vendorCode: 'AVIAT',
  atpCategory: 'RAN_MW',
  submittedBy: 'u-doc-control',
  qaApprovedBy: 'u-qa',
  pinnedConfigVersions: { approvalMatrix: 'cv-matrix-1', clusterMapping: 'cv-cluster-1', scopeConfig: 'cv-scope-1' },
};

export const SubmissionQaApprovedV1 = defineEvent<SubmissionQaApprovedPayloadV1>({
  eventType: 'submission.qa-approved',
  schemaVersion: 1,
  topic: Topics.submissionEvents,
  aggregateType: 'submission',
  description: 'QA approved a submission attempt; workflow-service starts its approval workflow.',
  payloadSchema: {
    type: 'object',
    required: [
      'submissionId',
      'attemptNumber',
      'workspaceId',
      'siteId',
      'siteCode',
      'clusterCode',
      'scopeCode',
      'vendorCode',
      'atpCategory',
      'submittedBy',
      'pinnedConfigVersions',
    ],
    properties: {
      submissionId: id,
      attemptNumber: { type: 'integer', minimum: 1 },
      workspaceId: { type: 'string', format: 'uuid' },
      siteId: id,
      siteCode: { type: 'string', minLength: 1, maxLength: 100 },
      clusterCode: nullableCode,
      regionCode: nullableCode,
      scopeCode: { type: 'string', minLength: 1, maxLength: 50 },
      vendorCode: nullableCode,
      atpCategory: { type: 'string', minLength: 1, maxLength: 20 },
      submittedBy: id,
      qaApprovedBy: id,
      pinnedConfigVersions: {
        type: 'object',
        required: ['approvalMatrix', 'clusterMapping', 'scopeConfig'],
        properties: { approvalMatrix: id, clusterMapping: id, scopeConfig: id },
      },
    },
  },
  fixture: {
    eventId: '2d7c1f7e-5b1a-4c7e-8f3e-6a1b2c3d4e01',
    eventType: 'submission.qa-approved',
    schemaVersion: 1,
    occurredAt: '2026-01-05T09:00:00.000Z',
    workspaceId: fixturePayload.workspaceId,
    aggregateType: 'submission',
    aggregateId: fixturePayload.submissionId,
    aggregateVersion: 3,
    correlationId: 'c0ffee00-0000-4000-8000-000000000010',
    causationId: null,
    actorId: 'u-qa',
    payload: fixturePayload,
  },
});
