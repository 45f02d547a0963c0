import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import type { ContractValidator, EventEnvelope } from '@atp/contracts';
import { dlqTopicOf } from '@atp/contracts';
import { isDatabaseUnavailable, runInWorkspace } from '@atp/platform-database';
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

/** Messages of one partition applied per transaction; bounds how long a transaction stays open. */
const CHUNK_SIZE = 100;
/** Workspace ids are UUIDs; anything else in an envelope runs without a tenant scope. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Outcome = 'applied' | 'duplicate' | 'ignored' | 'dead_lettered';

/** One message of a fetched batch, with what it needs to retry and dead-letter on its own. */
interface Delivery {
  topic: string;
  partition: number;
  message: KafkaMessage;
  heartbeat: () => Promise<void>;
}

/**
 * Idempotent consumer (architecture §4). Every message is applied in a transaction that first
 * records (consumer, eventId) in the inbox; a conflict means it was applied before. The messages
 * of a fetched batch are applied together, in partition order, in one transaction per chunk (two
 * round trips a message instead of four); if anything in a chunk fails, the chunk is rolled back
 * and its messages are applied one at a time, so only the failing one retries with bounded backoff
 * and, when it is invalid, permanently refused or out of retries, goes to `<topic>.dlq` with the
 * reason while the partition moves on. While the database is unreachable nothing is applied or
 * dead-lettered: the consumer throws, kafkajs restarts it, and the messages are read again from the
 * last committed offset.
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
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.processBatch(payload),
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = null;
  }

  private async processBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    for (let start = 0; start < batch.messages.length; start += CHUNK_SIZE) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(start, start + CHUNK_SIZE);
      const deliveries = chunk.map((message) => ({ topic: batch.topic, partition: batch.partition, message, heartbeat }));
      await this.processChunk(deliveries);
      resolveOffset(chunk[chunk.length - 1].offset);
      await heartbeat();
    }
  }

  private async processChunk(deliveries: Delivery[]): Promise<void> {
    const started = process.hrtime.bigint();
    const planned = this.planChunk(deliveries);
    const outcomes = planned && (await this.applyChunk(planned));
    if (!outcomes) {
      // An invalid message, or a failure that rolled the chunk back: one at a time isolates it.
      for (const delivery of deliveries) await this.processOne(delivery);
      return;
    }
    const perMessageSeconds = Number(process.hrtime.bigint() - started) / 1e9 / deliveries.length;
    for (const [index, outcome] of outcomes.entries()) this.record(deliveries[index].topic, outcome, perMessageSeconds);
  }

  /** Applies a planned chunk in one transaction; null when anything in it failed (all rolled back). */
  private async applyChunk(planned: Array<{ event: ConsumedEvent; handler: EventHandler | null }>): Promise<Outcome[] | null> {
    if (planned.every(({ handler }) => handler === null)) return planned.map(() => 'ignored');
    try {
      return await this.options.dataSource.transaction(async (manager) => {
        const outcomes: Outcome[] = [];
        for (const { event, handler } of planned) {
          outcomes.push(handler === null ? 'ignored' : (await this.applyIn(manager, event, handler)) ? 'applied' : 'duplicate');
        }
        return outcomes;
      });
    } catch (error) {
      if (isDatabaseUnavailable(error)) throw error;
      return null;
    }
  }

  /** The chunk's events and handlers, or null when a message is invalid (handled one by one). */
  private planChunk(deliveries: Delivery[]): Array<{ event: ConsumedEvent; handler: EventHandler | null }> | null {
    const planned: Array<{ event: ConsumedEvent; handler: EventHandler | null }> = [];
    for (const { message, topic, partition } of deliveries) {
      const verdict = this.options.validator.parse(message.value);
      if (!verdict.ok) return null;
      const event: ConsumedEvent = { envelope: verdict.event, topic, partition, offset: message.offset };
      planned.push({ event, handler: this.options.handlers[verdict.event.eventType] ?? null });
    }
    return planned;
  }

  private async processOne(delivery: Delivery): Promise<void> {
    const started = process.hrtime.bigint();
    const outcome = await this.decide(delivery);
    this.record(delivery.topic, outcome, Number(process.hrtime.bigint() - started) / 1e9);
  }

  private record(topic: string, outcome: Outcome, seconds: number): void {
    const { metrics, consumerName } = this.options;
    metrics?.consumed.inc({ consumer: consumerName, topic, outcome });
    metrics?.handlerSeconds.observe({ consumer: consumerName }, seconds);
  }

  private async decide(delivery: Delivery): Promise<Outcome> {
    const { message, topic, partition } = delivery;
    const verdict = this.options.validator.parse(message.value);
    if (!verdict.ok) {
      await this.deadLetter(delivery, 'schema-violation', verdict.reason, 0);
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
          await this.deadLetter(delivery, 'permanent', error.message, attempt);
          return 'dead_lettered';
        }
        if (attempt >= this.retry.maxAttempts) {
          await this.deadLetter(delivery, 'retries-exhausted', (error as Error).message ?? String(error), attempt);
          return 'dead_lettered';
        }
        this.options.logger.warn(
          { err: error, consumer: this.options.consumerName, eventId: event.envelope.eventId, attempt },
          'handler failed; retrying',
        );
        await this.backoff(attempt, delivery);
      }
    }
  }

  /** In the event's workspace scope (row-level security), when the event belongs to one. */
  private applyOnce(event: ConsumedEvent, handler: EventHandler): Promise<boolean> {
    const apply = () => this.options.dataSource.transaction((manager) => this.applyIn(manager, event, handler));
    const workspaceId = event.envelope.workspaceId;
    return workspaceId && UUID.test(workspaceId) ? runInWorkspace(workspaceId, apply) : apply();
  }

  /** False when the inbox already holds the event: it was applied before. */
  private async applyIn(manager: EntityManager, event: ConsumedEvent, handler: EventHandler): Promise<boolean> {
    const inserted = (await manager.query(
      `INSERT INTO inbox (consumer, event_id, event_type, topic, kafka_partition, kafka_offset)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING event_id`,
      [this.options.consumerName, event.envelope.eventId, event.envelope.eventType, event.topic, event.partition, event.offset],
    )) as unknown[];
    if (inserted.length === 0) return false;
    await handler(event, manager);
    return true;
  }

  private async backoff(attempt: number, delivery: Delivery): Promise<void> {
    const ceiling = Math.min(this.retry.maxBackoffMs, this.retry.initialBackoffMs * 2 ** (attempt - 1));
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    await new Promise((resolve) => setTimeout(resolve, delay));
    await delivery.heartbeat();
  }

  /** Throws if the DLQ cannot be written: the message is then retried, never dropped. */
  private async deadLetter(delivery: Delivery, errorClass: DlqErrorClass, reason: string, attempts: number): Promise<void> {
    const { message, topic, partition } = delivery;
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
