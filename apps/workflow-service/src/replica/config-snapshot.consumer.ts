import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { ConfigVersionSnapshotV1, Topics, type ConfigSnapshotPayloadV1 } from '@atp/contracts';
import type { ConfigSnapshot } from '@atp/approval-routing';
import type { ConsumedEvent } from '@atp/platform-messaging';
import { InboxContext, type InboxConsumerSpec } from '@atp/platform-runtime';
import { ReplicaRepository } from './replica.repository';

/** Reads the compacted snapshot topic from offset 0: a new deployment (or a wiped database) rebuilds every version. */
export const CONFIG_SNAPSHOT_CONSUMER: InboxConsumerSpec = {
  name: 'workflow-service.config-snapshot-replica',
  topics: [Topics.configSnapshots],
  fromBeginning: true,
};

/** Replica of activated config versions. */
@Controller()
export class ConfigSnapshotConsumer {
  constructor(private readonly replica: ReplicaRepository) {}

  @EventPattern(ConfigVersionSnapshotV1.eventType, { consumer: CONFIG_SNAPSHOT_CONSUMER })
  async onSnapshot(
    @Payload() event: ConsumedEvent<ConfigSnapshotPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const { snapshot } = event.envelope.payload;
    await this.replica.saveSnapshot(
      inbox.manager,
      snapshot as unknown as ConfigSnapshot,
      event.envelope.aggregateVersion,
    );
  }
}
