import { Module } from '@nestjs/common';
import { OverrideRepository } from './override.repository';

@Module({ providers: [OverrideRepository], exports: [OverrideRepository] })
export class OverridesModule {}
