import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import type { ContractValidator, EventEnvelope } from '@atp/contracts';
import { dlqTopicOf } from '@atp/contracts';
import { inConsumerSpan } from '@atp/platform-tracing';
import {
  isDatabaseUnavailable,
  isTransientConflict,
  pgErrorCode,
  runInWorkspace,
  runPrepared,
  setTransactionWorkspace,
} from '@atp/platform-database';
import { DlqHeader, type DlqErrorClass, decodeHeaders } from '../dlq/dlq-headers';
import type { MessagingLogger } from '../logger';
import type { MessagingMetrics } from '../metrics';
import type { ConsumerState, ConsumerStatus } from './consumer-status';
import { PermanentMessageError } from './errors';
import { fetchLimitsFor } from './fetch-limits';

export interface ConsumedEvent<TPayload = unknown> {
  envelope: EventEnvelope<TPayload>;
  topic: string;
  partition: number;
  offset: string;
  /** The Kafka headers of the message, decoded (trace context and other transport metadata). */
  headers: Record<string, string>;
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
  /** Defaults to the consumer name; Nest's own Kafka transport would append suffixes, we do not. */
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

/**
 * Messages of one partition applied per transaction. Sized for lock time rather than round trips: a
 * workflow start holds row locks (outbox versions, replicas) until its chunk commits.
 */
export const CHUNK_SIZE = 16;
/** Workspace ids are UUIDs; anything else in an envelope runs without a tenant scope. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Serialization failures, deadlocks and lock timeouts are retried without using the retry budget: they
 * say nothing about the message. This ceiling only stops a conflict that keeps recurring from
 * retrying forever; past it the conflicts count as ordinary failures.
 */
const MAX_CONFLICT_RETRIES = 50;

/**
 * Group session: a member that died without leaving (kill -9, lost node) is evicted after this long,
 * and only then can its successor take its partitions. The broker's minimum is 6 s.
 */
const SESSION_TIMEOUT_MS = 6000;
const HEARTBEAT_INTERVAL_MS = 1000;
/** How often a consumer waiting for its database asks again (it resumes within this of the return). */
const DATABASE_PROBE_MS = 250;
const RESTART_BACKOFF_MS = { initial: 500, max: 10_000 };

type Outcome = 'applied' | 'duplicate' | 'ignored' | 'unknown_type' | 'dead_lettered';

/** One message of a fetched batch, with what it needs to retry and dead-letter on its own. */
interface Delivery {
  topic: string;
  partition: number;
  message: KafkaMessage;
  heartbeat: () => Promise<void>;
}

type Planned = { event: ConsumedEvent; handler: EventHandler | null; outcome?: Outcome };

/**
 * Idempotent consumer (architecture §4). Every message is applied in a transaction that first
 * records (consumer, eventId) in the inbox; a conflict means it was applied before. The messages of a
 * fetched batch are applied in partition order, in one transaction per chunk; if anything in a chunk
 * fails, the chunk is rolled back (the cause is logged and counted) and its messages are applied one
 * at a time, so only the failing one retries with bounded backoff and, when it is invalid,
 * permanently refused or out of retries, goes to `<topic>.dlq` with the reason while the partition
 * moves on.
 *
 * Routing comes before validation: a message whose `eventType` this consumer has no handler for
 * (an event type added by a newer producer, or one it does not need) is acknowledged and counted
 * without looking at its payload; it never reaches the DLQ.
 *
 * While the database is unreachable nothing is applied or dead-lettered: the consumer keeps its
 * partitions (heartbeating), asks the database again every 250 ms and carries on with the same chunk
 * as soon as it answers. The consumer supervises itself: whatever stopped the kafkajs client (a crash,
 * a broker outage past its retries), it is started again with back-off until `stop()` is called.
 */
export class InboxConsumer {
  private consumer: Consumer | null = null;
  private readonly retry: RetryPolicy;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private restarts = 0;
  private readonly unknownTypesSeen = new Set<string>();
  private current: Omit<ConsumerStatus, 'consumer' | 'ready'> = {
    state: 'stopped',
    since: new Date().toISOString(),
    assignment: {},
  };

  constructor(private readonly options: InboxConsumerOptions) {
    this.retry = { ...defaultRetry, ...options.retry };
  }

  get name(): string {
    return this.options.consumerName;
  }

  status(): ConsumerStatus {
    return { consumer: this.options.consumerName, ...this.current, ready: this.current.state === 'consuming' };
  }

