import { Injectable } from '@nestjs/common';
import {
  PunchlistClearedV1, PunchlistCreatedV1, Topics, type PunchlistClearedPayloadV1, type PunchlistCreatedPayloadV1,
} from '@atp/contracts';
import type { EventHandler } from '@atp/platform-messaging';
import { KafkaConsumer, type EventConsumer } from '@atp/platform-runtime';
import { ProjectionService } from './projection.service';

/**
 * Punchlists of APPROVE_WITH_PUNCHLIST stages hold the submission in APPROVED_WITH_PUNCHLIST until they
 * clear. Punchlists issued with a REJECT (CRITICAL findings) do not gate: the attempt is REJECTED anyway.
 */
@Injectable()
@KafkaConsumer()
export class PunchlistEventsConsumer implements EventConsumer {
  readonly consumerName = 'submission-service.punchlist-projection';
  readonly topics = [Topics.punchlistEvents];

  constructor(private readonly projection: ProjectionService) {}

  handlers(): Record<string, EventHandler> {
    return {
      [PunchlistCreatedV1.eventType]: async ({ envelope }, manager) => {
        const p = envelope.payload as PunchlistCreatedPayloadV1;
        if (p.origin === 'REJECTED') return;
        await this.projection.punchlist(manager, envelope, p, 'OPEN');
      },
      [PunchlistClearedV1.eventType]: ({ envelope }, manager) =>
        this.projection.punchlist(manager, envelope, envelope.payload as PunchlistClearedPayloadV1, 'CLEARED'),
    };
  }
}
