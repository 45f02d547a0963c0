import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from '../clock/clock';
import { WorkflowRepository } from './workflow.repository';
import { WorkflowEventsPublisher } from './workflow-events.publisher';
import { MemberDirectory } from '../replica/member-directory';
import { ReplicaRepository } from '../replica/replica.repository';
import { WorkflowProgress } from './workflow-progress.service';

/** What every feature shares: the clock, the runtime tables, the replicas and the event publisher. */
@Global()
@Module({
  providers: [{ provide: Clock, useClass: SystemClock }, WorkflowRepository, WorkflowEventsPublisher, MemberDirectory, ReplicaRepository, WorkflowProgress],
  exports: [Clock, WorkflowRepository, WorkflowEventsPublisher, MemberDirectory, ReplicaRepository, WorkflowProgress],
})
export class WorkflowCoreModule {}
