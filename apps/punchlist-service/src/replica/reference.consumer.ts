import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { MembershipCreatedV1, MembershipUpdatedV1, Topics, type MembershipPayloadV1 } from '@atp/contracts';
import { MembershipSource } from '@atp/platform-auth';
import { afterCommit } from '@atp/platform-database';
import type { ConsumedEvent } from '@atp/platform-messaging';
import { InboxContext, type InboxConsumerSpec } from '@atp/platform-runtime';
import { MemberReplica } from './member-replica';

export const REFERENCE_CONSUMER: InboxConsumerSpec = {
  name: 'punchlist-service.reference-replica',
  topics: [Topics.configReference],
  fromBeginning: true,
};

/** Memberships from the compacted reference topic (from offset 0); every event carries the full state. */
@Controller()
export class ReferenceConsumer {
  constructor(
    private readonly members: MemberReplica,
    private readonly access: MembershipSource,
  ) {}

  @EventPattern([MembershipCreatedV1.eventType, MembershipUpdatedV1.eventType], { consumer: REFERENCE_CONSUMER })
  async onMembership(@Payload() event: ConsumedEvent<MembershipPayloadV1>, @Ctx() inbox: InboxContext): Promise<void> {
    const p = event.envelope.payload;
    await this.members.upsert(inbox.manager, {
      ...p,
      isActive: p.status === 'ACTIVE',
      version: event.envelope.aggregateVersion,
    });
    // The guard caches answers (CachedMembershipSource): this process reads the changed membership from the commit on.
    afterCommit(inbox.manager, () => this.access.forget());
  }
}
