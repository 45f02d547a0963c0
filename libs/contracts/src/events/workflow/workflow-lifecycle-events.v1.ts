import {
  fixtureInstanceId,
  idSchema,
  nullableIdSchema,
  objectSchema,
  stageRefProperties,
  stageRefRequired,
  timestampSchema,
  workflowEvent,
  type StageRefV1,
} from './workflow-event-shapes';

/** Workflow-level events (one instance = one approval run of one submission attempt). */

export interface WorkflowStageSummaryV1 {
  stageId: string;
  stageNumber: number;
  stageName: string;
  approvalRoleId: string;
  roleCode: string;
  parallelGroup: string | null;
  approverUserId: string | null;
  slaHours: number;
  /**
   * The approval_policy_stages row the stage was planned from (null for a built-in template's stage). Added to
   * schemaVersion 1 additively: optional, events written before do not carry it.
   */
  policyStageId?: string | null;
}

export interface WorkflowStartedPayloadV1 {
  workflowInstanceId: string;
  submissionId: string;
  attemptNumber: number;
  siteId: string;
  scopeId: string;
  scopeCode: string;
  vendorId: string | null;
  atpCategory: string;
  /** The APPROVAL_MATRIX version (architecture §6 Q2); the other two are in pinnedConfigVersions. */
  configVersionId: string;
  approvalPolicyId: string;
  pinnedConfigVersions: { approvalMatrix: string; clusterMapping: string; scopeConfig: string };
  totalStages: number;
  stages: WorkflowStageSummaryV1[];
  /**
   * Business codes of the site and vendor (punchlist-service filters by them). Added to schemaVersion 1
   * additively: optional, so events written before carry neither and consumers must tolerate that.
   */
  siteCode?: string;
  vendorCode?: string | null;
}

const pinnedSchema = objectSchema({ approvalMatrix: idSchema, clusterMapping: idSchema, scopeConfig: idSchema }, [
  'approvalMatrix',
  'clusterMapping',
  'scopeConfig',
]);

const stageSummarySchema = objectSchema(
  {
    stageId: idSchema,
    stageNumber: { type: 'integer', minimum: 1 },
    stageName: stageRefProperties.stageName,
    approvalRoleId: idSchema,
    roleCode: stageRefProperties.roleCode,
    parallelGroup: stageRefProperties.parallelGroup,
    approverUserId: nullableIdSchema,
    slaHours: { type: 'integer', minimum: 1 },
    policyStageId: nullableIdSchema,
  },
  ['stageId', 'stageNumber', 'stageName', 'approvalRoleId', 'roleCode', 'parallelGroup', 'approverUserId', 'slaHours'],
);

export const WorkflowStartedV1 = workflowEvent<WorkflowStartedPayloadV1>({
  eventType: 'workflow.started',
  description: 'A workflow was created for a QA-approved submission attempt, with every stage and approver frozen.',
  payloadSchema: objectSchema(
    {
      workflowInstanceId: idSchema,
      submissionId: idSchema,
      attemptNumber: { type: 'integer', minimum: 1 },
      siteId: idSchema,
      scopeId: idSchema,
      scopeCode: { type: 'string', minLength: 1, maxLength: 50 },
      vendorId: nullableIdSchema,
      atpCategory: { type: 'string', minLength: 1, maxLength: 20 },
      configVersionId: idSchema,
      approvalPolicyId: idSchema,
      pinnedConfigVersions: pinnedSchema,
      totalStages: { type: 'integer', minimum: 1 },
      stages: { type: 'array', minItems: 1, items: stageSummarySchema },
      siteCode: { type: 'string', minLength: 1, maxLength: 100 },
      vendorCode: { anyOf: [{ type: 'string', minLength: 1, maxLength: 120 }, { type: 'null' }] },
    },
    [
      'workflowInstanceId',
      'submissionId',
      'attemptNumber',
      'siteId',
      'scopeId',
      'scopeCode',
      'vendorId',
      'atpCategory',
      'configVersionId',
      'approvalPolicyId',
      'pinnedConfigVersions',
      'totalStages',
      'stages',
    ],
  ),
  fixturePayload: {
    workflowInstanceId: fixtureInstanceId,
    submissionId: 'sub-0001',
    attemptNumber: 1,
    siteId: 'site-0001',
    siteCode: 'JKT-001',
    vendorCode: 'AVIAT',
    scopeId: 'scope-mw-new',
    scopeCode: 'MW_NEW',
    vendorId: null,
    atpCategory: 'RAN_MW',
    configVersionId: 'cv-matrix-1',
    approvalPolicyId: 'pol-ran-mw',
    pinnedConfigVersions: { approvalMatrix: 'cv-matrix-1', clusterMapping: 'cv-cluster-1', scopeConfig: 'cv-scope-1' },
    totalStages: 1,
    stages: [
      {
        stageId: 'stg-0001',
        stageNumber: 1,
        stageName: 'FOP/RTS review',
        approvalRoleId: 'role-fop-rts',
        roleCode: 'FOP_RTS',
        parallelGroup: null,
        approverUserId: 'u-approver-1',
        slaHours: 48,
      },
    ],
  },
});

