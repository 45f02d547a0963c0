import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ClaimantAggregateTypeV1, EventEnvelope } from '@atp/contracts';
import { OutboxWriter, publishReferenceRejections } from '@atp/platform-messaging';
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
    await publishReferenceRejections(
      this.outbox,
      manager,
      { ...source, ownerService: 'config-service' },
      verdicts.map(({ claim, reasonCode }) => ({
        field: claim.field,
        entity: claim.entity === 'workspace_members' ? 'users' : claim.entity,
        referencedId: claim.id,
        reasonCode,
      })),
    );
  }
}
