import { Module } from '@nestjs/common';
import { PinsConsumer } from './pins.consumer';
import { PinsRepository } from './pins.repository';

@Module({ providers: [PinsRepository, PinsConsumer] })
export class PinsModule {}