/** Hold, resume and cancel carry who did it and why. */
export interface WorkflowAdminActionPayloadV1 {
  workflowInstanceId: string;
  submissionId: string;
  reason: string;
  actorUserId: string;
  /** workflow.resumed: the PENDING stages with their new due times (the held duration was added). */
  pendingStages?: Array<{ stageId: string; slaDueAt: string }>;
  /** workflow.cancelled: the stages that were open and are CANCELLED now. */
  cancelledStageIds?: string[];
}

const adminActionSchema = objectSchema(
  {
    workflowInstanceId: idSchema,
    submissionId: idSchema,
    reason: { type: 'string', minLength: 1, maxLength: 2000 },
    actorUserId: idSchema,
    pendingStages: {
      type: 'array',
      items: objectSchema({ stageId: idSchema, slaDueAt: { type: 'string', format: 'date-time' } }, [
        'stageId',
        'slaDueAt',
      ]),
    },
    cancelledStageIds: { type: 'array', items: idSchema },
  },
  ['workflowInstanceId', 'submissionId', 'reason', 'actorUserId'],
);

const adminFixture: WorkflowAdminActionPayloadV1 = {
  workflowInstanceId: fixtureInstanceId,
  submissionId: 'sub-0001',
  reason: 'Site access blocked by landlord',
  actorUserId: 'u-admin',
};

export const WorkflowOnHoldV1 = workflowEvent<WorkflowAdminActionPayloadV1>({
  eventType: 'workflow.on-hold',
  description: 'A workspace admin put the workflow on hold: no stage is actionable until it resumes.',
  payloadSchema: adminActionSchema,
  fixturePayload: adminFixture,
});

export const WorkflowResumedV1 = workflowEvent<WorkflowAdminActionPayloadV1>({
  eventType: 'workflow.resumed',
  description: 'A held workflow is in progress again.',
  payloadSchema: adminActionSchema,
  fixturePayload: {
    ...adminFixture,
    reason: 'Access granted',
    pendingStages: [{ stageId: 'st-0001', slaDueAt: '2026-01-09T10:00:00.000Z' }],
  },
});

export const WorkflowCancelledV1 = workflowEvent<WorkflowAdminActionPayloadV1>({
  eventType: 'workflow.cancelled',
  description: 'A workspace admin cancelled the workflow; its open stages are CANCELLED.',
  payloadSchema: adminActionSchema,
  fixturePayload: { ...adminFixture, reason: 'Submission withdrawn', cancelledStageIds: ['st-0001', 'st-0002'] },
});

export interface WorkflowCompletedPayloadV1 {
  workflowInstanceId: string;
  submissionId: string;
  /** True when at least one stage approved with punchlist items: the submission is APPROVED_WITH_PUNCHLIST. */
  withPunchlist: boolean;
  completedAt: string;
}

