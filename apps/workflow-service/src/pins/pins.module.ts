import { Module } from '@nestjs/common';
import { PinsController } from './pins.controller';
import { PinsReassertService } from './pins-reassert.service';

@Module({ controllers: [PinsController], providers: [PinsReassertService] })
export class PinsModule {}
