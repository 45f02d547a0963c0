import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { ContractValidator, eventCatalog } from '@atp/contracts';
import type { EnvOf, serviceEnvSchema } from '@atp/platform-config';
import {
  createServiceDataSource,
  installTenantScope,
  onCrossWorkspaceScope,
  type EntityClass,
  type MigrationClass,
} from '@atp/platform-database';
import {
  createIdempotentProducer,
  createKafka,
  kafkaSecurity,
  MessagingMetrics,
  OutboxRelay,
  OutboxWriter,
} from '@atp/platform-messaging';
import { HealthController, type HealthCheck } from './health.controller';
import { MetricsController } from './metrics.controller';
import { createRootLogger } from './logger';
import { MessagingLifecycle } from './messaging-lifecycle';
import { KafkaReadinessProbe } from './kafka-readiness';
import { InboxTransport } from './inbox-transport';
import { HEALTH_CHECKS, KAFKA, METRICS_REGISTRY, ROOT_LOGGER, SERVICE_ENV, SHARED_PRODUCER } from './tokens';
import { DataSource as DataSourceToken } from 'typeorm';

export type ServiceEnv = EnvOf<typeof serviceEnvSchema>;

export interface ServiceRuntimeOptions {
  env: ServiceEnv;
  entities?: EntityClass[];
  migrations: MigrationClass[];
}

/**
 * The runtime every service shares: JSON logging with correlation ids, the service's DataSource,
 * Kafka client, outbox writer and relay, inbox consumers, health and metrics endpoints. A service
 * module imports `PlatformModule.forService(...)` once and injects what it needs.
 */
@Module({})
export class PlatformModule {
  static forService(options: ServiceRuntimeOptions): DynamicModule {
    const { env } = options;
    const rootLogger = createRootLogger(env.SERVICE_NAME, env.LOG_LEVEL);
    const providers: Provider[] = [
      { provide: SERVICE_ENV, useValue: env },
      { provide: ROOT_LOGGER, useValue: rootLogger },
      {
        provide: METRICS_REGISTRY,
        useFactory: () => {
          const registry = new Registry();
          registry.setDefaultLabels({ service: env.SERVICE_NAME });
          collectDefaultMetrics({ register: registry });
          return registry;
        },
      },
      {
        provide: MessagingMetrics,
        inject: [METRICS_REGISTRY],
        useFactory: (registry: Registry) => new MessagingMetrics(registry),
      },
      {
        provide: DataSourceToken,
        useFactory: async () => {
          // Every connection carries the tenant scope of the code that takes it (row-level security backstop).
          onCrossWorkspaceScope((reason) =>
            rootLogger.warn({ reason }, 'entering a cross-workspace scope (row-level security bypassed)'),
          );
          return installTenantScope(
            createServiceDataSource({
              url: env.DATABASE_URL,
              applicationName: env.SERVICE_NAME,
              entities: options.entities,
              migrations: options.migrations,
              poolSize: env.DATABASE_POOL_SIZE,
            }),
          ).initialize();
        },
      },
      { provide: ContractValidator, useFactory: () => new ContractValidator(eventCatalog) },
      {
        provide: OutboxWriter,
        inject: [ContractValidator],
        useFactory: (validator: ContractValidator) => new OutboxWriter(validator),
      },
      {
        provide: KAFKA,
        useFactory: () =>
          createKafka({
            brokers: env.KAFKA_BROKERS,
            clientId: `${env.KAFKA_CLIENT_ID}-${env.SERVICE_NAME}`,
            logger: rootLogger,
            security: kafkaSecurity(env),
          }),
      },
      { provide: SHARED_PRODUCER, inject: [KAFKA], useFactory: (kafka: Kafka) => createIdempotentProducer(kafka) },
      {
        provide: OutboxRelay,
        inject: [KAFKA, DataSourceToken, MessagingMetrics],
        useFactory: (kafka: Kafka, dataSource: DataSource, metrics: MessagingMetrics) => {
          const relay = new OutboxRelay({
            serviceName: env.SERVICE_NAME,
            dataSource,
            databaseUrl: env.DATABASE_URL,
            producer: createIdempotentProducer(kafka),
            logger: rootLogger.child({ component: 'outbox-relay' }),
            metrics,
            pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS,
          });
          metrics.registerOutboxGauges(() => relay.backlog());
          return relay;
        },
      },
      KafkaReadinessProbe,
      {
        provide: InboxTransport,
        inject: [KAFKA, DataSourceToken, ContractValidator, SHARED_PRODUCER, MessagingMetrics],
        useFactory: (
          kafka: Kafka,
          dataSource: DataSource,
          validator: ContractValidator,
          producer: Producer,
          metrics: MessagingMetrics,
        ) =>
          new InboxTransport({
            kafka,
            dataSource,
            validator,
            dlqProducer: producer,
            logger: rootLogger.child({ component: 'inbox' }),
            metrics,
          }),
      },
      {
        provide: HEALTH_CHECKS,
        inject: [DataSourceToken, KafkaReadinessProbe, InboxTransport],
        useFactory: (dataSource: DataSource, kafkaProbe: KafkaReadinessProbe, inbox: InboxTransport): HealthCheck[] => [
          { name: 'postgres', check: async () => void (await dataSource.query('SELECT 1')) },
          { name: 'kafka', check: () => kafkaProbe.check() },
          // Every consumer joined its group and is consuming: not while it starts, rebalances, restarts or waits for
          // the database.
          { name: 'consumers', check: async () => inbox.checkReady() },
        ],
      },
      MessagingLifecycle,
    ];
    return {
      global: true,
      module: PlatformModule,
      controllers: [HealthController, MetricsController],
      providers,
      exports: [
        SERVICE_ENV,
        ROOT_LOGGER,
        METRICS_REGISTRY,
        MessagingMetrics,
        DataSourceToken,
        ContractValidator,
        OutboxWriter,
        KAFKA,
        SHARED_PRODUCER,
        OutboxRelay,
        InboxTransport,
      ],
    };
  }
}
