import { Module } from '@nestjs/common';
import { OverridesModule } from '../overrides/overrides.module';
import { DecisionsController } from './decisions.controller';
import { StageAuthority } from './stage-authority';
import { StageDecisionService } from './stage-decision.service';

@Module({
  imports: [OverridesModule],
  controllers: [DecisionsController],
  providers: [StageDecisionService, StageAuthority],
})
export class DecisionsModule {}
