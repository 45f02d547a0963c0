import { Module } from '@nestjs/common';
import { PunchlistQueries } from './punchlist-queries.service';
import { PunchlistQueriesController } from './punchlist-queries.controller';

@Module({ controllers: [PunchlistQueriesController], providers: [PunchlistQueries] })
export class QueriesModule {}
