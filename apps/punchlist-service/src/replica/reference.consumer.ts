import { Injectable } from '@nestjs/common';
import { MembershipCreatedV1, MembershipUpdatedV1, Topics, type MembershipPayloadV1 } from '@atp/contracts';
import { KafkaConsumer, type EventConsumer } from '@atp/platform-runtime';
import type { EventHandler } from '@atp/platform-messaging';
import { MemberReplica } from './member-replica';

/** Memberships from the compacted reference topic (from offset 0); every event carries the full state. */
@Injectable()
@KafkaConsumer()
export class ReferenceConsumer implements EventConsumer {
  readonly consumerName = 'punchlist-service.reference-replica';
  readonly topics = [Topics.configReference];
  readonly fromBeginning = true;

  constructor(private readonly members: MemberReplica) {}

  handlers(): Record<string, EventHandler> {
    const membership: EventHandler = (event, manager) => {
      const p = event.envelope.payload as MembershipPayloadV1;
      return this.members.upsert(manager, { ...p, isActive: p.status === 'ACTIVE', version: event.envelope.aggregateVersion });
    };
    return { [MembershipCreatedV1.eventType]: membership, [MembershipUpdatedV1.eventType]: membership };
  }
}
