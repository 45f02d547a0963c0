import { Module } from '@nestjs/common';
import { OverridesModule } from '../overrides/overrides.module';
import { QaApprovedConsumer } from './qa-approved.consumer';
import { WorkflowStarter } from './workflow-starter.service';

@Module({
  imports: [OverridesModule],
  controllers: [QaApprovedConsumer],
  providers: [WorkflowStarter],
  exports: [WorkflowStarter],
})
export class StartModule {}
