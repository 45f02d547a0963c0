import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ReferenceRejectedV1, type ClaimantAggregateTypeV1, type EventEnvelope } from '@atp/contracts';
import { OutboxWriter } from '@atp/platform-messaging';
import type { ClaimVerdict } from './claim-checker';

export interface ClaimSource {
  claimantService: string;
  aggregateType: ClaimantAggregateTypeV1;
  aggregateId: string;
  claim: EventEnvelope;
}

/** Publishes one `reference.rejected` per refused field, in the consumer's inbox transaction (outbox). */
@Injectable()
export class ClaimRejections {
  constructor(private readonly outbox: OutboxWriter) {}

  async publish(manager: EntityManager, source: ClaimSource, verdicts: ClaimVerdict[]): Promise<void> {
    const workspaceId = source.claim.workspaceId;
    if (!workspaceId) return;
    for (const { claim, reasonCode } of verdicts) {
      await this.outbox.append(manager, {
        definition: ReferenceRejectedV1,
        workspaceId,
        aggregateId: source.aggregateId,
        correlationId: source.claim.correlationId,
        causationId: source.claim.eventId,
        actorId: null,
        payload: {
          claimantService: source.claimantService,
          ownerService: 'config-service',
          aggregateType: source.aggregateType,
          aggregateId: source.aggregateId,
          workspaceId,
          field: claim.field,
          entity: claim.entity === 'workspace_members' ? 'users' : claim.entity,
          referencedId: claim.id,
          reasonCode,
          claimEventId: source.claim.eventId,
          claimEventType: source.claim.eventType,
        },
      });
    }
  }
}
