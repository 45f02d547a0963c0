import { Module } from '@nestjs/common';
import { PunchlistCreator } from './punchlist-creator.service';
import { WorkflowDecisionsConsumer } from './workflow-decisions.consumer';

@Module({ controllers: [WorkflowDecisionsConsumer], providers: [PunchlistCreator], exports: [PunchlistCreator] })
export class CreationModule {}
