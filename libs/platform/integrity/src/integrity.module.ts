import { Module, type DynamicModule } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import type { IntegrityService } from '@atp/contracts';
import { OutboxWriter } from '@atp/platform-messaging';
import { METRICS_REGISTRY } from '@atp/platform-runtime';
import { AuditScheduler } from './audit-scheduler';
import { IntegrityController } from './integrity.controller';
import { IntegrityMetrics } from './integrity-metrics';
import { INTEGRITY_SERVICE } from './integrity.tokens';
import { OrphanAuditor } from './orphan-auditor';

/** The orphan audit of one service: `IntegrityModule.forService('workflow')` next to PlatformModule. */
@Module({})
export class IntegrityModule {
  static forService(service: IntegrityService): DynamicModule {
    return {
      module: IntegrityModule,
      controllers: [IntegrityController],
      providers: [
        { provide: INTEGRITY_SERVICE, useValue: service },
        {
          provide: IntegrityMetrics,
          inject: [METRICS_REGISTRY],
          useFactory: (registry: Registry) => new IntegrityMetrics(registry),
        },
        {
          provide: OrphanAuditor,
          inject: [DataSource, OutboxWriter, IntegrityMetrics],
          useFactory: (dataSource: DataSource, outbox: OutboxWriter, metrics: IntegrityMetrics) =>
            new OrphanAuditor(service, dataSource, outbox, metrics),
        },
        AuditScheduler,
      ],
      exports: [OrphanAuditor, IntegrityMetrics],
    };
  }
}
