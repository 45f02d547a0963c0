import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { DecisionResult } from '../stage-decision.service';
import { STAGE_STATUSES, WORKFLOW_STATUSES } from '../../workflow/state-machine';

type DecidedStage = DecisionResult['stage'];

@ApiSchema({ name: 'DecidedStage' })
export class DecidedStageSchema implements DecidedStage {
  @ApiProperty() id!: string;
  @ApiProperty({ type: 'integer' }) stageNumber!: number;
  @ApiProperty({ enum: STAGE_STATUSES }) status!: string;
  @ApiProperty({ enum: ['APPROVE', 'APPROVE_WITH_PUNCHLIST', 'REJECT'] }) decision!: string;
  @ApiProperty() decidedBy!: string;
  @ApiProperty({ format: 'date-time' }) decidedAt!: string;
  @ApiProperty({ description: 'why the caller may decide this stage (assigned, override, …)' }) authority!: string;
}

/** A decision's answer; `implements` keeps it in step with the service's result. */
@ApiSchema({ name: 'DecisionResult' })
export class DecisionResultSchema implements DecisionResult {
  @ApiProperty() workflowInstanceId!: string;
  @ApiProperty({ enum: WORKFLOW_STATUSES }) workflowStatus!: string;
  @ApiProperty({ type: 'integer', nullable: true }) currentStageNumber!: number | null;
  @ApiProperty({ type: () => DecidedStageSchema }) stage!: DecidedStageSchema;
  @ApiProperty({ type: [String], description: 'stages the decision opened' }) activatedStageIds!: string[];
}
