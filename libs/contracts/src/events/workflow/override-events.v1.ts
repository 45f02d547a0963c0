import {
  idSchema,
  nullableIdSchema,
  nullableTimestampSchema,
  objectSchema,
  workflowEvent,
} from './workflow-event-shapes';

/**
 * Approver override lifecycle (domain §3.3, architecture §6 Q6): requested by a member, APPROVED or
 * REJECTED by a workspace admin. Aggregate `approver-override`, keyed by the override id. The effect of
 * an approved STAGE override on a running stage is published separately as `workflow.stage.reassigned`.
 */
export const APPROVER_OVERRIDE_AGGREGATE = 'approver-override';
export const OVERRIDE_KINDS = ['STAGE', 'SUBMISSION', 'CLUSTER', 'REGION'] as const;
export type OverrideKindV1 = (typeof OVERRIDE_KINDS)[number];
export const OVERRIDE_APPROVAL_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'EXPIRED'] as const;

export interface ApproverOverridePayloadV1 {
  overrideId: string;
  overrideType: OverrideKindV1;
  /** Targets: exactly the one matching `overrideType` is set. */
  workflowStageId: string | null;
  /** The workflow of a STAGE override's stage; null for the other types. */
  workflowInstanceId: string | null;
  submissionId: string | null;
  clusterCode: string | null;
  region: string | null;
  /** Null when the override names its role by code only (it then applies across config versions). */
  approvalRoleId: string | null;
  roleCode: string;
  fromUserId: string;
  toUserId: string;
  reason: string;
  requestorUserId: string;
  approvalStatus: (typeof OVERRIDE_APPROVAL_STATUSES)[number];
  /** YYYY-MM-DD; expiry is exclusive, null = until ended manually. */
  effectiveDate: string;
  expiryDate: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionComment: string | null;
}

const dateSchema = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const nullableText = (maxLength: number) => ({
  anyOf: [{ type: 'string', minLength: 1, maxLength }, { type: 'null' }],
});

const overridePayloadSchema = objectSchema(
  {
    overrideId: idSchema,
    overrideType: { type: 'string', enum: [...OVERRIDE_KINDS] },
    workflowStageId: nullableIdSchema,
    workflowInstanceId: nullableIdSchema,
    submissionId: nullableIdSchema,
    clusterCode: nullableText(120),
    region: nullableText(100),
    approvalRoleId: nullableIdSchema,
    roleCode: { type: 'string', minLength: 1, maxLength: 50 },
    fromUserId: idSchema,
    toUserId: idSchema,
    reason: { type: 'string', minLength: 1, maxLength: 2000 },
    requestorUserId: idSchema,
    approvalStatus: { type: 'string', enum: [...OVERRIDE_APPROVAL_STATUSES] },
    effectiveDate: dateSchema,
    expiryDate: { anyOf: [dateSchema, { type: 'null' }] },
    decidedBy: nullableIdSchema,
    decidedAt: nullableTimestampSchema,
    decisionComment: nullableText(2000),
  },
  [
    'overrideId',
    'overrideType',
    'workflowStageId',
    'workflowInstanceId',
    'submissionId',
    'clusterCode',
    'region',
    'approvalRoleId',
    'roleCode',
    'fromUserId',
    'toUserId',
    'reason',
    'requestorUserId',
    'approvalStatus',
    'effectiveDate',
    'expiryDate',
    'decidedBy',
    'decidedAt',
    'decisionComment',
  ],
);

const requestedFixture: ApproverOverridePayloadV1 = {
  overrideId: 'ovr-0001',
  overrideType: 'STAGE',
  workflowStageId: 'stg-0001',
  workflowInstanceId: 'wf-0001',
  submissionId: null,
  clusterCode: null,
  region: null,
  approvalRoleId: 'role-fop-rts',
  roleCode: 'FOP_RTS',
  fromUserId: 'u-approver-1',
  toUserId: 'u-approver-2',
  reason: 'Approver on leave',
  requestorUserId: 'u-doc-control',
  approvalStatus: 'PENDING',
  effectiveDate: '2026-01-06',
  expiryDate: null,
  decidedBy: null,
  decidedAt: null,
  decisionComment: null,
};

export const ApproverOverrideRequestedV1 = workflowEvent<ApproverOverridePayloadV1>({
  eventType: 'workflow.override.requested',
  description: 'A member asked for an approver override; it has no effect until a workspace admin approves it.',
  aggregateType: APPROVER_OVERRIDE_AGGREGATE,
  aggregateId: 'ovr-0001',
  payloadSchema: overridePayloadSchema,
  fixturePayload: requestedFixture,
});

export const ApproverOverrideApprovedV1 = workflowEvent<ApproverOverridePayloadV1>({
  eventType: 'workflow.override.approved',
  description:
    'A workspace admin approved an override: it applies by precedence STAGE > SUBMISSION > CLUSTER > REGION > base mapping.',
  aggregateType: APPROVER_OVERRIDE_AGGREGATE,
  aggregateId: 'ovr-0001',
  payloadSchema: overridePayloadSchema,
  fixturePayload: {
    ...requestedFixture,
    approvalStatus: 'APPROVED',
    decidedBy: 'u-admin',
    decidedAt: '2026-01-06T11:00:00.000Z',
    decisionComment: 'ok',
  },
});

export const ApproverOverrideRejectedV1 = workflowEvent<ApproverOverridePayloadV1>({
  eventType: 'workflow.override.rejected',
  description: 'A workspace admin rejected an override request; nothing changes.',
  aggregateType: APPROVER_OVERRIDE_AGGREGATE,
  aggregateId: 'ovr-0001',
  payloadSchema: overridePayloadSchema,
  fixturePayload: {
    ...requestedFixture,
    approvalStatus: 'REJECTED',
    decidedBy: 'u-admin',
    decidedAt: '2026-01-06T11:00:00.000Z',
    decisionComment: null,
  },
});
