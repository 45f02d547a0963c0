import { defineEvent, type EventDefinition, type JsonSchema } from '../../event-definition';
import { Topics } from '../../topics';

/**
 * Pieces shared by the submission event contracts: every event is on `Topics.submissionEvents`, aggregate
 * `submission`, keyed by the submission id (so one submission's events stay in order).
 */
export const SUBMISSION_AGGREGATE = 'submission';

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
export type SubmissionStatusV1 = (typeof SUBMISSION_STATUSES)[number];

export const submissionIdSchema = { type: 'string', minLength: 1, maxLength: 100 } as const;
export const nullableSubmissionText = (maxLength: number) =>
  ({ anyOf: [{ type: 'string', minLength: 1, maxLength }, { type: 'null' }] }) as const;
export const submissionTimestampSchema = { type: 'string', format: 'date-time' } as const;

export function submissionObject(properties: Record<string, unknown>, required: string[]): JsonSchema {
  return { type: 'object', required, properties };
}

export const fixtureSubmissionId = 'sub-0001';
const fixtureWorkspaceId = '6f1c1a52-8a0e-4f55-9d7e-3b1f3f0b6a11';
let fixtureSequence = 0;

export function submissionEvent<TPayload>(spec: {
  eventType: string;
  description: string;
  payloadSchema: JsonSchema;
  fixturePayload: TPayload;
}): EventDefinition<TPayload> {
  fixtureSequence += 1;
  return defineEvent<TPayload>({
    eventType: spec.eventType,
    schemaVersion: 1,
    topic: Topics.submissionEvents,
    aggregateType: SUBMISSION_AGGREGATE,
    description: spec.description,
    payloadSchema: spec.payloadSchema,
    fixture: {
      eventId: `5b6c7d8e-9f0a-4b1c-8d2e-${String(fixtureSequence).padStart(12, '0')}`,
      eventType: spec.eventType,
      schemaVersion: 1,
      occurredAt: '2026-01-05T09:00:00.000Z',
      workspaceId: fixtureWorkspaceId,
      aggregateType: SUBMISSION_AGGREGATE,
      aggregateId: fixtureSubmissionId,
      aggregateVersion: fixtureSequence,
      correlationId: 'c0ffee00-0000-4000-8000-000000000030',
      causationId: null,
      actorId: 'u-doc-control',
      payload: spec.fixturePayload,
    },
  });
}
