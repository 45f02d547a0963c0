import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ContractValidator } from '@atp/contracts';
import { InboxConsumer, MessagingMetrics, OutboxRelay, purgeInbox } from '@atp/platform-messaging';
import { KAFKA_CONSUMER_METADATA, type EventConsumer } from './event-consumer';
import { KAFKA, ROOT_LOGGER, SHARED_PRODUCER } from './tokens';


/**
 * Starts the outbox relay and the inbox consumers once the app is wired, and stops them in the
 * reverse order on shutdown (consumers first, so nothing is half-applied; the DataSource last).
 */
const INBOX_PURGE_EVERY_MS = 60 * 60 * 1000;

@Injectable()
export class MessagingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly running: InboxConsumer[] = [];
  private starting: Promise<void> | null = null;
  private stopped = false;
  private inboxPurge: NodeJS.Timeout | null = null;

  constructor(
    private readonly relay: OutboxRelay,
    private readonly dataSource: DataSource,
    private readonly validator: ContractValidator,
    private readonly metrics: MessagingMetrics,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(SHARED_PRODUCER) private readonly producer: Producer,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  /**
   * Kafka may still be starting: the HTTP server comes up anyway (live, not ready) while the
   * messaging side connects in the background and retries until it succeeds.
   */
  onApplicationBootstrap(): void {
    this.starting = this.startWithRetry();
    this.inboxPurge = setInterval(() => void this.purgeInbox(), INBOX_PURGE_EVERY_MS);
    this.inboxPurge.unref();
  }

  private async purgeInbox(): Promise<void> {
    try {
      const purged = await purgeInbox(this.dataSource);
      if (purged > 0) this.logger.info({ purged }, 'purged inbox rows past their retention');
    } catch (error) {
      this.logger.error({ err: error }, 'inbox purge failed; the next run retries');
    }
  }

  private async startWithRetry(): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        await this.startAll();
        return;
      } catch (error) {
        this.logger.error({ err: error, attempt }, 'messaging failed to start; retrying');
        for (const consumer of this.running.splice(0)) await consumer.stop().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, Math.min(30000, 1000 * attempt)));
      }
    }
  }

  private async startAll(): Promise<void> {
    await this.producer.connect();
    await this.relay.start();
    for (const declared of this.declaredConsumers()) {
      const consumer = new InboxConsumer({
        consumerName: declared.consumerName,
        topics: declared.topics,
        handlers: declared.handlers(),
        fromBeginning: declared.fromBeginning,
        kafka: this.kafka,
        dataSource: this.dataSource,
        validator: this.validator,
        dlqProducer: this.producer,
        logger: this.logger.child({ consumer: declared.consumerName }),
        metrics: this.metrics,
      });
      await consumer.start();
      this.running.push(consumer);
    }
  }

  private declaredConsumers(): EventConsumer[] {
    return this.discovery
      .getProviders()
      .filter((wrapper) => wrapper.metatype && wrapper.instance && this.reflector.get(KAFKA_CONSUMER_METADATA, wrapper.metatype))
      .map((wrapper) => wrapper.instance as EventConsumer);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.inboxPurge) clearInterval(this.inboxPurge);
    await this.starting;
    for (const consumer of this.running.splice(0)) await consumer.stop();
    await this.relay.stop();
    await this.producer.disconnect();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
