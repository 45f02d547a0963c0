import { Global, Module } from '@nestjs/common';
import { SERVICE_ENV } from '@atp/platform-runtime';
import { Clock, clockFromEnv } from '../clock/clock';
import type { AppEnv } from '../config/env';
import { WorkflowRepository } from './workflow.repository';
import { WorkflowEventsPublisher } from './workflow-events.publisher';
import { MemberDirectory } from '../replica/member-directory';
import { ReplicaRepository } from '../replica/replica.repository';
import { WorkflowProgress } from './workflow-progress.service';
import { IdempotencyStore } from '@atp/platform-http';

/** What every feature shares: the clock, the runtime tables, the replicas, the event publisher and idempotency keys. */
@Global()
@Module({
  providers: [
    { provide: Clock, inject: [SERVICE_ENV], useFactory: (env: AppEnv) => clockFromEnv(env) },
    WorkflowRepository,
    WorkflowEventsPublisher,
    MemberDirectory,
    ReplicaRepository,
    WorkflowProgress,
    IdempotencyStore,
  ],
  exports: [
    Clock,
    WorkflowRepository,
    WorkflowEventsPublisher,
    MemberDirectory,
    ReplicaRepository,
    WorkflowProgress,
    IdempotencyStore,
  ],
})
export class WorkflowCoreModule {}