  /** Connects, subscribes and runs; throws if that first start fails (the caller retries it). */
  async start(): Promise<void> {
    this.stopping = false;
    await this.startClient();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const consumer = this.consumer;
    this.consumer = null;
    // disconnect() leaves the group, so a rolling restart costs the others no session timeout.
    await consumer?.disconnect();
    this.setState('stopped');
  }

  /** The kafkajs consumer underneath (diagnostics; fault-injection tests stop it). */
  get client(): Consumer | null {
    return this.consumer;
  }

  private async startClient(): Promise<void> {
    const { kafka, consumerName, topics } = this.options;
    const consumer = kafka.consumer({
      groupId: this.options.groupId ?? consumerName,
      sessionTimeout: SESSION_TIMEOUT_MS,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
      ...fetchLimitsFor(topics),
      allowAutoTopicCreation: false,
      // kafkajs never restarts a crashed client itself: `supervise` does, for every kind of crash.
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5000, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    this.supervise(consumer);
    this.setState('starting');
    try {
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: this.options.fromBeginning ?? false });
      await consumer.run({
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.processBatch(payload),
      });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      if (this.consumer === consumer) this.consumer = null;
      this.setState('restarting', error);
      throw error;
    }
  }

  private supervise(consumer: Consumer): void {
    const { events } = consumer;
    consumer.on(events.GROUP_JOIN, ({ payload }) => {
      this.restarts = 0;
      this.setState('consuming', undefined, payload.memberAssignment);
    });
    consumer.on(events.REBALANCING, () => this.setState('rebalancing'));
    // On a crash kafkajs disconnects (STOP) and then reports the crash: both lead to one restart.
    consumer.on(events.CRASH, ({ payload }) => this.restartLater(payload.error, consumer));
    consumer.on(events.STOP, () => this.restartLater(new Error('the kafkajs consumer stopped'), consumer));
  }

  /**
   * Starts a fresh client after back-off, unless we are stopping or a restart is already pending.
   * `from` is the client an event came from: events of a client already replaced are ignored.
   */
  private restartLater(cause: Error, from?: Consumer): void {
    if (this.stopping || (from && from !== this.consumer)) return;
    this.setState('restarting', cause);
    if (this.restartTimer) return;
    const delay = Math.min(RESTART_BACKOFF_MS.max, RESTART_BACKOFF_MS.initial * 2 ** this.restarts++);
    this.options.logger.error(
      { consumer: this.options.consumerName, err: cause, restartInMs: delay },
      'consumer stopped; restarting it',
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      void this.restart();
    }, delay);
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    const previous = this.consumer;
    this.consumer = null;
    await previous?.disconnect().catch(() => undefined);
    try {
      await this.startClient();
    } catch (error) {
      this.restartLater(error as Error);
    }
  }

  private setState(state: ConsumerState, cause?: unknown, assignment?: Record<string, number[]>): void {
    const detail = cause === undefined ? undefined : ((cause as Error).message ?? String(cause));
    this.current = {
      state,
      since: new Date().toISOString(),
      assignment: assignment ?? this.current.assignment,
      ...(detail ? { detail } : {}),
    };
  }

