import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { OutboxRelay, purgeInbox } from '@atp/platform-messaging';
import { ROOT_LOGGER, SHARED_PRODUCER } from './tokens';

const INBOX_PURGE_EVERY_MS = 60 * 60 * 1000;

/**
 * Starts the outbox relay once the app is wired and purges old inbox rows hourly; stops the relay,
 * the shared producer and the DataSource on shutdown. The consumers are not started here: they are
 * a Nest microservice (`InboxTransport`, connected by `connectInboxConsumers`), which Nest closes
 * before these shutdown hooks run, so nothing is half-applied when the DataSource goes.
 */
@Injectable()
export class MessagingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private starting: Promise<void> | null = null;
  private stopped = false;
  private inboxPurge: NodeJS.Timeout | null = null;

  constructor(
    private readonly relay: OutboxRelay,
    private readonly dataSource: DataSource,
    @Inject(SHARED_PRODUCER) private readonly producer: Producer,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  /** Kafka may still be starting: the HTTP server comes up anyway while the relay connects in the background. */
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
        await this.producer.connect();
        await this.relay.start();
        return;
      } catch (error) {
        this.logger.error({ err: error, attempt }, 'outbox relay failed to start; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(30000, 1000 * attempt)));
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.inboxPurge) clearInterval(this.inboxPurge);
    await this.starting;
    await this.relay.stop();
    await this.producer.disconnect();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
