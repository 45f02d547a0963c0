import { Module } from '@nestjs/common';
import { OverrideRepository } from './override.repository';
import { OverridesController } from './overrides.controller';
import { OverrideService } from './override.service';

@Module({ controllers: [OverridesController], providers: [OverrideRepository, OverrideService], exports: [OverrideRepository] })
export class OverridesModule {}
