import { defineEvent } from '../../event-definition';
import { Topics } from '../../topics';

/**
 * Compensating validation (architecture §5.3): the owner of an entity checked a claim another service published
 * about it (for example the config version a `workflow.started` names) and refused it. The claimant's compensation
 * consumer moves the named aggregate to a safe, visible state. Keyed by the claimant's aggregate id, so the
 * rejections of one aggregate stay in order; one event per refused field.
 */
export const REFERENCE_REJECTION_REASONS = [
  /** No row with that id at the owner. */
  'UNKNOWN',
  /** The row exists but belongs to another workspace. */
  'OTHER_WORKSPACE',
  /** The row exists but is deactivated (site, user, member) or no longer usable (an ARCHIVED or DRAFT version). */
  'INACTIVE',
  /**
   * The row exists but does not belong where the claim puts it (a policy of another version, a stage of another
   * workflow).
   */
  'MISMATCH',
] as const;
export type ReferenceRejectionReasonV1 = (typeof REFERENCE_REJECTION_REASONS)[number];

/** `workflow-override`: an approver override of workflow-service (its compensation expires it). */
export const CLAIMANT_AGGREGATE_TYPES = ['workflow', 'submission', 'punchlist', 'workflow-override'] as const;
export type ClaimantAggregateTypeV1 = (typeof CLAIMANT_AGGREGATE_TYPES)[number];

export interface ReferenceRejectedPayloadV1 {
  /** The service that published the claim and owns the aggregate to compensate. */
  claimantService: string;
  /** The service that checked the claim (owner of the referenced entity). */
  ownerService: string;
  aggregateType: ClaimantAggregateTypeV1;
  aggregateId: string;
  workspaceId: string;
  /** Path of the refused field in the claim's payload, e.g. `configVersionId` or `stages[1].approverUserId`. */
  field: string;
  /** What the owner's entity is, e.g. `config_versions`, `sites`. */
  entity: string;
  referencedId: string;
  reasonCode: ReferenceRejectionReasonV1;
  /** The claim: its event id and type. */
  claimEventId: string;
  claimEventType: string;
}

const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;

const fixturePayload: ReferenceRejectedPayloadV1 = {
  claimantService: 'workflow-service',
  ownerService: 'config-service',
  aggregateType: 'workflow',
  aggregateId: 'wf-0001',
  workspaceId: '6f1c1a52-8a0e-4f55-9d7e-3b1f3f0b6a11',
  field: 'configVersionId',
  entity: 'config_versions',
  referencedId: 'cv-fabricated',
  reasonCode: 'UNKNOWN',
  claimEventId: '2d7c1f7e-5b1a-4c7e-8f3e-6a1b2c3d4e99',
  claimEventType: 'workflow.started',
};

export const ReferenceRejectedV1 = defineEvent<ReferenceRejectedPayloadV1>({
  eventType: 'reference.rejected',
  schemaVersion: 1,
  topic: Topics.integrityEvents,
  aggregateType: 'reference-claim',
  description: 'The owner of an entity refused a reference another service claimed; the claimant compensates.',
  payloadSchema: {
    type: 'object',
    required: [
      'claimantService',
      'ownerService',
      'aggregateType',
      'aggregateId',
      'workspaceId',
      'field',
      'entity',
      'referencedId',
      'reasonCode',
      'claimEventId',
      'claimEventType',
    ],
    properties: {
      claimantService: text(60),
      ownerService: text(60),
      aggregateType: { type: 'string', enum: [...CLAIMANT_AGGREGATE_TYPES] },
      aggregateId: text(100),
      workspaceId: { type: 'string', format: 'uuid' },
      field: text(200),
      entity: text(60),
      referencedId: text(200),
      reasonCode: { type: 'string', enum: [...REFERENCE_REJECTION_REASONS] },
      claimEventId: { type: 'string', format: 'uuid' },
      claimEventType: text(100),
    },
  },
  fixture: {
    eventId: '7a1b2c3d-4e5f-4a6b-8c7d-000000000001',
    eventType: 'reference.rejected',
    schemaVersion: 1,
    occurredAt: '2026-01-05T09:00:00.000Z',
    workspaceId: fixturePayload.workspaceId,
    aggregateType: 'reference-claim',
    aggregateId: fixturePayload.aggregateId,
    aggregateVersion: 1,
    correlationId: 'c0ffee00-0000-4000-8000-000000000050',
    causationId: fixturePayload.claimEventId,
    actorId: null,
    payload: fixturePayload,
  },
});
