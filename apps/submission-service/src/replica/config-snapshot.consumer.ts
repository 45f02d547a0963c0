import { Injectable } from '@nestjs/common';
import { ConfigVersionSnapshotV1, Topics, type ConfigSnapshotPayloadV1 } from '@atp/contracts';
import { KafkaConsumer, type EventConsumer } from '@atp/platform-runtime';
import type { EventHandler } from '@atp/platform-messaging';
import { ReplicaRepository, type SnapshotRows } from './replica.repository';

/**
 * Activated config versions, from offset 0 of the compacted snapshot topic: the version ids a submit
 * pins, and the scopes and vendors of SCOPE_CONFIG versions that create checks.
 */
@Injectable()
@KafkaConsumer()
export class ConfigSnapshotConsumer implements EventConsumer {
  readonly consumerName = 'submission-service.config-snapshot-replica';
  readonly topics = [Topics.configSnapshots];
  readonly fromBeginning = true;

  constructor(private readonly replica: ReplicaRepository) {}

  handlers(): Record<string, EventHandler> {
    return {
      [ConfigVersionSnapshotV1.eventType]: async ({ envelope }, manager) => {
        const { snapshot } = envelope.payload as ConfigSnapshotPayloadV1;
        await this.replica.saveSnapshot(manager, snapshot as unknown as SnapshotRows);
      },
    };
  }
}
