import { SetMetadata } from '@nestjs/common';
import type { EventHandler } from '@atp/platform-messaging';

/**
 * A Kafka consumer of a service: a provider in a `<feature>.consumer.ts` file, marked with
 * `@KafkaConsumer()`. The runtime finds every marked provider at start-up and runs it as an
 * InboxConsumer (inbox deduplication, bounded retries, DLQ).
 */
export interface EventConsumer {
  readonly consumerName: string;
  readonly topics: string[];
  /** Replica builders start from offset 0 of compacted topics. */
  readonly fromBeginning?: boolean;
  handlers(): Record<string, EventHandler>;
}

export const KAFKA_CONSUMER_METADATA = 'atp:kafka-consumer';

export const KafkaConsumer = (): ClassDecorator => SetMetadata(KAFKA_CONSUMER_METADATA, true);
