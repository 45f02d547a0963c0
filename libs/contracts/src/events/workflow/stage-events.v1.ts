import {
  fixtureStageRef,
  idSchema,
  nullableIdSchema,
  objectSchema,
  stageRefProperties,
  stageRefRequired,
  timestampSchema,
  workflowEvent,
  type StageRefV1,
} from './workflow-event-shapes';

/** Stage-level events; each names the stage in full (`StageRefV1`) so consumers need no lookup. */

export interface StageActivatedPayloadV1 extends StageRefV1 {
  slaHours: number;
  slaDueAt: string;
}

export const StageActivatedV1 = workflowEvent<StageActivatedPayloadV1>({
  eventType: 'workflow.stage.activated',
  description: 'A stage became PENDING (actionable); its SLA clock started.',
  payloadSchema: objectSchema(
    { ...stageRefProperties, slaHours: { type: 'integer', minimum: 1 }, slaDueAt: timestampSchema },
    [...stageRefRequired, 'slaHours', 'slaDueAt'],
  ),
  fixturePayload: { ...fixtureStageRef, slaHours: 48, slaDueAt: '2026-01-08T10:00:00.000Z' },
});

export interface StageDecisionPayloadV1 extends StageRefV1 {
  decidedBy: string;
  decidedAt: string;
  comment: string;
}

const decisionProperties = {
  ...stageRefProperties,
  decidedBy: idSchema,
  decidedAt: timestampSchema,
  comment: { type: 'string', maxLength: 4000 },
};
const decisionRequired = [...stageRefRequired, 'decidedBy', 'decidedAt', 'comment'];
const decisionFixture: StageDecisionPayloadV1 = {
  ...fixtureStageRef,
  decidedBy: 'u-approver-1',
  decidedAt: '2026-01-06T10:00:00.000Z',
  comment: 'Looks good',
};

export const StageApprovedV1 = workflowEvent<StageDecisionPayloadV1>({
  eventType: 'workflow.stage.approved',
  description: 'The stage approver approved the stage.',
  payloadSchema: objectSchema(decisionProperties, decisionRequired),
  fixturePayload: decisionFixture,
});

export const PUNCH_SEVERITIES = ['CRITICAL', 'MAJOR', 'MINOR'] as const;
export type PunchSeverity = (typeof PUNCH_SEVERITIES)[number];

export interface PunchItemV1 {
  itemCode: string | null;
  description: string;
  severity: PunchSeverity;
}

const punchItemSchema = objectSchema(
  {
    itemCode: { anyOf: [{ type: 'string', minLength: 1, maxLength: 50 }, { type: 'null' }] },
    description: { type: 'string', minLength: 1, maxLength: 2000 },
    severity: { type: 'string', enum: [...PUNCH_SEVERITIES] },
  },
  ['itemCode', 'description', 'severity'],
);

export interface StageApprovedWithPunchlistPayloadV1 extends StageDecisionPayloadV1 {
  items: PunchItemV1[];
}

export const StageApprovedWithPunchlistV1 = workflowEvent<StageApprovedWithPunchlistPayloadV1>({
  eventType: 'workflow.stage.approved-with-punchlist',
  description: 'The stage was approved with MAJOR/MINOR punch items; punchlist-service opens a punchlist from them.',
  payloadSchema: objectSchema(
    { ...decisionProperties, items: { type: 'array', minItems: 1, items: punchItemSchema } },
    [...decisionRequired, 'items'],
  ),
  fixturePayload: {
    ...decisionFixture,
    items: [{ itemCode: 'PL-01', description: 'Cable tray label missing', severity: 'MINOR' }],
  },
});

export interface StageRejectedPayloadV1 extends StageDecisionPayloadV1 {
  /** CRITICAL findings: a blocking punchlist to fix before resubmission. */
  findings: PunchItemV1[];
}

