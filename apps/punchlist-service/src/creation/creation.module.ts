import { Module } from '@nestjs/common';
import { PunchlistCreator } from './punchlist-creator.service';
import { WorkflowDecisionsConsumer } from './workflow-decisions.consumer';

@Module({ providers: [PunchlistCreator, WorkflowDecisionsConsumer], exports: [PunchlistCreator] })
export class CreationModule {}
