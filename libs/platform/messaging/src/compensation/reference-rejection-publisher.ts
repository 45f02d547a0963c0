import type { EntityManager } from 'typeorm';
import {
  ReferenceRejectedV1,
  type ClaimantAggregateTypeV1,
  type EventEnvelope,
  type ReferenceRejectionReasonV1,
} from '@atp/contracts';
import type { OutboxWriter } from '../outbox/outbox-writer';

/** The claim an owner checked: who made it, about which of the claimant's aggregates, in which event. */
export interface CheckedClaim {
  claimantService: string;
  ownerService: string;
  aggregateType: ClaimantAggregateTypeV1;
  aggregateId: string;
  claim: EventEnvelope;
}

/** One refused reference of a claim. */
export interface RefusedReference {
  /** Path of the field in the claim's payload. */
  field: string;
  /** The owner's table the id names. */
  entity: string;
  referencedId: string;
  reasonCode: ReferenceRejectionReasonV1;
}

/**
 * The owner side of compensating validation (architecture §5.3), shared by every owner's validator: one
 * `reference.rejected` per refused field, through the outbox in the consumer's inbox transaction (so a redelivered
 * claim publishes nothing twice). A claim without a workspace has no claimant to compensate: nothing is published.
 */
export async function publishReferenceRejections(
  outbox: OutboxWriter,
  manager: EntityManager,
  source: CheckedClaim,
  refused: readonly RefusedReference[],
): Promise<void> {
  const workspaceId = source.claim.workspaceId;
  if (!workspaceId) return;
  for (const r of refused) {
    await outbox.append(manager, {
      definition: ReferenceRejectedV1,
      workspaceId,
      aggregateId: source.aggregateId,
      correlationId: source.claim.correlationId,
      causationId: source.claim.eventId,
      actorId: null,
      payload: {
        claimantService: source.claimantService,
        ownerService: source.ownerService,
        aggregateType: source.aggregateType,
        aggregateId: source.aggregateId,
        workspaceId,
        field: r.field,
        entity: r.entity,
        referencedId: r.referencedId,
        reasonCode: r.reasonCode,
        claimEventId: source.claim.eventId,
        claimEventType: source.claim.eventType,
      },
    });
  }
}
