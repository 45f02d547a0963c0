import { Module } from '@nestjs/common';
import { OverridesModule } from '../overrides/overrides.module';
import { DecisionsController } from './decisions.controller';
import { DecisionLoader } from './decision-loader';
import { StageDecisionService } from './stage-decision.service';

@Module({
  imports: [OverridesModule],
  controllers: [DecisionsController],
  providers: [StageDecisionService, DecisionLoader],
})
export class DecisionsModule {}
