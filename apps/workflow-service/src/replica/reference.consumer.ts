import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  MembershipCreatedV1,
  MembershipUpdatedV1,
  SiteCreatedV1,
  SiteUpdatedV1,
  Topics,
  WorkspaceCreatedV1,
  WorkspaceDeactivatedV1,
  WorkspaceUpdatedV1,
  type MembershipPayloadV1,
  type SitePayloadV1,
  type WorkspacePayloadV1,
} from '@atp/contracts';
import { MembershipSource } from '@atp/platform-auth';
import { afterCommit } from '@atp/platform-database';
import type { ConsumedEvent } from '@atp/platform-messaging';
import { InboxContext, type InboxConsumerSpec } from '@atp/platform-runtime';
import { DeactivatedApproverReassigner } from '../integrity/deactivated-approver';
import { ReplicaRepository } from './replica.repository';

export const REFERENCE_CONSUMER: InboxConsumerSpec = {
  name: 'workflow-service.reference-replica',
  topics: [Topics.configReference],
  fromBeginning: true,
};

/**
 * Workspaces, memberships and sites from the compacted reference topic. Every event carries the full
 * state; its aggregateVersion keeps an older event from overwriting a newer one.
 */
@Controller()
export class ReferenceConsumer {
  constructor(
    private readonly replica: ReplicaRepository,
    private readonly deactivated: DeactivatedApproverReassigner,
    private readonly access: MembershipSource,
  ) {}

  // One @EventPattern per method (a second would replace the first): several event types go in one array.
  @EventPattern([WorkspaceCreatedV1.eventType, WorkspaceUpdatedV1.eventType, WorkspaceDeactivatedV1.eventType], {
    consumer: REFERENCE_CONSUMER,
  })
  async onWorkspace(@Payload() event: ConsumedEvent<WorkspacePayloadV1>, @Ctx() inbox: InboxContext): Promise<void> {
    await this.replica.upsertWorkspace(inbox.manager, event.envelope.payload, event.envelope.aggregateVersion);
  }

  @EventPattern([MembershipCreatedV1.eventType, MembershipUpdatedV1.eventType], { consumer: REFERENCE_CONSUMER })
  async onMembership(@Payload() event: ConsumedEvent<MembershipPayloadV1>, @Ctx() inbox: InboxContext): Promise<void> {
    const p = event.envelope.payload;
    await this.replica.upsertMembership(
      inbox.manager,
      { ...p, isActive: p.status === 'ACTIVE' },
      event.envelope.aggregateVersion,
    );
    // The guard caches answers (CachedMembershipSource): this process reads the changed membership from the commit on.
    afterCommit(inbox.manager, () => this.access.forget());
    // A member no longer active: their open stages go to the backup (the published effect of the deactivation).
    if (p.status !== 'ACTIVE') await this.deactivated.onMembership(inbox.manager, event.envelope);
  }

  @EventPattern([SiteCreatedV1.eventType, SiteUpdatedV1.eventType], { consumer: REFERENCE_CONSUMER })
  async onSite(@Payload() event: ConsumedEvent<SitePayloadV1>, @Ctx() inbox: InboxContext): Promise<void> {
    await this.replica.upsertSite(inbox.manager, event.envelope.payload, event.envelope.aggregateVersion);
  }
}
