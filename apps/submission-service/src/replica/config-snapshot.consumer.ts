import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { ConfigVersionSnapshotV1, Topics, type ConfigSnapshotPayloadV1 } from '@atp/contracts';
import type { ConsumedEvent } from '@atp/platform-messaging';
import { InboxContext, type InboxConsumerSpec } from '@atp/platform-runtime';
import { ReplicaRepository, type SnapshotRows } from './replica.repository';

export const CONFIG_SNAPSHOT_CONSUMER: InboxConsumerSpec = {
  name: 'submission-service.config-snapshot-replica',
  topics: [Topics.configSnapshots],
  fromBeginning: true,
};

/**
 * Activated config versions, from offset 0 of the compacted snapshot topic: the version ids a submit
 * pins, and the scopes and vendors of SCOPE_CONFIG versions that create checks.
 */
@Controller()
export class ConfigSnapshotConsumer {
  constructor(private readonly replica: ReplicaRepository) {}

  @EventPattern(ConfigVersionSnapshotV1.eventType, { consumer: CONFIG_SNAPSHOT_CONSUMER })
  async onSnapshot(
    @Payload() event: ConsumedEvent<ConfigSnapshotPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    await this.replica.saveSnapshot(inbox.manager, event.envelope.payload.snapshot as unknown as SnapshotRows);
  }
}
