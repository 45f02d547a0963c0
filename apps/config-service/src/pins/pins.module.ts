import { Module } from '@nestjs/common';
import { PinsConsumer } from './pins.consumer';
import { PinsRepository } from './pins.repository';

@Module({ controllers: [PinsConsumer], providers: [PinsRepository] })
export class PinsModule {}
