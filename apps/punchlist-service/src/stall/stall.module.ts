import { Module } from '@nestjs/common';
import { StallSweeper } from './stall-sweeper.service';

@Module({ providers: [StallSweeper], exports: [StallSweeper] })
export class StallModule {}
