import { Client } from 'pg';
import type { Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { endPublishSpans, startPublishSpan, type TraceCarrier } from '@atp/platform-tracing';
import type { MessagingLogger } from '../logger';
import type { MessagingMetrics } from '../metrics';
import { permanentRefusal } from './kafka-refusal';
import { RelayPacer, type RelayWakeUp } from './relay-pacing';

export interface OutboxRelayOptions {
  serviceName: string;
  dataSource: DataSource;
  /** A dedicated connection holds the leader lock and LISTENs; pooled connections cannot. */
  databaseUrl: string;
  producer: Producer;
  logger: MessagingLogger;
  metrics?: MessagingMetrics;
  batchSize?: number;
  /** Slow poll while idle: catches anything a lost notification missed. */
  pollIntervalMs?: number;
  /** How new rows are noticed (see relay-pacing.ts); `adaptive` unless measuring the others. */
  wakeUp?: RelayWakeUp;
  /** The wait after a batch that found rows (adaptive polling). */
  busyPollMs?: number;
  /** Empty polls back off up to this before the relay counts as idle. */
  maxBusyPollMs?: number;
  /** Published rows are deleted after this long; they are kept a while for inspection. */
  retentionHours?: number;
  /** Observer called after Kafka acknowledged a batch and before it is marked published. */
  afterPublish?: (eventIds: string[]) => Promise<void> | void;
}

interface OutboxRow {
  id: string;
  topic: string;
  partition_key: string;
  event_id: string;
  event_type: string;
  envelope: string;
  /** The request (or event) that caused this one: a Kafka header too, for tracing without parsing. */
  correlation_id: string | null;
  /** W3C headers of the writer's trace context; null when it was not traced. */
  trace_context: TraceCarrier | null;
}

const NOTIFY_CHANNEL = 'outbox_pending';
/** A lock connection that does not answer within this is treated as lost (half-open TCP). */
const LOCK_QUERY_TIMEOUT_MS = 5000;
const STOP_GRACE_MS = 10_000;
const CLEANUP_EVERY_MS = 10 * 60 * 1000;
/** Published rows deleted per statement: bounds each statement's locks, WAL burst and duration. */
const CLEANUP_BATCH = 5000;

/**
 * Publishes outbox rows in id order. Exactly one relay per service database is active: the holder
 * of a session advisory lock. Several replicas of a service may run; the others wait and take
 * over when the leader's connection ends. A crash between publish and mark republishes the batch;
 * consumers deduplicate by event id.
 *
 * Leadership is checked again before every batch, on the connection that holds the lock: if that
 * connection went half-open, PostgreSQL freed the lock when it noticed and another relay may hold it
 * now, while this one has seen no error yet. The batch is read and marked on that connection, so the read is
 * the check: it fails or times out, this relay steps down without sending, and two relays never publish at once.
 * (Reading on pooled connections instead cost a question of its own per batch, and switched the pooled
 * connections between the relay's tenant scope and the requests', a settings round trip each time.)
 */
export class OutboxRelay {
  private client: Client | null = null;
  private running = false;
  private leader = false;
  private wakeUp: (() => void) | null = null;
  private notified = false;
  private loop: Promise<void> | null = null;
  private lastCleanup = 0;
  private cleaning: Promise<void> | null = null;
  private stopRequested = false;
  private readonly pacer: RelayPacer;
  /** Rows handed to Kafka whose published mark has not committed yet; the next fetch skips them. */
  private readonly inflight = new Set<string>();
  private marking: Promise<void> = Promise.resolve();
  private prefetched: Promise<OutboxRow[] | null> | null = null;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 1000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.pacer = new RelayPacer({
      wakeUp: options.wakeUp ?? 'adaptive',
      batchSize: this.batchSize,
      busyPollMs: options.busyPollMs ?? 2,
      maxBusyPollMs: options.maxBusyPollMs ?? 64,
      idlePollMs: this.pollIntervalMs,
    });
  }

  get isLeader(): boolean {
    return this.leader;
  }

  async start(): Promise<void> {
    if (this.running) return;
    await this.options.producer.connect(); // before `running`: a failed connect is retried by the next start()
    this.running = true;
    this.stopRequested = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopRequested = true;
    this.wake();
    // A send waits out a broker outage (unbounded idempotent retries): give it a while, then cut it off.
    const finished = await Promise.race([
      this.loop?.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), STOP_GRACE_MS).unref()),
    ]);
    if (finished === false) {
      this.options.logger.warn(
        {},
        'outbox relay still sending at shutdown; disconnecting the producer (the batch is published again later)',
      );
      await this.options.producer.disconnect().catch(() => undefined);
    }
    await this.discardPrefetch();
    await this.marking;
    await this.cleaning;
    await this.releaseConnection();
    await this.options.producer.disconnect();
  }

  /** Unpublished events (parked ones included), the age of the oldest, and how many are parked. */
  async backlog(): Promise<{ backlog: number; oldestAgeSeconds: number; parked: number }> {
    const [row] = (await this.options.dataSource.query(
      `SELECT count(*)::int AS backlog,
              count(*) FILTER (WHERE failed_at IS NOT NULL)::int AS parked,
              COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - min(created_at)), 0)::float8 AS age
         FROM outbox WHERE published_at IS NULL`,
    )) as Array<{ backlog: number; age: number; parked: number }>;
    return { backlog: row.backlog, oldestAgeSeconds: row.age, parked: row.parked };
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (!this.leader) await this.tryBecomeLeader();
        if (!this.leader) {
          await this.sleep(this.pollIntervalMs);
          continue;
        }
        const published = await this.publishBatch();
        this.cleanupIfDue();
        const step = this.pacer.next(published);
        if (step.arm !== null) await this.setArmed(step.arm);
        if (step.waitMs > 0) await this.sleep(step.waitMs);
      } catch (error) {
        this.options.logger.error({ err: error }, 'outbox relay iteration failed; retrying');
        await this.sleep(Math.min(this.pollIntervalMs, 1000));
      }
    }
  }

  private async tryBecomeLeader(): Promise<void> {
    if (!this.client) {
      const client = new Client({
        connectionString: this.options.databaseUrl,
        application_name: `${this.options.serviceName}-outbox-relay`,
        keepAlive: true,
        query_timeout: LOCK_QUERY_TIMEOUT_MS,
      });
      client.on('notification', () => this.wake());
      client.on('error', (error) => {
        this.options.logger.warn({ err: error }, 'outbox relay connection lost; giving up leadership');
        void this.releaseConnection();
      });
      await client.connect();
      await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
      this.client = client;
    }
    const { rows } = await this.client.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_lock(hashtext('outbox-relay')) AS locked`,
    );
    this.leader = rows[0].locked;
    if (!this.leader) return;
    this.options.logger.info({}, 'outbox relay is the leader for this database');
    await this.setArmed(this.pacer.initialArm());
  }

  /**
   * `sql` on the lock connection; null when it did not answer, which also proves this relay no longer leads. The lock
   * is session-level and never released while the session lives, so the session answering on this connection is the
   * proof: when PostgreSQL ended it (a half-open connection it noticed, a terminated backend), the lock went with it
   * and the statement fails or times out. (Reading pg_locks instead cost 0.5 ms of server CPU per batch.)
   */
  private async onLockSession<Row extends object>(sql: string, params: unknown[] = []): Promise<Row[] | null> {
    const client = this.client;
    if (!client) return null;
    try {
      return (await client.query<Row>(sql, params)).rows;
    } catch (error) {
      this.options.logger.warn({ err: error }, 'outbox relay lock connection did not answer');
      return null;
    }
  }

  private async releaseConnection(): Promise<void> {
    this.leader = false;
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }

  /**
   * One batch, pipelined: while it travels to Kafka the next batch is already being read (when this
   * one was full), and its published mark commits in the background while later batches go out.
   * Sends stay strictly sequential, so per-key order holds; a mark that fails leaves rows unmarked
   * and they are published again (consumers deduplicate).
   */
  private async publishBatch(): Promise<number> {
    this.notified = false;
    const started = process.hrtime.bigint();
    const rows = await this.nextRows();
    if (rows === null) {
      this.options.logger.warn({}, 'outbox relay no longer holds the leader lock; stepping down');
      await this.releaseConnection();
      return 0;
    }
    if (rows.length === 0) return 0;
    for (const row of rows) this.inflight.add(row.id);
    if (rows.length === this.batchSize) this.prefetched = this.fetch();

    let published = rows;
    try {
      await this.send(rows);
    } catch (error) {
      await this.discardPrefetch();
      if (!permanentRefusal(error)) {
        this.release(rows);
        throw error;
      }
      published = await this.publishOneByOne(rows);
      this.release(rows.filter((row) => !published.includes(row)));
    }
    await this.options.afterPublish?.(published.map((row) => row.event_id));
    this.marking = this.marking
      .then(() => this.markPublished(published))
      .catch((error: unknown) =>
        this.options.logger.warn({ err: error }, 'marking outbox rows published failed; they will be published again'),
      )
      .finally(() => {
        this.release(published);
        this.options.metrics?.relayBatchSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
      });
    return rows.length;
  }

  /** The batch to send, read on the lock session (which proves leadership); null when this relay no longer leads. */
  private async nextRows(): Promise<OutboxRow[] | null> {
    const prefetched = this.prefetched;
    this.prefetched = null;
    if (!prefetched) return this.fetch();
    // Read ahead during the previous send, so before it: leadership is proved again now.
    const rows = await prefetched;
    return rows && (await this.onLockSession(`SELECT 1`)) ? rows : null;
  }

  /** Rows behind a parked row of the same partition key wait, so one aggregate never skips ahead. Null: see above. */
  private fetch(): Promise<OutboxRow[] | null> {
    return this.onLockSession<OutboxRow>(
      `SELECT o.id, o.topic, o.partition_key, o.event_id, o.event_type, o.envelope::text AS envelope,
              o.envelope->>'correlationId' AS correlation_id, o.trace_context
         FROM outbox o
        WHERE o.published_at IS NULL AND o.failed_at IS NULL
          AND o.id <> ALL($2::bigint[])
          AND NOT EXISTS (SELECT 1 FROM outbox p
                           WHERE p.failed_at IS NOT NULL AND p.published_at IS NULL
                             AND p.partition_key = o.partition_key AND p.id < o.id)
        ORDER BY o.id LIMIT $1`,
      [this.batchSize, [...this.inflight]],
    );
  }

  private release(rows: readonly OutboxRow[]): void {
    for (const row of rows) this.inflight.delete(row.id);
  }

  private async discardPrefetch(): Promise<void> {
    const pending = this.prefetched;
    this.prefetched = null;
    await pending?.catch(() => undefined);
  }

  /**
   * kafkajs keeps the order of messages within a topic-partition of one sendBatch call. A traced event
   * gets a PRODUCER span (child of the writer's context) whose own context goes in its headers.
   */
  private async send(rows: OutboxRow[]): Promise<void> {
    const byTopic = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const topicRows = byTopic.get(row.topic);
      if (topicRows) topicRows.push(row);
      else byTopic.set(row.topic, [row]);
    }
    const traced = new Map(
      rows.map((row) => [
        row,
        startPublishSpan(row.trace_context, {
          topic: row.topic,
          eventId: row.event_id,
          eventType: row.event_type,
          partitionKey: row.partition_key,
        }),
      ]),
    );
    const spans = [...traced.values()].map((t) => t?.span);
    try {
      await this.options.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, topicRows]) => ({
          topic,
          messages: topicRows.map((row) => ({
            key: row.partition_key,
            value: row.envelope,
            headers: {
              'event-id': row.event_id,
              'event-type': row.event_type,
              ...(row.correlation_id ? { 'correlation-id': row.correlation_id } : {}),
              ...traced.get(row)?.headers,
            },
          })),
        })),
      });
    } catch (error) {
      endPublishSpans(spans, error);
      throw error;
    }
    endPublishSpans(spans);
  }

  /**
   * Kafka refused part of a batch for good: send the rows one at a time in order, park each row it
   * refuses, and hold back the later rows of that partition key (they stay unpublished, in order).
   */
  private async publishOneByOne(rows: OutboxRow[]): Promise<OutboxRow[]> {
    const published: OutboxRow[] = [];
    const heldKeys = new Set<string>();
    for (const row of rows) {
      if (heldKeys.has(row.partition_key)) continue;
      try {
        await this.send([row]);
        published.push(row);
      } catch (error) {
        const refusal = permanentRefusal(error);
        if (!refusal) throw error;
        heldKeys.add(row.partition_key);
        await this.options.dataSource.query(
          `UPDATE outbox SET failed_at = clock_timestamp(), last_error = $2 WHERE id = $1`,
          [row.id, `${refusal}: ${(error as Error).message}`.slice(0, 2000)],
        );
        this.options.logger.error(
          { eventId: row.event_id, eventType: row.event_type, topic: row.topic, refusal },
          'Kafka refused an outbox event; parked it and held back later events of its key',
        );
      }
    }
    return published;
  }

  /** On the lock session too: a relay that stepped down leaves the rows to the next leader, which sends them again. */
  private async markPublished(rows: OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    if (!this.client) throw new Error('the relay stepped down before marking its batch published');
    await this.client.query(`UPDATE outbox SET published_at = clock_timestamp() WHERE id = ANY($1::bigint[])`, [
      rows.map((row) => row.id),
    ]);
    const perTopic = new Map<string, number>();
    for (const row of rows) perTopic.set(row.topic, (perTopic.get(row.topic) ?? 0) + 1);
    for (const [topic, count] of perTopic) this.options.metrics?.relayPublished.inc({ topic }, count);
  }

  /** Whether committing inserts notify (the trigger reads the flag); written on the lock connection. */
  private async setArmed(armed: boolean): Promise<void> {
    await this.client?.query(`UPDATE outbox_relay_wake SET armed = $1 WHERE armed IS DISTINCT FROM $1`, [armed]);
  }

  /** Retention runs beside the publish loop, in bounded batches, so publishing never waits for it. */
  private cleanupIfDue(): void {
    const now = Date.now();
    if (this.cleaning || now - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = now;
    this.cleaning = this.cleanup()
      .then(() => undefined)
      .catch((error: unknown) => this.options.logger.warn({ err: error }, 'outbox cleanup failed; it runs again later'))
      .finally(() => (this.cleaning = null));
  }

  /** Deletes published rows past retention, CLEANUP_BATCH at a time; returns how many it deleted. */
  async cleanup(): Promise<number> {
    const hours = this.options.retentionHours ?? 72;
    let total = 0;
    for (;;) {
      const [{ deleted }] = (await this.options.dataSource.query(
        `WITH doomed AS (
           SELECT id FROM outbox
            WHERE published_at IS NOT NULL AND published_at < clock_timestamp() - make_interval(hours => $1)
            ORDER BY published_at LIMIT $2),
         gone AS (DELETE FROM outbox o USING doomed WHERE o.id = doomed.id RETURNING 1)
         SELECT count(*)::int AS deleted FROM gone`,
        [hours, CLEANUP_BATCH],
      )) as Array<{ deleted: number }>;
      total += deleted;
      if (deleted < CLEANUP_BATCH || this.stopRequested) return total;
    }
  }

  /** Sleeps until the poll interval passes or a notification arrives, whichever is first. */
  private sleep(ms: number): Promise<void> {
    if (this.notified || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
    });
  }

  private wake(): void {
    this.notified = true;
    this.wakeUp?.();
  }
}
