import { defineEvent, type EventDefinition, type JsonSchema } from '../../event-definition';
import { Topics } from '../../topics';

/**
 * Pieces shared by the workflow event contracts: every event is on `Topics.workflowEvents`, aggregate
 * `workflow`, keyed by the workflow instance id (the start refusal, which has no instance, is keyed by
 * the submission id and uses the aggregate `workflow-start`).
 */
export const WORKFLOW_AGGREGATE = 'workflow';

export const idSchema = { type: 'string', minLength: 1, maxLength: 100 } as const;
export const nullableIdSchema = { anyOf: [idSchema, { type: 'null' }] } as const;
export const timestampSchema = { type: 'string', format: 'date-time' } as const;
export const nullableTimestampSchema = { anyOf: [timestampSchema, { type: 'null' }] } as const;

/** Identifies one stage wherever a stage event is published. */
export interface StageRefV1 {
  workflowInstanceId: string;
  submissionId: string;
  stageId: string;
  stageNumber: number;
  stageName: string;
  approvalRoleId: string;
  roleCode: string;
  parallelGroup: string | null;
  approverUserId: string | null;
}

export const stageRefProperties = {
  workflowInstanceId: idSchema,
  submissionId: idSchema,
  stageId: idSchema,
  stageNumber: { type: 'integer', minimum: 1 },
  stageName: { type: 'string', minLength: 1, maxLength: 100 },
  approvalRoleId: idSchema,
  roleCode: { type: 'string', minLength: 1, maxLength: 50 },
  parallelGroup: { anyOf: [{ type: 'string', minLength: 1, maxLength: 10 }, { type: 'null' }] },
  approverUserId: nullableIdSchema,
} as const;

export const stageRefRequired = Object.keys(stageRefProperties);

export function objectSchema(properties: Record<string, unknown>, required: string[]): JsonSchema {
  return { type: 'object', required, properties };
}

export const fixtureWorkspaceId = '6f1c1a52-8a0e-4f55-9d7e-3b1f3f0b6a11';
export const fixtureInstanceId = 'wf-0001';

export const fixtureStageRef: StageRefV1 = {
  workflowInstanceId: fixtureInstanceId,
  submissionId: 'sub-0001',
  stageId: 'stg-0001',
  stageNumber: 1,
  stageName: 'FOP/RTS review',
  approvalRoleId: 'role-fop-rts',
  roleCode: 'FOP_RTS',
  parallelGroup: null,
  approverUserId: 'u-approver-1',
};

let fixtureSequence = 0;

/** Defines one workflow event with a fixture built from the given payload (unique fixture event ids). */
export function workflowEvent<TPayload>(spec: {
  eventType: string;
  description: string;
  payloadSchema: JsonSchema;
  fixturePayload: TPayload;
  aggregateType?: string;
  aggregateId?: string;
}): EventDefinition<TPayload> {
  fixtureSequence += 1;
  const aggregateType = spec.aggregateType ?? WORKFLOW_AGGREGATE;
  return defineEvent<TPayload>({
    eventType: spec.eventType,
    schemaVersion: 1,
    topic: Topics.workflowEvents,
    aggregateType,
    description: spec.description,
    payloadSchema: spec.payloadSchema,
    fixture: {
      eventId: `7a4e0c2d-1b3f-4d5e-9a8b-${String(fixtureSequence).padStart(12, '0')}`,
      eventType: spec.eventType,
      schemaVersion: 1,
      occurredAt: '2026-01-06T10:00:00.000Z',
      workspaceId: fixtureWorkspaceId,
      aggregateType,
      aggregateId: spec.aggregateId ?? fixtureInstanceId,
      aggregateVersion: fixtureSequence,
      correlationId: 'c0ffee00-0000-4000-8000-000000000020',
      causationId: null,
      actorId: 'u-approver-1',
      payload: spec.fixturePayload,
    },
  });
}
