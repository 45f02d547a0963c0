import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  PunchlistClearedV1,
  PunchlistCreatedV1,
  Topics,
  type PunchlistClearedPayloadV1,
  type PunchlistCreatedPayloadV1,
} from '@atp/contracts';
import type { ConsumedEvent } from '@atp/platform-messaging';
import { InboxContext, type InboxConsumerSpec } from '@atp/platform-runtime';
import { ProjectionService } from './projection.service';

export const PUNCHLIST_PROJECTION: InboxConsumerSpec = {
  name: 'submission-service.punchlist-projection',
  topics: [Topics.punchlistEvents],
};

/**
 * Punchlists of APPROVE_WITH_PUNCHLIST stages hold the submission in APPROVED_WITH_PUNCHLIST until they
 * clear. Punchlists issued with a REJECT (CRITICAL findings) do not gate: the attempt is REJECTED anyway.
 */
@Controller()
export class PunchlistEventsConsumer {
  constructor(private readonly projection: ProjectionService) {}

  @EventPattern(PunchlistCreatedV1.eventType, { consumer: PUNCHLIST_PROJECTION })
  async onCreated(
    @Payload() event: ConsumedEvent<PunchlistCreatedPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    if (event.envelope.payload.origin === 'REJECTED') return;
    await this.projection.punchlist(inbox.manager, event.envelope, event.envelope.payload, 'OPEN');
  }

  @EventPattern(PunchlistClearedV1.eventType, { consumer: PUNCHLIST_PROJECTION })
  async onCleared(
    @Payload() event: ConsumedEvent<PunchlistClearedPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    await this.projection.punchlist(inbox.manager, event.envelope, event.envelope.payload, 'CLEARED');
  }
}
