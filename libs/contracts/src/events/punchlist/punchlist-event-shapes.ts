import { defineEvent, type EventDefinition, type JsonSchema } from '../../event-definition';
import { Topics } from '../../topics';

/**
 * Pieces shared by the punchlist event contracts: every event is on `Topics.punchlistEvents`, aggregate
 * `punchlist`, keyed by the punchlist id (so the events of one punchlist and its items stay in order).
 */
export const PUNCHLIST_AGGREGATE = 'punchlist';

export const PUNCHLIST_STATUSES = ['OPEN', 'CLEARED'] as const;
export type PunchlistStatusV1 = (typeof PUNCHLIST_STATUSES)[number];

export const PUNCH_ITEM_STATUSES = ['OPEN', 'RECTIFIED', 'QA_VERIFIED', 'CLOSED', 'REJECTED'] as const;
export type PunchItemStatusV1 = (typeof PUNCH_ITEM_STATUSES)[number];

/** Why a punchlist exists: a stage approved with MAJOR/MINOR items, or rejected with CRITICAL findings. */
export const PUNCHLIST_ORIGINS = ['APPROVED_WITH_PUNCHLIST', 'REJECTED'] as const;
export type PunchlistOriginV1 = (typeof PUNCHLIST_ORIGINS)[number];

export const punchIdSchema = { type: 'string', minLength: 1, maxLength: 100 } as const;
export const punchTimestampSchema = { type: 'string', format: 'date-time' } as const;
export const punchCommentSchema = { anyOf: [{ type: 'string', maxLength: 4000 }, { type: 'null' }] } as const;

export function punchObject(properties: Record<string, unknown>, required: string[]): JsonSchema {
  return { type: 'object', required, properties };
}

export const fixturePunchlistId = 'pl-0001';
export const fixturePunchWorkspaceId = '6f1c1a52-8a0e-4f55-9d7e-3b1f3f0b6a11';

let fixtureSequence = 0;

/** Defines one punchlist event with a fixture built from the given payload (unique fixture event ids). */
export function punchlistEvent<TPayload>(spec: {
  eventType: string;
  description: string;
  payloadSchema: JsonSchema;
  fixturePayload: TPayload;
  actorId?: string | null;
}): EventDefinition<TPayload> {
  fixtureSequence += 1;
  return defineEvent<TPayload>({
    eventType: spec.eventType,
    schemaVersion: 1,
    topic: Topics.punchlistEvents,
    aggregateType: PUNCHLIST_AGGREGATE,
    description: spec.description,
    payloadSchema: spec.payloadSchema,
    fixture: {
      eventId: `5b3d2e1f-0a9c-4b8d-8e7f-${String(fixtureSequence).padStart(12, '0')}`,
      eventType: spec.eventType,
      schemaVersion: 1,
      occurredAt: '2026-01-07T09:00:00.000Z',
      workspaceId: fixturePunchWorkspaceId,
      aggregateType: PUNCHLIST_AGGREGATE,
      aggregateId: fixturePunchlistId,
      aggregateVersion: fixtureSequence,
      correlationId: 'c0ffee00-0000-4000-8000-000000000030',
      causationId: null,
      actorId: spec.actorId === undefined ? 'u-approver-1' : spec.actorId,
      payload: spec.fixturePayload,
    },
  });
}
