import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from '../clock/clock';
import { WorkflowRepository } from './workflow.repository';
import { WorkflowEventsPublisher } from './workflow-events.publisher';
import { MemberDirectory } from '../replica/member-directory';
import { ReplicaRepository } from '../replica/replica.repository';
import { WorkflowProgress } from './workflow-progress.service';
import { IdempotencyStore } from '@atp/platform-http';

/** What every feature shares: the clock, the runtime tables, the replicas, the event publisher and idempotency keys. */
@Global()
@Module({
  providers: [{ provide: Clock, useClass: SystemClock }, WorkflowRepository, WorkflowEventsPublisher, MemberDirectory, ReplicaRepository, WorkflowProgress, IdempotencyStore],
  exports: [Clock, WorkflowRepository, WorkflowEventsPublisher, MemberDirectory, ReplicaRepository, WorkflowProgress, IdempotencyStore],
})
export class WorkflowCoreModule {}
