import { Module } from '@nestjs/common';
import { CoveredStageReassigner } from './covered-stages';
import { OverrideRepository } from './override.repository';
import { OverridesController } from './overrides.controller';
import { OverrideService } from './override.service';

@Module({
  controllers: [OverridesController],
  providers: [OverrideRepository, OverrideService, CoveredStageReassigner],
  exports: [OverrideRepository],
})
export class OverridesModule {}
