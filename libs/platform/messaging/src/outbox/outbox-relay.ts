import { Client } from 'pg';
import type { Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { MessagingLogger } from '../logger';
import type { MessagingMetrics } from '../metrics';

export interface OutboxRelayOptions {
  serviceName: string;
  dataSource: DataSource;
  /** A dedicated connection holds the leader lock and LISTENs; pooled connections cannot. */
  databaseUrl: string;
  producer: Producer;
  logger: MessagingLogger;
  metrics?: MessagingMetrics;
  batchSize?: number;
  /** Slow poll: catches anything a lost notification missed. */
  pollIntervalMs?: number;
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
}

const NOTIFY_CHANNEL = 'outbox_pending';
const CLEANUP_EVERY_MS = 10 * 60 * 1000;

/**
 * Publishes outbox rows in id order. Exactly one relay per service database is active: the holder
 * of a session advisory lock. Several replicas of a service may run; the others wait and take
 * over when the leader's connection ends. A crash between publish and mark republishes the batch;
 * consumers deduplicate by event id.
 */
export class OutboxRelay {
  private client: Client | null = null;
  private running = false;
  private leader = false;
  private wakeUp: (() => void) | null = null;
  private notified = false;
  private loop: Promise<void> | null = null;
  private lastCleanup = 0;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.options.producer.connect();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await this.releaseConnection();
    await this.options.producer.disconnect();
  }

  /** Unpublished events and the age of the oldest, for metrics and health. */
  async backlog(): Promise<{ backlog: number; oldestAgeSeconds: number }> {
    const [row] = (await this.options.dataSource.query(
      `SELECT count(*)::int AS backlog,
              COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - min(created_at)), 0)::float8 AS age
         FROM outbox WHERE published_at IS NULL`,
    )) as Array<{ backlog: number; age: number }>;
    return { backlog: row.backlog, oldestAgeSeconds: row.age };
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
        await this.cleanupIfDue();
        if (published < this.batchSize) await this.sleep(this.pollIntervalMs);
      } catch (error) {
        this.options.logger.error({ err: error }, 'outbox relay iteration failed; retrying');
        await this.sleep(Math.min(this.pollIntervalMs, 1000));
      }
    }
  }

  private async tryBecomeLeader(): Promise<void> {
    if (!this.client) {
      const client = new Client({ connectionString: this.options.databaseUrl, application_name: `${this.options.serviceName}-outbox-relay` });
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
    if (this.leader) this.options.logger.info({}, 'outbox relay is the leader for this database');
  }

  private async releaseConnection(): Promise<void> {
    this.leader = false;
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }

  private async publishBatch(): Promise<number> {
    this.notified = false;
    const started = process.hrtime.bigint();
    const rows = (await this.options.dataSource.query(
      `SELECT id, topic, partition_key, event_id, event_type, envelope::text AS envelope
         FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1`,
      [this.batchSize],
    )) as OutboxRow[];
    if (rows.length === 0) return 0;

    // kafkajs keeps the order of messages within a topic-partition of one sendBatch call.
    const byTopic = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const topicRows = byTopic.get(row.topic);
      if (topicRows) topicRows.push(row);
      else byTopic.set(row.topic, [row]);
    }
    await this.options.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, topicRows]) => ({
        topic,
        messages: topicRows.map((row) => ({
          key: row.partition_key,
          value: row.envelope,
          headers: { 'event-id': row.event_id, 'event-type': row.event_type },
        })),
      })),
    });
    await this.options.afterPublish?.(rows.map((row) => row.event_id));
    await this.options.dataSource.query(
      `UPDATE outbox SET published_at = clock_timestamp() WHERE id = ANY($1::bigint[])`,
      [rows.map((row) => row.id)],
    );
    for (const [topic, topicRows] of byTopic) this.options.metrics?.relayPublished.inc({ topic }, topicRows.length);
    this.options.metrics?.relayBatchSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    return rows.length;
  }

  private async cleanupIfDue(): Promise<void> {
    const now = Date.now();
    if (now - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = now;
    const hours = this.options.retentionHours ?? 72;
    await this.options.dataSource.query(
      `DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < clock_timestamp() - make_interval(hours => $1)`,
      [hours],
    );
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
