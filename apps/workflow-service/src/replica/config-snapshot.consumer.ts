import { Injectable } from '@nestjs/common';
import { ConfigVersionSnapshotV1, Topics, type ConfigSnapshotPayloadV1 } from '@atp/contracts';
import type { ConfigSnapshot } from '@atp/approval-routing';
import { KafkaConsumer, type EventConsumer } from '@atp/platform-runtime';
import type { EventHandler } from '@atp/platform-messaging';
import { ReplicaRepository } from './replica.repository';

/**
 * Replica of activated config versions. Reads the compacted snapshot topic from offset 0, so a new
 * deployment (or a wiped database) rebuilds every version ever activated.
 */
@Injectable()
@KafkaConsumer()
export class ConfigSnapshotConsumer implements EventConsumer {
  readonly consumerName = 'workflow-service.config-snapshot-replica';
  readonly topics = [Topics.configSnapshots];
  readonly fromBeginning = true;

  constructor(private readonly replica: ReplicaRepository) {}

  handlers(): Record<string, EventHandler> {
    return {
      [ConfigVersionSnapshotV1.eventType]: async (event, manager) => {
        const { snapshot } = event.envelope.payload as ConfigSnapshotPayloadV1;
        await this.replica.saveSnapshot(manager, snapshot as unknown as ConfigSnapshot, event.envelope.aggregateVersion);
      },
    };
  }
}