export const WorkflowCompletedV1 = workflowEvent<WorkflowCompletedPayloadV1>({
  eventType: 'workflow.completed',
  description: 'The last stage number approved: the workflow is COMPLETED.',
  payloadSchema: objectSchema(
    {
      workflowInstanceId: idSchema,
      submissionId: idSchema,
      withPunchlist: { type: 'boolean' },
      completedAt: timestampSchema,
    },
    ['workflowInstanceId', 'submissionId', 'withPunchlist', 'completedAt'],
  ),
  fixturePayload: {
    workflowInstanceId: fixtureInstanceId,
    submissionId: 'sub-0001',
    withPunchlist: false,
    completedAt: '2026-01-06T10:00:00.000Z',
  },
});

export interface WorkflowRejectedPayloadV1 {
  workflowInstanceId: string;
  submissionId: string;
  rejectedStage: StageRefV1;
  rejectedBy: string;
  comment: string;
  rejectedAt: string;
}

export const WorkflowRejectedV1 = workflowEvent<WorkflowRejectedPayloadV1>({
  eventType: 'workflow.rejected',
  description: 'A stage was rejected: the workflow ended REJECTED and its other open stages were cancelled.',
  payloadSchema: objectSchema(
    {
      workflowInstanceId: idSchema,
      submissionId: idSchema,
      rejectedStage: objectSchema(stageRefProperties, stageRefRequired),
      rejectedBy: idSchema,
      comment: { type: 'string', maxLength: 4000 },
      rejectedAt: timestampSchema,
    },
    ['workflowInstanceId', 'submissionId', 'rejectedStage', 'rejectedBy', 'comment', 'rejectedAt'],
  ),
  fixturePayload: {
    workflowInstanceId: fixtureInstanceId,
    submissionId: 'sub-0001',
    rejectedStage: {
      workflowInstanceId: fixtureInstanceId,
      submissionId: 'sub-0001',
      stageId: 'stg-0001',
      stageNumber: 1,
      stageName: 'FOP/RTS review',
      approvalRoleId: 'role-fop-rts',
      roleCode: 'FOP_RTS',
      parallelGroup: null,
      approverUserId: 'u-approver-1',
    },
    rejectedBy: 'u-approver-1',
    comment: 'Antenna azimuth photos missing',
    rejectedAt: '2026-01-06T10:00:00.000Z',
  },
});

/**
 * ATTEMPT_CONFLICT: another attempt of the submission is open, approved, or newer (attempts follow rejections);
 * SUBMITTER_NOT_MEMBER: the submitter is not an ACTIVE member; UNKNOWN_CLUSTER: the site's cluster is not in the
 * pinned CLUSTER_MAPPING, so nobody could be assigned.
 */
export const START_REFUSAL_REASONS = [
  'CONFIG_SNAPSHOT_MISSING',
  'CONFIG_SNAPSHOT_MISMATCH',
  'NO_POLICY',
  'UNKNOWN_CATEGORY',
  'WORKSPACE_INACTIVE',
  'ATTEMPT_CONFLICT',
  'SUBMITTER_NOT_MEMBER',
  'UNKNOWN_CLUSTER',
] as const;
export type StartRefusalReason = (typeof START_REFUSAL_REASONS)[number];

export interface WorkflowStartRefusedPayloadV1 {
  submissionId: string;
  attemptNumber: number;
  reason: StartRefusalReason;
  detail: string;
}

export const WorkflowStartRefusedV1 = workflowEvent<WorkflowStartRefusedPayloadV1>({
  eventType: 'workflow.start-refused',
  aggregateType: 'workflow-start',
  aggregateId: 'sub-0001',
  description: 'No workflow could be started for a QA-approved submission attempt; the reason is recorded.',
  payloadSchema: objectSchema(
    {
      submissionId: idSchema,
      attemptNumber: { type: 'integer', minimum: 1 },
      reason: { type: 'string', enum: [...START_REFUSAL_REASONS] },
      detail: { type: 'string', minLength: 1, maxLength: 2000 },
    },
    ['submissionId', 'attemptNumber', 'reason', 'detail'],
  ),
  fixturePayload: {
    submissionId: 'sub-0001',
    attemptNumber: 1,
    reason: 'NO_POLICY',
    detail: 'no active policy for scope MW_NEW, vendor AVIAT, category RAN_MW',
  },
});
