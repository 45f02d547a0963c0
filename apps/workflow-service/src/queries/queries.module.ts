import { Module } from '@nestjs/common';
import { QueriesController } from './queries.controller';
import { WorkflowQueries } from './workflow-queries.service';

@Module({ controllers: [QueriesController], providers: [WorkflowQueries] })
export class QueriesModule {}