export const StageRejectedV1 = workflowEvent<StageRejectedPayloadV1>({
  eventType: 'workflow.stage.rejected',
  description: 'The stage approver rejected the stage (optionally with CRITICAL findings).',
  payloadSchema: objectSchema({ ...decisionProperties, findings: { type: 'array', items: punchItemSchema } }, [
    ...decisionRequired,
    'findings',
  ]),
  fixturePayload: {
    ...decisionFixture,
    comment: 'Grounding not done',
    findings: [{ itemCode: null, description: 'No grounding', severity: 'CRITICAL' }],
  },
});

export interface StageUnassignedPayloadV1 extends StageRefV1 {
  reason: string;
}

export const StageUnassignedV1 = workflowEvent<StageUnassignedPayloadV1>({
  eventType: 'workflow.stage.unassigned',
  description: 'No approver could be resolved for a stage; workspace admins must assign one.',
  payloadSchema: objectSchema({ ...stageRefProperties, reason: { type: 'string', minLength: 1, maxLength: 2000 } }, [
    ...stageRefRequired,
    'reason',
  ]),
  fixturePayload: {
    ...fixtureStageRef,
    approverUserId: null,
    reason: 'no cluster approver for role FOP_RTS in cluster JABO-1',
  },
});

export interface StageSlaBreachedPayloadV1 extends StageRefV1 {
  slaDueAt: string;
  breachedAt: string;
}

export const StageSlaBreachedV1 = workflowEvent<StageSlaBreachedPayloadV1>({
  eventType: 'workflow.stage.sla-breached',
  description: 'A PENDING stage passed its SLA due time (published once per stage).',
  payloadSchema: objectSchema({ ...stageRefProperties, slaDueAt: timestampSchema, breachedAt: timestampSchema }, [
    ...stageRefRequired,
    'slaDueAt',
    'breachedAt',
  ]),
  fixturePayload: { ...fixtureStageRef, slaDueAt: '2026-01-08T10:00:00.000Z', breachedAt: '2026-01-08T10:01:00.000Z' },
});

/** Escalation and reassignment both move a stage from one approver to another. */
export interface StageApproverChangedPayloadV1 extends StageRefV1 {
  fromUserId: string | null;
  toUserId: string;
  reason: string;
  /** Set when an approved STAGE override caused the change. */
  overrideId: string | null;
  changedAt: string;
}

const approverChangedSchema = objectSchema(
  {
    ...stageRefProperties,
    fromUserId: nullableIdSchema,
    toUserId: idSchema,
    reason: { type: 'string', minLength: 1, maxLength: 2000 },
    overrideId: nullableIdSchema,
    changedAt: timestampSchema,
  },
  [...stageRefRequired, 'fromUserId', 'toUserId', 'reason', 'overrideId', 'changedAt'],
);

export const StageEscalatedV1 = workflowEvent<StageApproverChangedPayloadV1>({
  eventType: 'workflow.stage.escalated',
  description: 'After an SLA breach the stage moved to the backup approver.',
  payloadSchema: approverChangedSchema,
  fixturePayload: {
    ...fixtureStageRef,
    approverUserId: 'u-backup-1',
    fromUserId: 'u-approver-1',
    toUserId: 'u-backup-1',
    reason: 'SLA_BREACHED',
    overrideId: null,
    changedAt: '2026-01-08T10:01:00.000Z',
  },
});

export const StageReassignedV1 = workflowEvent<StageApproverChangedPayloadV1>({
  eventType: 'workflow.stage.reassigned',
  description: 'A workspace admin (directly or through an approved STAGE override) gave the stage to another approver.',
  payloadSchema: approverChangedSchema,
  fixturePayload: {
    ...fixtureStageRef,
    approverUserId: 'u-approver-2',
    fromUserId: 'u-approver-1',
    toUserId: 'u-approver-2',
    reason: 'On leave',
    overrideId: 'ovr-0001',
    changedAt: '2026-01-07T10:00:00.000Z',
  },
});
