import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { KAFKA } from './tokens';

/** Readiness probe of the Kafka cluster; keeps one admin connection and closes it on shutdown. */
@Injectable()
export class KafkaReadinessProbe implements OnApplicationShutdown {
  private admin: Admin | null = null;

  constructor(@Inject(KAFKA) private readonly kafka: Kafka) {}

  async check(): Promise<void> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    await this.admin.describeCluster();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin?.disconnect();
    this.admin = null;
  }
}
