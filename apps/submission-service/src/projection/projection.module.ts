import { Module } from '@nestjs/common';
import { SubmissionsModule } from '../submissions/submissions.module';
import { ProjectionService } from './projection.service';
import { PunchlistEventsConsumer } from './punchlist-events.consumer';
import { WorkflowEventsConsumer } from './workflow-events.consumer';

@Module({
  imports: [SubmissionsModule],
  providers: [ProjectionService, WorkflowEventsConsumer, PunchlistEventsConsumer],
})
export class ProjectionModule {}
