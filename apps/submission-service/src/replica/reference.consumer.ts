import { Injectable } from '@nestjs/common';
import {
  MembershipCreatedV1, MembershipUpdatedV1, SiteCreatedV1, SiteUpdatedV1, Topics, WorkspaceCreatedV1, WorkspaceDeactivatedV1,
  WorkspaceUpdatedV1, type MembershipPayloadV1, type SitePayloadV1, type WorkspacePayloadV1,
} from '@atp/contracts';
import { KafkaConsumer, type EventConsumer } from '@atp/platform-runtime';
import type { EventHandler } from '@atp/platform-messaging';
import { ReplicaRepository } from './replica.repository';

/** Workspaces, memberships and sites from the compacted reference topic (each event is the full state). */
@Injectable()
@KafkaConsumer()
export class ReferenceConsumer implements EventConsumer {
  readonly consumerName = 'submission-service.reference-replica';
  readonly topics = [Topics.configReference];
  readonly fromBeginning = true;

  constructor(private readonly replica: ReplicaRepository) {}

  handlers(): Record<string, EventHandler> {
    const workspace: EventHandler = ({ envelope }, manager) =>
      this.replica.upsertWorkspace(manager, envelope.payload as WorkspacePayloadV1, envelope.aggregateVersion);
    const membership: EventHandler = ({ envelope }, manager) =>
      this.replica.upsertMembership(manager, envelope.payload as MembershipPayloadV1, envelope.aggregateVersion);
    const site: EventHandler = ({ envelope }, manager) =>
      this.replica.upsertSite(manager, envelope.payload as SitePayloadV1, envelope.aggregateVersion);
    return {
      [WorkspaceCreatedV1.eventType]: workspace,
      [WorkspaceUpdatedV1.eventType]: workspace,
      [WorkspaceDeactivatedV1.eventType]: workspace,
      [MembershipCreatedV1.eventType]: membership,
      [MembershipUpdatedV1.eventType]: membership,
      [SiteCreatedV1.eventType]: site,
      [SiteUpdatedV1.eventType]: site,
    };
  }
}
