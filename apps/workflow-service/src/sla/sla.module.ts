import { Module } from '@nestjs/common';
import { SlaSweeper } from './sla-sweeper.service';

@Module({ providers: [SlaSweeper], exports: [SlaSweeper] })
export class SlaModule {}
