import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

function getOrCreate<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/** Prometheus metrics of the messaging platform, registered once per registry. */
export class MessagingMetrics {
  readonly consumed: Counter<'consumer' | 'topic' | 'outcome'>;
  readonly handlerSeconds: Histogram<'consumer'>;
  readonly chunkFailures: Counter<'consumer' | 'cause'>;
  readonly conflictRetries: Counter<'consumer' | 'cause'>;
  readonly relayPublished: Counter<'topic'>;
  readonly relayBatchSeconds: Histogram;

  constructor(readonly registry: Registry) {
    this.consumed = getOrCreate(
      registry,
      'atp_messaging_consumed_total',
      () =>
        new Counter({
          name: 'atp_messaging_consumed_total',
          help: 'Messages handled by inbox consumers, by outcome (applied, duplicate, ignored, unknown_type, dead_lettered)',
          labelNames: ['consumer', 'topic', 'outcome'] as const,
          registers: [registry],
        }),
    );
    this.handlerSeconds = getOrCreate(
      registry,
      'atp_messaging_handler_seconds',
      () =>
        new Histogram({
          name: 'atp_messaging_handler_seconds',
          help: 'Time to apply one message, inbox insert and handler transaction included',
          labelNames: ['consumer'] as const,
          buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
          registers: [registry],
        }),
    );
    this.chunkFailures = getOrCreate(
      registry,
      'atp_messaging_chunk_failures_total',
      () =>
        new Counter({
          name: 'atp_messaging_chunk_failures_total',
          help: 'Chunks rolled back and replayed one message at a time, by cause (PostgreSQL error code or error name)',
          labelNames: ['consumer', 'cause'] as const,
          registers: [registry],
        }),
    );
    this.conflictRetries = getOrCreate(
      registry,
      'atp_messaging_conflict_retries_total',
      () =>
        new Counter({
          name: 'atp_messaging_conflict_retries_total',
          help: 'Messages retried after a serialization failure, deadlock or lock timeout (not counted against the retry budget)',
          labelNames: ['consumer', 'cause'] as const,
          registers: [registry],
        }),
    );
    this.relayPublished = getOrCreate(
      registry,
      'atp_outbox_published_total',
      () =>
        new Counter({
          name: 'atp_outbox_published_total',
          help: 'Outbox events published to Kafka by the relay',
          labelNames: ['topic'] as const,
          registers: [registry],
        }),
    );
    this.relayBatchSeconds = getOrCreate(
      registry,
      'atp_outbox_relay_batch_seconds',
      () =>
        new Histogram({
          name: 'atp_outbox_relay_batch_seconds',
          help: 'Time to publish and mark one relay batch',
          buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
          registers: [registry],
        }),
    );
  }

  /** Backlog gauges read the outbox when Prometheus scrapes, so they are never stale. */
  registerOutboxGauges(
    readBacklog: () => Promise<{ backlog: number; oldestAgeSeconds: number; parked: number }>,
  ): void {
    getOrCreate(
      this.registry,
      'atp_outbox_backlog',
      () =>
        new Gauge({
          name: 'atp_outbox_backlog',
          help: 'Outbox events not yet published',
          registers: [this.registry],
          async collect() {
            this.set((await readBacklog()).backlog);
          },
        }),
    );
    getOrCreate(
      this.registry,
      'atp_outbox_oldest_unpublished_age_seconds',
      () =>
        new Gauge({
          name: 'atp_outbox_oldest_unpublished_age_seconds',
          help: 'Age of the oldest unpublished outbox event (0 when none)',
          registers: [this.registry],
          async collect() {
            this.set((await readBacklog()).oldestAgeSeconds);
          },
        }),
    );
    getOrCreate(
      this.registry,
      'atp_outbox_parked',
      () =>
        new Gauge({
          name: 'atp_outbox_parked',
          help: 'Outbox events Kafka refused for good (too large, invalid); alert when above 0',
          registers: [this.registry],
          async collect() {
            this.set((await readBacklog()).parked);
          },
        }),
    );
  }
}
