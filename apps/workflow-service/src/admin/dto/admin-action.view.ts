import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { STAGE_STATUSES, WORKFLOW_STATUSES } from '../../workflow/state-machine';

// The answers AdminActionsService stores (idempotent replays return them as stored).
const time = { type: String, format: 'date-time' } as const;

@ApiSchema({ name: 'ReassignedStage' })
export class ReassignedStageSchema {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: STAGE_STATUSES }) status!: string;
  @ApiProperty() approverUserId!: string;
  @ApiProperty({ type: String, nullable: true }) previousApproverUserId!: string | null;
}

@ApiSchema({ name: 'ReassignResult' })
export class ReassignResultSchema {
  @ApiProperty() workflowInstanceId!: string;
  @ApiProperty({ enum: WORKFLOW_STATUSES }) workflowStatus!: string;
  @ApiProperty({ type: () => ReassignedStageSchema }) stage!: ReassignedStageSchema;
}

@ApiSchema({ name: 'HoldResult' })
export class HoldResultSchema {
  @ApiProperty() workflowInstanceId!: string;
  @ApiProperty({ enum: ['ON_HOLD'] }) workflowStatus!: 'ON_HOLD';
  @ApiProperty(time) heldAt!: string;
}

@ApiSchema({ name: 'ResumedStage' })
export class ResumedStageSchema {
  @ApiProperty() id!: string;
  @ApiProperty({ ...time, nullable: true }) slaDueAt!: string | null;
  @ApiProperty(time) previousSlaDueAt!: string;
}

@ApiSchema({ name: 'ResumeResult' })
export class ResumeResultSchema {
  @ApiProperty() workflowInstanceId!: string;
  @ApiProperty({ enum: ['IN_PROGRESS'] }) workflowStatus!: 'IN_PROGRESS';
  @ApiProperty({ type: 'integer', description: 'how long the workflow was held; every PENDING SLA moved by it' })
  heldMs!: number;
  @ApiProperty({ type: () => ResumedStageSchema, isArray: true }) stages!: ResumedStageSchema[];
}

@ApiSchema({ name: 'CancelResult' })
export class CancelResultSchema {
  @ApiProperty() workflowInstanceId!: string;
  @ApiProperty({ enum: ['CANCELLED'] }) workflowStatus!: 'CANCELLED';
  @ApiProperty({ type: [String] }) cancelledStageIds!: string[];
}