  private async processBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    for (let start = 0; start < batch.messages.length; ) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(start, start + CHUNK_SIZE);
      const deliveries = chunk.map((message) => ({
        topic: batch.topic,
        partition: batch.partition,
        message,
        heartbeat,
      }));
      try {
        await this.processChunk(deliveries);
      } catch (error) {
        if (!isDatabaseUnavailable(error)) throw error;
        if (!(await this.waitForDatabase(error, payload))) return;
        continue; // the same chunk again: what committed before the outage is a duplicate now
      }
      resolveOffset(chunk[chunk.length - 1].offset);
      await heartbeat();
      start += CHUNK_SIZE;
    }
  }

  /** Keeps the partition (heartbeats) until the database answers; false when the batch was taken away. */
  private async waitForDatabase(cause: unknown, { heartbeat, isRunning, isStale }: EachBatchPayload): Promise<boolean> {
    this.setState('waiting-for-database', cause);
    this.options.logger.warn(
      { consumer: this.options.consumerName, err: cause },
      'database unavailable; waiting for it',
    );
    for (;;) {
      if (!isRunning() || isStale()) return false;
      await new Promise((resolve) => setTimeout(resolve, DATABASE_PROBE_MS));
      await heartbeat();
      try {
        await this.options.dataSource.query('SELECT 1');
        this.setState('consuming');
        this.options.logger.info({ consumer: this.options.consumerName }, 'database is back; consuming again');
        return true;
      } catch {
        // still down: ask again
      }
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
  private async applyChunk(planned: Planned[]): Promise<Outcome[] | null> {
    if (planned.every(({ handler }) => handler === null)) return planned.map((p) => p.outcome ?? 'ignored');
    // Row-level security: a chunk of one workspace runs in its scope; a mixed chunk switches the transaction's
    // workspace before each event of another workspace than the one before it.
    const workspaces = new Set(planned.map(({ event }) => workspaceOf(event)));
    const [only] = workspaces.size === 1 ? [...workspaces] : [''];
    const apply = () =>
      this.options.dataSource.transaction(async (manager) => {
        // One inbox insert for the whole chunk: it also says up front which messages were applied before.
        const fresh = await this.recordInInbox(
          manager,
          planned.filter((p) => p.handler !== null).map((p) => p.event),
        );
        const outcomes: Outcome[] = [];
        let current = only;
        for (const { event, handler, outcome } of planned) {
          if (handler === null) {
            outcomes.push(outcome ?? 'ignored');
            continue;
          }
          // A message delivered twice within the chunk is applied once: its inbox row is taken by the first.
          if (!fresh.delete(event.envelope.eventId.toLowerCase())) {
            outcomes.push('duplicate');
            continue;
          }
          if (workspaceOf(event) !== current) {
            current = workspaceOf(event);
            await setTransactionWorkspace(manager, current);
          }
          await this.runHandler(manager, event, handler);
          outcomes.push('applied');
        }
        return outcomes;
      });
    try {
      return await (only ? runInWorkspace(only, apply) : apply());
    } catch (error) {
      if (isDatabaseUnavailable(error)) throw error;
      const cause = failureCause(error);
      this.options.metrics?.chunkFailures.inc({ consumer: this.options.consumerName, cause });
      this.options.logger.warn(
        {
          consumer: this.options.consumerName,
          err: error,
          cause,
          messages: planned.length,
          firstOffset: planned[0].event.offset,
        },
        'chunk rolled back; applying its messages one at a time',
      );
      return null;
    }
  }

  /** The chunk's events and handlers, or null when a handled message is invalid (handled one by one). */
  private planChunk(deliveries: Delivery[]): Planned[] | null {
    const planned: Planned[] = [];
    for (const delivery of deliveries) {
      const routed = this.route(delivery);
      if (routed.kind === 'invalid') return null;
      planned.push(
        routed.kind === 'skip'
          ? { event: routed.event, handler: null, outcome: routed.outcome }
          : { event: routed.event, handler: routed.handler },
      );
    }
    return planned;
  }

  /**
   * Reads the envelope, picks the handler by `eventType`, and only then validates the payload against
   * the catalog: an event type without a handler is skipped whatever its payload looks like.
   */
  private route(
    delivery: Delivery,
  ):
    | { kind: 'invalid'; reason: string }
    | { kind: 'skip'; event: ConsumedEvent; outcome: Outcome }
    | { kind: 'apply'; event: ConsumedEvent; handler: EventHandler } {
    const { message, topic, partition } = delivery;
    const { validator, handlers } = this.options;
    const read = validator.parseEnvelope(message.value);
    if (!read.ok) return { kind: 'invalid', reason: read.reason };
    const event: ConsumedEvent = {
      envelope: read.envelope,
      topic,
      partition,
      offset: message.offset,
      headers: decodeHeaders(message.headers),
    };
    const handler = handlers[read.envelope.eventType];
    if (!handler) return { kind: 'skip', event, outcome: this.skippedOutcome(read.envelope.eventType) };
    const verdict = validator.validate(read.envelope);
    if (!verdict.ok) return { kind: 'invalid', reason: verdict.reason };
    return { kind: 'apply', event, handler };
  }

  private skippedOutcome(eventType: string): Outcome {
    if (this.options.validator.knows(eventType)) return 'ignored';
    if (!this.unknownTypesSeen.has(eventType)) {
      this.unknownTypesSeen.add(eventType);
      this.options.logger.info(
        { consumer: this.options.consumerName, eventType },
        'skipping an event type this consumer does not know',
      );
    }
    return 'unknown_type';
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
    const routed = this.route(delivery);
    if (routed.kind === 'invalid') {
      await this.deadLetter(delivery, 'schema-violation', routed.reason, 0);
      return 'dead_lettered';
    }
    if (routed.kind === 'skip') return routed.outcome;
    const { event, handler } = routed;

    for (let attempt = 1, conflicts = 0; ; ) {
      try {
        return (await this.applyOnce(event, handler)) ? 'applied' : 'duplicate';
      } catch (error) {
        if (isDatabaseUnavailable(error)) throw error;
        if (error instanceof PermanentMessageError) {
          await this.deadLetter(delivery, 'permanent', error.message, attempt);
          return 'dead_lettered';
        }
        const context = {
          consumer: this.options.consumerName,
          eventId: event.envelope.eventId,
          attempt,
          cause: failureCause(error),
        };
        if (isTransientConflict(error) && conflicts < MAX_CONFLICT_RETRIES) {
          conflicts++;
          this.options.metrics?.conflictRetries.inc({ consumer: this.options.consumerName, cause: context.cause });
          this.options.logger.debug(
            { ...context, err: error, conflicts },
            'transient conflict; retrying (the retry budget is kept)',
          );
          await this.backoff(Math.min(conflicts, 4), delivery);
          continue;
        }
        if (attempt >= this.retry.maxAttempts) {
          await this.deadLetter(delivery, 'retries-exhausted', (error as Error).message ?? String(error), attempt);
          return 'dead_lettered';
        }
        this.options.logger.warn({ ...context, err: error }, 'handler failed; retrying');
        await this.backoff(attempt, delivery);
        attempt++;
      }
    }
  }

  /** In the event's workspace scope (row-level security), when the event belongs to one. */
  private applyOnce(event: ConsumedEvent, handler: EventHandler): Promise<boolean> {
    const apply = () => this.options.dataSource.transaction((manager) => this.applyIn(manager, event, handler));
    const workspaceId = workspaceOf(event);
    return workspaceId ? runInWorkspace(workspaceId, apply) : apply();
  }

  /** False when the inbox already holds the event: it was applied before. */
  private async applyIn(manager: EntityManager, event: ConsumedEvent, handler: EventHandler): Promise<boolean> {
    if ((await this.recordInInbox(manager, [event])).size === 0) return false;
    await this.runHandler(manager, event, handler);
    return true;
  }

  /** Inserts the events' inbox rows in one statement; returns the ids that were not there yet (to be applied now). */
  private async recordInInbox(manager: EntityManager, events: readonly ConsumedEvent[]): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    const inserted = await runPrepared<{ event_id: string }>(
      manager,
      `INSERT INTO inbox (consumer, event_id, event_type, topic, kafka_partition, kafka_offset)
       SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::int[], $6::bigint[]) ON CONFLICT DO NOTHING RETURNING event_id`,
      [
        this.options.consumerName,
        events.map((e) => e.envelope.eventId),
        events.map((e) => e.envelope.eventType),
        events.map((e) => e.topic),
        events.map((e) => e.partition),
        events.map((e) => e.offset),
      ],
    );
    return new Set(inserted.map((row) => row.event_id));
  }

  /**
   * The handler continues the trace of the message's headers: its queries and the events it writes
   * to the outbox belong to the trace of whatever caused this event.
   */
  private async runHandler(manager: EntityManager, event: ConsumedEvent, handler: EventHandler): Promise<void> {
    const { topic, partition, offset, envelope } = event;
    const attributes = {
      consumer: this.options.consumerName,
      topic,
      partition,
      offset,
      eventId: envelope.eventId,
      eventType: envelope.eventType,
    };
    await inConsumerSpan(event.headers, attributes, () => handler(event, manager));
  }

  private async backoff(attempt: number, delivery: Delivery): Promise<void> {
    const ceiling = Math.min(this.retry.maxBackoffMs, this.retry.initialBackoffMs * 2 ** (attempt - 1));
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    await new Promise((resolve) => setTimeout(resolve, delay));
    await delivery.heartbeat();
  }

  /** Throws if the DLQ cannot be written: the message is then retried, never dropped. */
  private async deadLetter(
    delivery: Delivery,
    errorClass: DlqErrorClass,
    reason: string,
    attempts: number,
  ): Promise<void> {
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

/** A short label of why a transaction failed: the PostgreSQL error code, else the error's name. */
function failureCause(error: unknown): string {
  return pgErrorCode(error) ?? (error as Error)?.name ?? 'unknown';
}

/** The event's workspace for row-level security, or '' when it belongs to none (tenant tables then show nothing). */
function workspaceOf(event: ConsumedEvent): string {
  const workspaceId = event.envelope.workspaceId;
  return workspaceId && UUID.test(workspaceId) ? workspaceId.toLowerCase() : '';
}
