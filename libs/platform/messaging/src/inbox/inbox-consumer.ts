import type { Consumer, EachMessagePayload, Kafka, Producer } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import type { ContractValidator, EventEnvelope } from '@atp/contracts';
import { dlqTopicOf } from '@atp/contracts';
import { isDatabaseUnavailable } from '@atp/platform-database';
import { DlqHeader, type DlqErrorClass, decodeHeaders } from '../dlq/dlq-headers';
import type { MessagingLogger } from '../logger';
import type { MessagingMetrics } from '../metrics';
import { PermanentMessageError } from './errors';

export interface ConsumedEvent<TPayload = unknown> {
  envelope: EventEnvelope<TPayload>;
  topic: string;
  partition: number;
  offset: string;
}

/** Applies one event inside the inbox transaction; throw to retry, PermanentMessageError to DLQ. */
export type EventHandler = (event: ConsumedEvent, manager: EntityManager) => Promise<void>;

export interface RetryPolicy {
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export interface InboxConsumerOptions {
  consumerName: string;
  /** Defaults to the consumer name; Nest's transport would append suffixes, we do not. */
  groupId?: string;
  topics: string[];
  /** Event types this consumer applies; other types on its topics are acknowledged and skipped. */
  handlers: Record<string, EventHandler>;
  kafka: Kafka;
  dataSource: DataSource;
  validator: ContractValidator;
  /** Shared idempotent producer used for DLQ messages; connected by its owner. */
  dlqProducer: Producer;
  logger: MessagingLogger;
  metrics?: MessagingMetrics;
  retry?: Partial<RetryPolicy>;
  /** Replica builders read compacted topics from offset 0 when their group is new. */
  fromBeginning?: boolean;
  partitionsConsumedConcurrently?: number;
}

const defaultRetry: RetryPolicy = { maxAttempts: 5, initialBackoffMs: 100, maxBackoffMs: 5000 };

type Outcome = 'applied' | 'duplicate' | 'ignored' | 'dead_lettered';

/**
 * Idempotent consumer (architecture §4). Each message is applied in one transaction that first
 * records (consumer, eventId) in the inbox; a conflict means it was applied before. Failures retry
 * with bounded backoff; an invalid payload, a permanent error or exhausted retries send the message
 * to `<topic>.dlq` with the reason and the partition moves on. While the database is unreachable
 * the message is neither applied nor dead-lettered: the consumer throws, kafkajs restarts it, and
 * the message is read again from the last committed offset.
 */
export class InboxConsumer {
  private consumer: Consumer | null = null;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: InboxConsumerOptions) {
    this.retry = { ...defaultRetry, ...options.retry };
  }

  async start(): Promise<void> {
    const { kafka, consumerName, topics } = this.options;
    this.consumer = kafka.consumer({
      groupId: this.options.groupId ?? consumerName,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      allowAutoTopicCreation: false,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10000 },
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: this.options.fromBeginning ?? false });
    await this.consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachMessage: (payload) => this.process(payload),
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = null;
  }

  private async process(payload: EachMessagePayload): Promise<void> {
    const started = process.hrtime.bigint();
    const outcome = await this.decide(payload);
    const { metrics } = this.options;
    metrics?.consumed.inc({ consumer: this.options.consumerName, topic: payload.topic, outcome });
    metrics?.handlerSeconds.observe({ consumer: this.options.consumerName }, Number(process.hrtime.bigint() - started) / 1e9);
  }

  private async decide(payload: EachMessagePayload): Promise<Outcome> {
    const { message, topic, partition } = payload;
    const verdict = this.options.validator.parse(message.value);
    if (!verdict.ok) {
      await this.deadLetter(payload, 'schema-violation', verdict.reason, 0);
      return 'dead_lettered';
    }
    const handler = this.options.handlers[verdict.event.eventType];
    if (!handler) return 'ignored';
    const event: ConsumedEvent = { envelope: verdict.event, topic, partition, offset: message.offset };

    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.applyOnce(event, handler)) ? 'applied' : 'duplicate';
      } catch (error) {
        if (isDatabaseUnavailable(error)) throw error;
        if (error instanceof PermanentMessageError) {
          await this.deadLetter(payload, 'permanent', error.message, attempt);
          return 'dead_lettered';
        }
        if (attempt >= this.retry.maxAttempts) {
          await this.deadLetter(payload, 'retries-exhausted', (error as Error).message ?? String(error), attempt);
          return 'dead_lettered';
        }
        this.options.logger.warn(
          { err: error, consumer: this.options.consumerName, eventId: event.envelope.eventId, attempt },
          'handler failed; retrying',
        );
        await this.backoff(attempt, payload);
      }
    }
  }

  private applyOnce(event: ConsumedEvent, handler: EventHandler): Promise<boolean> {
    return this.options.dataSource.transaction(async (manager) => {
      const inserted = (await manager.query(
        `INSERT INTO inbox (consumer, event_id, event_type, topic, kafka_partition, kafka_offset)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING event_id`,
        [this.options.consumerName, event.envelope.eventId, event.envelope.eventType, event.topic, event.partition, event.offset],
      )) as unknown[];
      if (inserted.length === 0) return false;
      await handler(event, manager);
      return true;
    });
  }

  private async backoff(attempt: number, payload: EachMessagePayload): Promise<void> {
    const ceiling = Math.min(this.retry.maxBackoffMs, this.retry.initialBackoffMs * 2 ** (attempt - 1));
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    await new Promise((resolve) => setTimeout(resolve, delay));
    await payload.heartbeat();
  }

  /** Throws if the DLQ cannot be written: the message is then retried, never dropped. */
  private async deadLetter(payload: EachMessagePayload, errorClass: DlqErrorClass, reason: string, attempts: number): Promise<void> {
    const { message, topic, partition } = payload;
    this.options.logger.error(
      { consumer: this.options.consumerName, topic, partition, offset: message.offset, errorClass, reason },
      'message sent to the dead-letter queue',
    );
    await this.options.dlqProducer.send({
      topic: dlqTopicOf(topic),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...decodeHeaders(message.headers),
            [DlqHeader.reason]: reason.slice(0, 2000),
            [DlqHeader.errorClass]: errorClass,
            [DlqHeader.consumer]: this.options.consumerName,
            [DlqHeader.originalTopic]: topic,
            [DlqHeader.originalPartition]: String(partition),
            [DlqHeader.originalOffset]: message.offset,
            [DlqHeader.attempts]: String(attempts),
            [DlqHeader.failedAt]: new Date().toISOString(),
          },
        },
      ],
    });
  }
}
